// "My history": items I submitted (latest version each), per project, reopened for an edit.
import { useEffect, useState } from 'react';
import { me, projects } from '../../api/endpoints';
import type { HistoryEntry, Id } from '../../api/types';
import { setQuery, useLocation } from '../../app/router';
import { formatDuration } from '../../domain/activeClock';
import { kindOf } from '../../kinds/registry';
import { Link } from '../common/Link';
import { ShowError } from '../common/ShowError';
import { useLoad } from '../common/useLoad';

export function ListHistory() {
  const { search } = useLocation();
  const work = useLoad(() => me.work(), []);
  const projectId = Number(search.get('project')) || work.data?.[0]?.project.id || null;
  const project = useLoad(() => (projectId ? projects.get(projectId) : Promise.resolve(null)), [projectId]).data;
  const [entries, setEntries] = useState<HistoryEntry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = async (pid: Id, after?: string) => {
    try {
      const page = await me.history(pid, after);
      setEntries((prev) => (after ? [...prev, ...page.items] : page.items));
      setCursor(page.next_cursor ?? null);
      setError(null);
    } catch (err) {
      setError(err);
    }
  };

  useEffect(() => {
    setEntries([]);
    if (projectId) void load(projectId);
  }, [projectId]);

  return (
    <div className="page">
      <header className="row">
        <h1 className="grow">My history</h1>
        <label>
          Project{' '}
          <select value={projectId ?? ''} onChange={(e) => setQuery({ project: e.target.value })} data-testid="history-project">
            {(work.data ?? []).map((w) => (
              <option key={w.project.id} value={w.project.id}>
                {w.project.name}
              </option>
            ))}
          </select>
        </label>
      </header>
      <ShowError error={error ?? work.error} />
      <table className="grid" data-testid="history">
        <thead>
          <tr>
            <th>Item</th>
            <th>Version</th>
            <th>Submitted</th>
            <th>Active time</th>
            <th>Answer</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {entries.map(({ annotation: a, item }) => (
            <tr key={a.id} data-testid={`history-${item.id}`}>
              <td>{item.external_id || item.id}</td>
              <td className="num">v{a.version}</td>
              <td>{new Date(a.created_at).toLocaleString()}</td>
              <td className="num">{formatDuration(a.active_ms)}</td>
              <td className="small">
                {(project?.schema?.questions ?? []).filter((q) => q.name in a.result).map((q) => (
                  <div key={q.name}>
                    <span className="muted">{q.title ?? q.name}:</span> {kindOf(q.kind).summarize(a.result[q.name] as never)}
                  </div>
                ))}
              </td>
              <td>
                <Link to={`/projects/${projectId}/items/${item.id}/edit`} data-testid={`edit-${item.id}`}>
                  Edit
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {entries.length === 0 && !error && <p className="muted">Nothing submitted in this project yet.</p>}
      {cursor && projectId && (
        <button type="button" onClick={() => void load(projectId, cursor)}>
          More
        </button>
      )}
    </div>
  );
}
