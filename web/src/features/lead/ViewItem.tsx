// Read-only view of one item: its fields and every annotation version of every annotator.
import { useMemo, useState } from 'react';
import { items } from '../../api/endpoints';
import type { Annotation, Id, Project } from '../../api/types';
import { formatDuration } from '../../domain/activeClock';
import { ShowError } from '../common/ShowError';
import { useLoad } from '../common/useLoad';
import { AnswerQuestions, type AnswerSource } from '../workspace/AnswerQuestions';
import { startingAnswers, withDraft } from '../workspace/answers';
import { ManageGold } from '../quality/ManageGold';
import { ShowItemReviews } from '../quality/ShowItemReviews';

export function ViewItem({ project, itemId, onClose }: { project: Project; itemId: Id; onClose(): void }) {
  const { data: item, error } = useLoad(() => items.get(project.id, itemId), [project.id, itemId]);
  const versions = useMemo(() => [...(item?.annotations ?? [])].sort((a, b) => a.user_id - b.user_id || b.version - a.version), [item]);
  const [chosen, setChosen] = useState<Id | null>(null);
  const shown: Annotation | undefined = versions.find((v) => v.id === chosen) ?? versions[0];
  const answers = useMemo(() => (item ? withDraft(startingAnswers(project.schema, item, []), shown?.result ?? null) : {}), [item, project.schema, shown]);
  const source = useMemo<AnswerSource>(() => ({ useAnswer: (q) => answers[q], onAnswer: () => undefined, active: null, onActivate: () => undefined, readOnly: true }), [answers]);

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
            {shown ? (
              <p className="muted small">
                Showing {shown.annotator ?? `user ${shown.user_id}`} · version {shown.version} · {new Date(shown.created_at).toLocaleString()}
              </p>
            ) : (
              <p className="muted small">No annotations yet.</p>
            )}
            <AnswerQuestions schema={project.schema} item={item} source={source} />
          </div>
          <aside>
            <ManageGold project={project} itemId={itemId} shown={shown} />
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
