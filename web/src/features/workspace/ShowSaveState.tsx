// "Saved / Pending (n) / Offline": what is safe on the server and what waits on this device.
import { useState } from 'react';
import { submitQueue } from './offline';
import { useSubmitQueue } from './offline';
import type { DraftState } from './useTaskFlow';

export function ShowSaveState({ draft }: { draft?: DraftState }) {
  const q = useSubmitQueue();
  const [open, setOpen] = useState(false);
  const pending = q.entries.filter((e) => e.status === 'pending');
  const rejected = q.entries.filter((e) => e.status === 'rejected');
  let label: string;
  let tone: string;
  if (!q.online) {
    label = pending.length ? `Offline · ${pending.length} pending` : 'Offline';
    tone = 'bad';
  } else if (pending.length) {
    label = `Pending (${pending.length})`;
    tone = 'warn';
  } else if (draft === 'local') {
    label = 'Saved on this device';
    tone = 'warn';
  } else if (draft === 'saving' || draft === 'unsaved') {
    label = draft === 'saving' ? 'Saving…' : 'Unsaved changes';
    tone = 'muted';
  } else {
    label = 'Saved';
    tone = 'ok';
  }
  const lastError = pending.find((e) => e.error)?.error;
  return (
    <div className="save-state">
      <button type="button" className={`pill ${tone}`} data-testid="save-state" aria-live="polite" onClick={() => setOpen(!open)} title={lastError ? `Last error: ${lastError.message}` : undefined}>
        {label}
        {rejected.length > 0 && <span className="badge bad"> {rejected.length} refused</span>}
      </button>
      {open && (q.entries.length > 0 || lastError) && (
        <div className="popover" data-testid="queue-details">
          <h4>Submits on this device</h4>
          <ul>
            {q.entries.map((e) => (
              <li key={e.key}>
                {e.label} — {e.status === 'pending' ? `waiting${e.attempts ? ` (tried ${e.attempts}×${e.error ? `: ${e.error.message}` : ''})` : ''}` : `refused: ${e.error?.message}`}
                {e.status === 'rejected' && (
                  <>
                    {' '}
                    <button type="button" className="link" onClick={() => void submitQueue.retry(e.key)}>
                      retry
                    </button>{' '}
                    <button type="button" className="link" onClick={() => void submitQueue.discard(e.key)}>
                      discard
                    </button>
                  </>
                )}
              </li>
            ))}
          </ul>
          {pending.length > 0 && q.online && (
            <button type="button" onClick={() => void submitQueue.flush()}>
              Send now
            </button>
          )}
        </div>
      )}
    </div>
  );
}
