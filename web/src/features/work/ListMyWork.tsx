// "My work": the projects I belong to, what I did today, and a Start button per stage.
import { useEffect, useState } from 'react';
import { guideline, me, review } from '../../api/endpoints';
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

/** Per project, how many items reviewers sent back to me (projects where I annotate). */
function useReworkCounts(projectIds: Id[]): Record<Id, number> {
  const [counts, setCounts] = useState<Record<Id, number>>({});
  const key = projectIds.join(',');
  useEffect(() => {
    let live = true;
    void Promise.allSettled(projectIds.map((pid) => review.rework(pid).then((r) => [pid, r.length] as const))).then((results) => {
      if (!live) return;
      const found: Record<Id, number> = {};
      for (const r of results) if (r.status === 'fulfilled' && r.value[1] > 0) found[r.value[0]] = r.value[1];
      setCounts(found);
    });
    return () => {
      live = false;
    };
  }, [key]);
  return counts;
}

/** The stages to offer: those with work available, and review for reviewers and leads. */
function stagesOf(w: { available: Partial<Record<string, number>>; project: { role?: string | null } }): [string, number][] {
  const out = Object.entries(w.available).filter(([stage]) => stage === 'annotate' || stage === 'review') as [string, number][];
  if ((w.project.role === 'reviewer' || w.project.role === 'lead') && !out.some(([s]) => s === 'review')) out.push(['review', 0]);
  return out;
}

export function ListMyWork() {
  const { data, error, loading } = useLoad(() => me.work(), []);
  const pending = usePendingGuidelines((data ?? []).map((w) => w.project.id));
  const rework = useReworkCounts((data ?? []).filter((w) => w.project.role !== 'viewer' && w.project.role !== 'reviewer').map((w) => w.project.id));
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
                {stagesOf(w).map(([stage, n]) => (
                  <span key={stage} className="stage-start">
                    <button
                      type="button"
                      className="primary small"
                      data-testid={`start-${w.project.id}-${stage}`}
                      disabled={stage !== 'annotate' && stage !== 'review'}
                      onClick={() => navigate(`/projects/${w.project.id}/${stage === 'review' ? 'review' : 'annotate'}`)}
                    >
                      Start {stage}
                    </button>{' '}
                    <span className="muted small">{n} available</span>
                  </span>
                ))}
                {rework[w.project.id] ? (
                  <Link to={`/projects/${w.project.id}/rework`} className="badge warn" data-testid={`rework-link-${w.project.id}`}>
                    Rework ({rework[w.project.id]})
                  </Link>
                ) : null}{' '}
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
