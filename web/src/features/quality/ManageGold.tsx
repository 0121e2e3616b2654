// In the lead's item view: whether the item is gold, and marking / replacing / ending it. The
// answer comes from the shown annotation, the consolidated result, or the lead writes it with
// the same tools annotators use (the item view turns its questions into an editor for that).
import { useState } from 'react';
import { ApiError } from '../../api/client';
import { gold } from '../../api/endpoints';
import type { Annotation, GoldEntry, Id, Item, Project } from '../../api/types';
import { ShowError } from '../common/ShowError';
import { useLoad } from '../common/useLoad';
import { useWorkspace, type Result } from '../workspace/workspaceStore';
import { goldAnswerOf } from './goldAnswer';

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

export interface GoldWriting {
  /** The lead is writing the gold answer in the item view's questions. */
  active: boolean;
  /** Opens the editor, starting from this answer (the current gold answer) or from empty. */
  start(from: Result | null): void;
  stop(): void;
}

interface Props {
  project: Project;
  item: Item;
  shown: Annotation | undefined;
  writing: GoldWriting;
}

export function ManageGold({ project, item, shown, writing }: Props) {
  const itemId = item.id;
  const { data: entry, error: loadError, reload } = useLoad(() => findGold(project.id, itemId), [project.id, itemId]);
  const [feedback, setFeedback] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const canUndo = useWorkspace((s) => s.canUndo);
  const text = feedback ?? entry?.feedback ?? '';

  const run = async (action: () => Promise<unknown>, after?: () => void) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      setFeedback(null);
      after?.();
      reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const saveWritten = () => {
    const { answer, problems } = goldAnswerOf(project.schema, item, useWorkspace.getState().result, entry?.answer ?? null);
    if (problems.length) return setError(new Error(`${problems[0]!.question}: ${problems[0]!.message}`));
    if (Object.keys(answer).length === 0) return setError(new Error('Answer at least one question: the questions left empty are not scored.'));
    void run(() => gold.set(project.id, itemId, answer, text), writing.stop);
  };

  if (loadError instanceof ApiError && loadError.status === 403) return null; // not a lead here
  return (
    <div className="card" data-testid="gold-panel">
      <h3>
        Gold {entry && <span className="tag" data-testid="gold-state">gold · {entry.source}</span>}
      </h3>
      {writing.active ? (
        <p className="muted small" data-testid="gold-writing">
          Answer the questions with the tools, as an annotator would. The questions you leave empty are not scored.
        </p>
      ) : entry ? (
        <p className="muted small">
          Scored {entry.scored ?? 0} times{entry.mean_score != null && `, mean score ${entry.mean_score.toFixed(2)}`}. Annotators get it like any other item.
        </p>
      ) : (
        <p className="muted small">Mark this item as gold to mix it into annotators' queues and score their answer against it.</p>
      )}
      <label>
        {writing.active ? 'Explanation shown after a gold submit (when feedback is on)' : 'Feedback shown after a gold submit'}
        <textarea rows={writing.active ? 3 : 2} value={text} onChange={(e) => setFeedback(e.target.value)} data-testid="gold-feedback-text" />
      </label>
      {writing.active ? (
        <div className="row">
          <button type="button" className="primary small" disabled={busy} onClick={saveWritten} data-testid="gold-save-answer">
            {entry ? 'Replace the gold answer' : 'Save as gold'}
          </button>
          <button type="button" className="small" disabled={!canUndo} onClick={() => useWorkspace.getState().undo()} data-testid="gold-undo">
            Undo
          </button>
          <button type="button" className="small" disabled={busy} onClick={writing.stop} data-testid="gold-cancel-write">
            Cancel
          </button>
        </div>
      ) : (
        <div className="row">
          <button type="button" className="small" disabled={busy} onClick={() => writing.start(entry?.answer ?? null)} data-testid="gold-write">
            {entry ? 'Edit the gold answer' : 'Write the gold answer'}
          </button>
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
      )}
      <ShowError error={error ?? (loadError instanceof ApiError && loadError.status === 403 ? null : loadError)} />
    </div>
  );
}
