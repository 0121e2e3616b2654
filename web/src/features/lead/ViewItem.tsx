// View of one item: its fields and every annotation version of every annotator; a lead can
// also write its gold answer here, in the same questions, with the annotators' tools.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { items } from '../../api/endpoints';
import type { Annotation, Id, Project } from '../../api/types';
import { formatDuration } from '../../domain/activeClock';
import { ShowError } from '../common/ShowError';
import { useLoad } from '../common/useLoad';
import { AnswerQuestions, type AnswerSource } from '../workspace/AnswerQuestions';
import { startingAnswers, withDraft } from '../workspace/answers';
import { useWorkspace, type Result } from '../workspace/workspaceStore';
import { ManageGold, type GoldWriting } from '../quality/ManageGold';
import { ShowItemReviews } from '../quality/ShowItemReviews';

const useWrittenAnswer = (name: string) => useWorkspace((s) => s.result[name]);

export function ViewItem({ project, itemId, onClose }: { project: Project; itemId: Id; onClose(): void }) {
  const { data: item, error } = useLoad(() => items.get(project.id, itemId), [project.id, itemId]);
  const versions = useMemo(() => [...(item?.annotations ?? [])].sort((a, b) => a.user_id - b.user_id || b.version - a.version), [item]);
  const [chosen, setChosen] = useState<Id | null>(null);
  const shown: Annotation | undefined = versions.find((v) => v.id === chosen) ?? versions[0];
  const answers = useMemo(() => (item ? withDraft(startingAnswers(project.schema, item, []), shown?.result ?? null) : {}), [item, project.schema, shown]);
  const source = useMemo<AnswerSource>(() => ({ useAnswer: (q) => answers[q], onAnswer: () => undefined, active: null, onActivate: () => undefined, readOnly: true }), [answers]);

  // Writing a gold answer: the workspace store holds it, with its undo history, as in a review fix.
  const [editing, setEditing] = useState(false);
  const editingRef = useRef(false);
  const active = useWorkspace((s) => s.active);
  const onAnswer = useCallback<AnswerSource['onAnswer']>((q, v, o) => useWorkspace.getState().answer(q, v, o), []);
  const onActivate = useCallback((q: string) => useWorkspace.getState().setActive(q), []);
  const editSource = useMemo<AnswerSource>(() => ({ useAnswer: useWrittenAnswer, onAnswer, active, onActivate }), [onAnswer, active, onActivate]);
  const stop = useCallback(() => {
    if (editingRef.current) useWorkspace.getState().clear();
    editingRef.current = false;
    setEditing(false);
  }, []);
  const start = useCallback(
    (from: Result | null) => {
      if (!item) return;
      const initial = withDraft(startingAnswers(project.schema, item, []), from);
      useWorkspace.getState().begin({ mode: 'edit', project, item, lease: null, baseVersion: null, initial }, initial);
      editingRef.current = true;
      setEditing(true);
    },
    [item, project],
  );
  useEffect(() => stop, [itemId, stop]); // leaving the item ends the editor
  const writing = useMemo<GoldWriting>(() => ({ active: editing, start, stop }), [editing, start, stop]);

  return (
    <div className="card" data-testid="item-view">
      <header className="row">
        <button type="button" onClick={onClose}>
          ← Items
        </button>
        <h2 className="grow">
          Item {item?.external_id ?? itemId} <span className="muted small">#{itemId} · {item?.stage}</span>
        </h2>
      </header>
      <ShowError error={error} />
      {item && (
        <div className="columns wide-left">
          <div>
            {editing ? (
              <p className="muted small">Writing the gold answer</p>
            ) : shown ? (
              <p className="muted small">
                Showing {shown.annotator ?? `user ${shown.user_id}`} · version {shown.version} · {new Date(shown.created_at).toLocaleString()}
              </p>
            ) : (
              <p className="muted small">No annotations yet.</p>
            )}
            {editing ? (
              <AnswerQuestions key="gold-answer" schema={project.schema} item={item} source={editSource} />
            ) : (
              <AnswerQuestions key={`view-${shown?.id ?? 'none'}`} schema={project.schema} item={item} source={source} />
            )}
          </div>
          <aside>
            <ManageGold project={project} item={item} shown={shown} writing={writing} />
            <ShowItemReviews project={project} itemId={itemId} />
            <h3>Annotations</h3>
            <table className="grid small" data-testid="versions">
              <thead>
                <tr>
                  <th>Annotator</th>
                  <th>Ver.</th>
                  <th>When</th>
                  <th>Active</th>
                </tr>
              </thead>
              <tbody>
                {versions.map((v) => (
                  <tr key={v.id} className={`clickable${v.id === shown?.id ? ' on' : ''}`} onClick={() => setChosen(v.id)} data-testid={`version-${v.id}`}>
                    <td>{v.annotator ?? v.user_id}</td>
                    <td>
                      v{v.version}
                      {v.lease_expired && <span className="tag">late</span>}
                    </td>
                    <td>{new Date(v.created_at).toLocaleString()}</td>
                    <td>{formatDuration(v.active_ms)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {(item.predictions ?? []).length > 0 && (
              <>
                <h3>Predictions</h3>
                <ul className="small">
                  {item.predictions!.map((p) => (
                    <li key={p.id}>
                      {p.source} {p.score != null && `(${p.score.toFixed(2)})`}
                    </li>
                  ))}
                </ul>
              </>
            )}
          </aside>
        </div>
      )}
    </div>
  );
}
