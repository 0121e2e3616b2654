// What a project asks of the people who work it: skills per stage, and which item field carries
// the item's language (the queue gives such items only to people with that lang:* skill).
import { useEffect, useState } from 'react';
import type { Id } from '../../api/types';
import { isSkillTag, workforce, type RequirementStage, type SkillRequirement } from '../../api/workforce';
import { ShowError } from '../common/ShowError';
import { useLoad } from '../common/useLoad';

const STAGES: [RequirementStage, string][] = [
  ['*', 'Every stage'],
  ['annotate', 'Annotate'],
  ['review', 'Review'],
];

interface Row extends SkillRequirement {
  stage: RequirementStage;
}

export function ManageRequirements({ projectId }: { projectId: Id }) {
  const current = useLoad(() => workforce.requirements(projectId), [projectId]);
  const [rows, setRows] = useState<Row[]>([]);
  const [routing, setRouting] = useState(true);
  const [field, setField] = useState('language');
  const [draft, setDraft] = useState<Row>({ stage: '*', tag: '', min_level: null });
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    const req = current.data;
    if (!req) return;
    setRows(STAGES.flatMap(([stage]) => (req.skills[stage] ?? []).map((r) => ({ ...r, stage }))));
    setRouting(req.language_field !== null);
    setField(req.language_field ?? 'language');
  }, [current.data]);

  const save = async () => {
    const skills: Partial<Record<RequirementStage, SkillRequirement[]>> = {};
    for (const r of rows) (skills[r.stage] ??= []).push({ tag: r.tag, min_level: r.min_level });
    try {
      await workforce.setRequirements(projectId, { skills, language_field: routing ? field.trim() : null });
      setError(null);
      setSaved(true);
      current.reload();
    } catch (err) {
      setError(err);
      setSaved(false);
    }
  };
  const eligible = current.data?.eligible;
  const draftOk = isSkillTag(draft.tag.trim());

  return (
    <div className="requirements" data-testid="requirements">
      <ShowError error={current.error ?? error} />
      <fieldset>
        <legend>Language routing</legend>
        <label className="check">
          <input type="checkbox" checked={routing} onChange={(e) => (setRouting(e.target.checked), setSaved(false))} data-testid="routing-on" />
          <span>
            Give an item that carries a language only to people with that <code>lang:</code> skill
          </span>
        </label>
        {routing && (
          <div className="row">
            <label>
              Item field
              <input value={field} onChange={(e) => (setField(e.target.value), setSaved(false))} data-testid="language-field" />
            </label>
            <span className="muted small">a key of the item's data (language), or meta.&lt;key&gt; for its imported meta</span>
          </div>
        )}
      </fieldset>
      <table className="grid">
        <thead>
          <tr>
            <th>Stage</th>
            <th>Required skill</th>
            <th>Minimum level</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colSpan={4} className="muted">
                No required skills: anyone with a role that works a stage may take its items.
              </td>
            </tr>
          )}
          {rows.map((r, i) => (
            <tr key={`${r.stage}-${r.tag}`} data-testid={`requirement-${r.stage}-${r.tag}`}>
              <td>{STAGES.find(([s]) => s === r.stage)?.[1]}</td>
              <td>
                <code>{r.tag}</code>
              </td>
              <td>{r.min_level ?? '—'}</td>
              <td>
                <button type="button" className="link" aria-label={`Remove ${r.tag}`} onClick={() => (setRows(rows.filter((_, j) => j !== i)), setSaved(false))}>
                  remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        className="row"
        aria-label="Add required skill"
        onSubmit={(e) => {
          e.preventDefault();
          if (!draftOk) return;
          const tag = draft.tag.trim();
          setRows([...rows.filter((r) => !(r.stage === draft.stage && r.tag === tag)), { ...draft, tag }]);
          setDraft({ ...draft, tag: '', min_level: null });
          setSaved(false);
        }}
      >
        <select value={draft.stage} aria-label="Stage" onChange={(e) => setDraft({ ...draft, stage: e.target.value as RequirementStage })}>
          {STAGES.map(([s, label]) => (
            <option key={s} value={s}>
              {label}
            </option>
          ))}
        </select>
        <input value={draft.tag} placeholder="modality:audio" aria-label="Required skill tag" aria-invalid={!!draft.tag && !draftOk} onChange={(e) => setDraft({ ...draft, tag: e.target.value.toLowerCase() })} data-testid="requirement-tag" />
        <select value={draft.min_level ?? ''} aria-label="Minimum level" onChange={(e) => setDraft({ ...draft, min_level: e.target.value ? Number(e.target.value) : null })}>
          <option value="">any level</option>
          {[1, 2, 3, 4, 5].map((n) => (
            <option key={n} value={n}>
              level {n}+
            </option>
          ))}
        </select>
        <button type="submit" disabled={!draftOk} data-testid="requirement-add">
          Add
        </button>
      </form>
      <div className="row">
        <button type="button" className="primary" onClick={() => void save()} data-testid="requirements-save">
          Save requirements
        </button>
        {saved && <span className="ok small">saved</span>}
      </div>
      {eligible && Object.keys(eligible).length > 0 && (
        <div className="small" data-testid="requirements-eligible">
          {Object.entries(eligible).map(([stage, names]) => (
            <p key={stage} className={names.length ? '' : 'warning'}>
              {stage}: {names.length ? `${names.length} member${names.length > 1 ? 's' : ''} qualify (${names.join(', ')})` : 'no member meets these requirements'}
            </p>
          ))}
        </div>
      )}
    </div>
  );
}
