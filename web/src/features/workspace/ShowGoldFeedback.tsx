// After a submit of a gold item, when the project shows gold feedback: the lead's feedback,
// shown for a few seconds without blocking. Without feedback the workspace shows nothing.
import { useEffect } from 'react';
import type { SubmitAnswer } from '../../api/types';

export interface GoldToast {
  feedback: string;
  passed: boolean;
  score: number;
  at: number;
}

export const GOLD_TOAST_MS = 12_000;

/** The toast a submit's answer calls for, or null: only the server's own `gold` answer (sent
 * when the project's gold feedback is on) shows one, and only with something to say. */
export function goldToastOf(answer: SubmitAnswer | null | undefined, at: number): GoldToast | null {
  const g = answer?.gold;
  if (!g || typeof g !== 'object' || typeof g.passed !== 'boolean') return null;
  const feedback = typeof g.feedback === 'string' ? g.feedback : '';
  if (!feedback && g.passed) return null;
  return { feedback, passed: g.passed, score: typeof g.score === 'number' ? g.score : 0, at };
}

export function ShowGoldFeedback({ toast, onClose }: { toast: GoldToast; onClose(): void }) {
  useEffect(() => {
    const t = window.setTimeout(onClose, GOLD_TOAST_MS);
    return () => window.clearTimeout(t);
  }, [toast.at, onClose]);
  return (
    <div className="toast" role="status" aria-live="polite" data-testid="gold-feedback">
      <div className="row">
        <strong className="grow">{toast.passed ? 'Checked: well done' : 'Checked: this one differs from the reference answer'}</strong>
        <button type="button" className="link" onClick={onClose} aria-label="Close">
          ✕
        </button>
      </div>
      {toast.feedback && <div className="pre">{toast.feedback}</div>}
    </div>
  );
}
