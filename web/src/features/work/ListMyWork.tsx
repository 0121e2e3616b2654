// "My work": the projects I belong to, what I did today, and a Start button per stage.
import { useEffect } from 'react';
import { me } from '../../api/endpoints';
import { navigate } from '../../app/router';
import { Link } from '../common/Link';
import { ShowError } from '../common/ShowError';
import { useLoad } from '../common/useLoad';
import { ShowSaveState } from '../workspace/ShowSaveState';

export function ListMyWork() {
  const { data, error, loading } = useLoad(() => me.work(), []);
  // Warm the workspace code so Start opens instantly.
  useEffect(() => {
    const t = window.setTimeout(() => void import('../workspace/AnnotateItem'), 500);
    return () => window.clearTimeout(t);
  }, []);
  return (
    <div className="page">
      <header className="row">
        <h1 className="grow">My work</h1>
        <ShowSaveState />
      </header>
      <ShowError error={error} />
      {loading && !data && <p className="muted">Loading…</p>}
      {data && data.length === 0 && <p className="muted">You are not a member of any project yet.</p>}
      <table className="grid" data-testid="my-work">
        <thead>
          <tr>
            <th>Project</th>
            <th>Role</th>
            <th className="num">Done today</th>
            <th className="num">Done total</th>
            <th>Available</th>
          </tr>
        </thead>
        <tbody>
          {(data ?? []).map((w) => (
            <tr key={w.project.id} data-testid={`work-${w.project.id}`}>
              <td>
                <strong>{w.project.name}</strong>
                {w.project.description && <div className="muted small">{w.project.description}</div>}
              </td>
              <td>{w.project.role ?? 'admin'}</td>
              <td className="num" data-testid="done-today">
                {w.done_today}
              </td>
              <td className="num">{w.done_total}</td>
              <td>
                {Object.entries(w.available).map(([stage, n]) => (
                  <span key={stage} className="stage-start">
                    <button
                      type="button"
                      className="primary small"
                      data-testid={`start-${w.project.id}-${stage}`}
                      disabled={stage !== 'annotate'}
                      title={stage !== 'annotate' ? 'The review workspace is not available yet' : undefined}
                      onClick={() => navigate(`/projects/${w.project.id}/annotate`)}
                    >
                      Start {stage}
                    </button>{' '}
                    <span className="muted small">{n} available</span>
                  </span>
                ))}
                {w.project.role === 'lead' && (
                  <Link to={`/lead/projects/${w.project.id}`} className="small">
                    manage
                  </Link>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
