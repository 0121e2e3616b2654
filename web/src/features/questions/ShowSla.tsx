// The SLA badge of a question: time left on the running clock, a warning, or a missed deadline.
import type { Question } from '../../api/questions';
import { timeLeftText, urgencyOf } from './sla';

const PILL: Record<string, string> = { breached: 'bad', warning: 'warn', running: 'ok', stopped: 'muted' };

export function ShowSla({ q, now }: { q: Question; now: number }) {
  const urgency = urgencyOf(q, now);
  const due = q.due_at ? new Date(q.due_at).toLocaleString() : null;
  return (
    <span className={`pill ${PILL[urgency]}`} data-testid="sla-badge" data-urgency={urgency} title={due ? `Due ${due}` : undefined}>
      {timeLeftText(q, now)}
    </span>
  );
}
