// "My work": the projects I belong to, what I did today, and a Start button per stage.
import { useEffect, useState } from 'react';
import { guideline, me } from '../../api/endpoints';
import type { Id, PendingAck } from '../../api/types';
import { navigate } from '../../app/router';
import { Link } from '../common/Link';
import { ShowError } from '../common/ShowError';
import { useLoad } from '../common/useLoad';
import { ShowSaveState } from '../workspace/ShowSaveState';

/** Per project, the guideline version I still have to confirm (projects without one are left out). */
function usePendingGuidelines(projectIds: Id[]): Record<Id, PendingAck> {
  const [pending, setPending] = useState<Record<Id, PendingAck>>({});
  const key = projectIds.join(',');
  useEffect(() => {
    let live = true;
    void Promise.allSettled(projectIds.map((pid) => guideline.state(pid).then((s) => [pid, s.pending_ack] as const))).then((results) => {
      if (!live) return;
      const found: Record<Id, PendingAck> = {};
      for (const r of results) if (r.status === 'fulfilled' && r.value[1]) found[r.value[0]] = r.value[1];
      setPending(found);
    });
    return () => {
      live = false;
    };
  }, [key]);
  return pending;
}

function PendingBadge({ projectId, version, link }: { projectId: Id; version: number; link: boolean }) {
  const props = {
    className: 'badge warn',
    'data-testid': `guideline-pending-${projectId}`,
    title: 'Read what changed and confirm it: the workspace shows it before your next task',
  };
  const text = `New guideline to confirm: v${version}`;
  return link ? (
    <Link to={`/projects/${projectId}/annotate`} {...props}>
      {text}
    </Link>
  ) : (
    <span {...props}>{text}</span>
  );
}

export function ListMyWork() {
  const { data, error, loading } = useLoad(() => me.work(), []);
  const pending = usePendingGuidelines((data ?? []).map((w) => w.project.id));
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
                {pending[w.project.id] && (
                  <div>
                    <PendingBadge projectId={w.project.id} version={pending[w.project.id]!.version} link={'annotate' in w.available} />
                  </div>
                )}
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
