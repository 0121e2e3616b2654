// The annotator's progress against today's targets, live, in the workspace toolbar.
import { useEffect, useRef, useState } from 'react';
import { activity, formatMetric, METRIC_LABELS, progressLine, progressState, type Progress } from '../../api/activity';
import type { Id } from '../../api/types';
import { pendingFor, useSubmitQueue } from '../workspace/offline';

const POLL_MS = 30_000;

export function ShowTodayProgress({ projectId }: { projectId: Id }) {
  const [progress, setProgress] = useState<Progress | null>(null);
  const [n, setN] = useState(0);
  const pending = pendingFor(useSubmitQueue(), projectId);
  const lastPending = useRef(pending);

  // A submit leaving the queue (acknowledged by the server) changes today's numbers at once.
  useEffect(() => {
    if (pending < lastPending.current) setN((x) => x + 1);
    lastPending.current = pending;
  }, [pending]);

  useEffect(() => {
    let live = true;
    const load = () =>
      activity.progressToday(projectId).then(
        (p) => live && setProgress(p),
        () => undefined, // the badge is a convenience: a failed refresh keeps the last numbers
      );
    void load();
    const t = window.setInterval(() => {
      if (!document.hidden) void load();
    }, POLL_MS);
    return () => {
      live = false;
      window.clearInterval(t);
    };
  }, [projectId, n]);

  if (!progress) return null;
  const state = progressState(progress.targets);
  const details = progress.targets.map(
    (t) => `${METRIC_LABELS[t.metric]}${t.stage ? ` (${t.stage})` : ''}: ${formatMetric(t.metric, t.actual)} of ${formatMetric(t.metric, t.target)}${t.met === null ? '' : t.met ? ' ✓' : ' ✗'}`,
  );
  return (
    <span
      className={`today-progress ${state}`}
      data-testid="today-progress"
      data-state={state}
      role="status"
      aria-live="polite"
      title={details.length ? `Today's targets\n${details.join('\n')}` : 'No targets set for today'}
    >
      {progressLine(progress)}
    </span>
  );
}
