// After a submit of a gold item: the lead's feedback, shown for a few seconds without blocking.
import { useEffect } from 'react';

export interface GoldToast {
  feedback: string;
  passed: boolean;
  score: number;
  at: number;
}

export const GOLD_TOAST_MS = 12_000;

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
