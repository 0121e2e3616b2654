// In the lead's item view: whether the item is gold, and marking / replacing / ending it.
import { useState } from 'react';
import { ApiError } from '../../api/client';
import { gold } from '../../api/endpoints';
import type { Annotation, GoldEntry, Id, Project } from '../../api/types';
import { ShowError } from '../common/ShowError';
import { useLoad } from '../common/useLoad';

/** The gold entry of one item, looked up in the (paginated) gold list. */
async function findGold(pid: Id, itemId: Id): Promise<GoldEntry | null> {
  let cursor: string | undefined;
  for (let pages = 0; pages < 50; pages++) {
    const page = await gold.list(pid, cursor);
    const hit = page.items.find((g) => g.item_id === itemId);
    if (hit) return hit;
    if (!page.next_cursor) return null;
    cursor = page.next_cursor;
  }
  return null;
}

export function ManageGold({ project, itemId, shown }: { project: Project; itemId: Id; shown: Annotation | undefined }) {
  const { data: entry, error: loadError, reload } = useLoad(() => findGold(project.id, itemId), [project.id, itemId]);
  const [feedback, setFeedback] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const text = feedback ?? entry?.feedback ?? '';

  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      setFeedback(null);
      reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (loadError instanceof ApiError && loadError.status === 403) return null; // not a lead here
  return (
    <div className="card" data-testid="gold-panel">
      <h3>
        Gold {entry && <span className="tag" data-testid="gold-state">gold · {entry.source}</span>}
      </h3>
      {entry ? (
        <p className="muted small">
          Scored {entry.scored ?? 0} times{entry.mean_score != null && `, mean score ${entry.mean_score.toFixed(2)}`}. Annotators get it like any other item.
        </p>
      ) : (
        <p className="muted small">Mark this item as gold to mix it into annotators' queues and score their answer against it.</p>
      )}
      <label>
        Feedback shown after a gold submit
        <textarea rows={2} value={text} onChange={(e) => setFeedback(e.target.value)} data-testid="gold-feedback-text" />
      </label>
      <div className="row">
        <button
          type="button"
          className="primary small"
          disabled={busy || !shown}
          title={shown ? `The answer of ${shown.annotator ?? shown.user_id} v${shown.version}` : 'This item has no annotation to take the answer from'}
          onClick={() => void run(() => gold.set(project.id, itemId, shown!.result, text))}
          data-testid="gold-mark"
        >
          {entry ? 'Replace the answer with the shown annotation' : 'Mark as gold (shown annotation)'}
        </button>
        <button type="button" className="small" disabled={busy} onClick={() => void run(() => gold.promote(project.id, itemId, text))} data-testid="gold-promote">
          {entry ? 'Replace with the consolidated result' : 'Mark as gold (consolidated result)'}
        </button>
        {entry && (
          <>
            <button type="button" className="small" disabled={busy || feedback === null} onClick={() => void run(() => gold.set(project.id, itemId, entry.answer, text))} data-testid="gold-save-feedback">
              Save feedback
            </button>
            <button type="button" className="small danger" disabled={busy} onClick={() => void run(() => gold.remove(project.id, itemId))} data-testid="gold-unmark">
              Unmark
            </button>
          </>
        )}
      </div>
      <ShowError error={error ?? (loadError instanceof ApiError && loadError.status === 403 ? null : loadError)} />
    </div>
  );
}
