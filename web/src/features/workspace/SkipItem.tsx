// Asks why an item is skipped (the reason is required and goes to the lead).
import { useState } from 'react';

const REASONS = ['Unclear guideline', 'Bad or broken data', 'Not in my expertise', 'Offensive content'];

export function SkipItem({ onSkip, onCancel }: { onSkip(reason: string): void; onCancel(): void }) {
  const [reason, setReason] = useState('');
  return (
    <div className="modal-backdrop" onClick={onCancel}>
      <form
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-label="Skip item"
        data-testid="skip-dialog"
        onClick={(e) => e.stopPropagation()}
        onSubmit={(e) => {
          e.preventDefault();
          if (reason.trim()) onSkip(reason.trim());
        }}
      >
        <h2>Skip this item</h2>
        <div className="choices">
          {REASONS.map((r) => (
            <button key={r} type="button" className={`choice small${reason === r ? ' on' : ''}`} onClick={() => setReason(r)}>
              {r}
            </button>
          ))}
        </div>
        <label>
          Reason
          <textarea autoFocus data-testid="skip-reason" value={reason} onChange={(e) => setReason(e.target.value)} rows={3} maxLength={2000} required />
        </label>
        <div className="row end">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={!reason.trim()} data-testid="confirm-skip">
            Skip
          </button>
        </div>
      </form>
    </div>
  );
}
