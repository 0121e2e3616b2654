// The project's quality settings: review sampling, gold, consolidation and the error taxonomy.
// The whole document is sent (PUT replaces it); the server's errors are shown by path.
import { useEffect, useState } from 'react';
import { quality } from '../../api/endpoints';
import type { ErrorCode, GoldSettings, Project, QualitySettings, ReviewMode, ReviewSettings } from '../../api/types';
import { cleanTaxonomy, taxonomyProblems } from '../../domain/quality';
import { ShowError } from '../common/ShowError';
import { useLoad } from '../common/useLoad';

const MODES: { id: ReviewMode; label: string; help: string }[] = [
  { id: 'off', label: 'Off', help: 'Items are done after their last annotation.' },
  { id: 'all', label: 'All', help: 'Every item is reviewed.' },
  { id: 'random', label: 'Random', help: 'A fixed share of items, drawn at random.' },
  { id: 'stratified', label: 'Stratified', help: 'A pool of lot-size items is sampled per annotator and label.' },
  { id: 'risk', label: 'Risk', help: 'Low-confidence items, new annotators and failed gold are sampled more.' },
];
const AQLS = [0.65, 1.0, 1.5, 2.5, 4.0, 6.5, 10];

const REVIEW_DEFAULTS: Required<Pick<ReviewSettings, 'mode' | 'rate' | 'double_rate' | 'new_annotator_items'>> & Pick<ReviewSettings, 'aql' | 'lot_size'> = {
  mode: 'off',
  rate: 0.1,
  aql: null,
  lot_size: null,
  double_rate: 0,
  new_annotator_items: 20,
};
const GOLD_DEFAULTS: Required<Omit<GoldSettings, 'flag_below'>> & Pick<GoldSettings, 'flag_below'> = {
  rate: 0,
  pass_threshold: 1,
  feedback: true,
  flag_below: null,
  flag_window: 20,
  pause_flagged: false,
};

/** A number input that may be empty (null). */
function NumberField({ label, value, onChange, step = 'any', min, max, testId, disabled }: { label: string; value: number | null | undefined; onChange(v: number | null): void; step?: string; min?: number; max?: number; testId: string; disabled?: boolean }) {
  return (
    <label>
      {label}
      <input type="number" step={step} min={min} max={max} value={value ?? ''} disabled={disabled} onChange={(e) => onChange(e.target.value === '' ? null : Number(e.target.value))} data-testid={testId} />
    </label>
  );
}

export function EditQualitySettings({ project }: { project: Project }) {
  const { data, error: loadError } = useLoad(() => quality.settings(project.id), [project.id]);
  const [review, setReview] = useState(REVIEW_DEFAULTS);
  const [gold, setGold] = useState(GOLD_DEFAULTS);
  const [method, setMethod] = useState<string>('majority');
  const [taxonomy, setTaxonomy] = useState<ErrorCode[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  const adopt = (s: QualitySettings) => {
    setReview({ ...REVIEW_DEFAULTS, ...(s.review ?? {}) } as typeof REVIEW_DEFAULTS);
    setGold({ ...GOLD_DEFAULTS, ...(s.gold ?? {}) } as typeof GOLD_DEFAULTS);
    setMethod(String((s.consolidation as { method?: string } | undefined)?.method ?? 'majority'));
    setTaxonomy((s.error_taxonomy ?? []).map((e) => ({ code: e.code, title: e.title, section: e.section ?? '' })));
  };
  useEffect(() => {
    if (data) adopt(data);
  }, [data]);

  const problems = taxonomyProblems(taxonomy);
  const sampled = review.mode === 'random' || review.mode === 'stratified' || review.mode === 'risk';
  const pooled = review.mode === 'stratified' || review.mode === 'risk' || review.aql != null;

  const save = async () => {
    setBusy(true);
    setSaved(false);
    setError(null);
    try {
      const body = {
        review,
        gold,
        consolidation: { method },
        error_taxonomy: cleanTaxonomy(taxonomy),
      } as QualitySettings;
      adopt(await quality.saveSettings(project.id, body));
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const setEntry = (i: number, patch: Partial<ErrorCode>) => setTaxonomy(taxonomy.map((e, n) => (n === i ? { ...e, ...patch } : e)));
  const problemAt = (i: number, field: string) => problems.find((p) => p.path === `error_taxonomy[${i}].${field}`)?.message;

  return (
    <form
      className="card"
      data-testid="quality-settings"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <ShowError error={loadError} />
      <h2>Review</h2>
      <div className="choices" role="radiogroup" aria-label="Review mode">
        {MODES.map((m) => (
          <label key={m.id} className={`choice${review.mode === m.id ? ' on' : ''}`} title={m.help}>
            <input type="radio" name="review-mode" checked={review.mode === m.id} onChange={() => setReview({ ...review, mode: m.id })} data-testid={`review-mode-${m.id}`} />
            {m.label}
          </label>
        ))}
      </div>
      <p className="muted small">{MODES.find((m) => m.id === review.mode)?.help}</p>
      <div className="form-grid">
        <NumberField label="Sample rate (0–1)" value={review.rate} min={0} max={1} onChange={(v) => setReview({ ...review, rate: v ?? 0 })} testId="review-rate" disabled={!sampled} />
        <label>
          AQL (lot acceptance)
          <select value={review.aql ?? ''} onChange={(e) => setReview({ ...review, aql: e.target.value === '' ? null : Number(e.target.value) })} data-testid="review-aql" disabled={review.mode === 'off'}>
            <option value="">none</option>
            {AQLS.map((a) => (
              <option key={a} value={a}>
                {a}%
              </option>
            ))}
          </select>
        </label>
        <NumberField label="Lot / pool size" value={review.lot_size} step="1" min={1} onChange={(v) => setReview({ ...review, lot_size: v })} testId="review-lot-size" disabled={!pooled && review.mode !== 'all'} />
        <NumberField label="Double-review share (0–1)" value={review.double_rate} min={0} max={1} onChange={(v) => setReview({ ...review, double_rate: v ?? 0 })} testId="review-double-rate" disabled={review.mode === 'off'} />
        <NumberField label="New annotator: first n items" value={review.new_annotator_items} step="1" min={0} onChange={(v) => setReview({ ...review, new_annotator_items: v ?? 0 })} testId="review-new-items" disabled={review.mode !== 'risk'} />
      </div>

      <h2>Gold</h2>
      <div className="form-grid">
        <NumberField label="Gold rate (share of tasks, 0–1)" value={gold.rate} min={0} max={1} onChange={(v) => setGold({ ...gold, rate: v ?? 0 })} testId="gold-rate" />
        <NumberField label="Pass threshold (0–1)" value={gold.pass_threshold} min={0} max={1} onChange={(v) => setGold({ ...gold, pass_threshold: v ?? 0 })} testId="gold-pass" />
        <label className="row">
          <input type="checkbox" checked={gold.feedback} onChange={(e) => setGold({ ...gold, feedback: e.target.checked })} data-testid="gold-feedback-on" />
          Show the gold feedback to the annotator after their submit
        </label>
        <NumberField label="Flag below (mean score, empty: never)" value={gold.flag_below} min={0} max={1} onChange={(v) => setGold({ ...gold, flag_below: v })} testId="gold-flag-below" />
        <NumberField label="Flag window (last n gold)" value={gold.flag_window} step="1" min={1} onChange={(v) => setGold({ ...gold, flag_window: v ?? 1 })} testId="gold-flag-window" />
        <label className="row">
          <input type="checkbox" checked={gold.pause_flagged} onChange={(e) => setGold({ ...gold, pause_flagged: e.target.checked })} data-testid="gold-pause" />
          Pause flagged annotators until a lead clears the flag
        </label>
      </div>

      <h2>Consolidation</h2>
      <label>
        Method for single-choice questions{' '}
        <select value={method} onChange={(e) => setMethod(e.target.value)} data-testid="consolidation-method">
          <option value="majority">majority vote</option>
          <option value="dawid_skene">Dawid-Skene</option>
        </select>
      </label>

      <h2>Error taxonomy</h2>
      <p className="muted small">The codes reviewers choose from when they fix or reject an annotation. A code that was used keeps its counts in the dashboard when it is removed here.</p>
      <table className="grid taxonomy" data-testid="taxonomy">
        <thead>
          <tr>
            <th>Code</th>
            <th>Title</th>
            <th>Guideline section</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {taxonomy.map((e, i) => (
            <tr key={i}>
              <td>
                <input value={e.code} onChange={(ev) => setEntry(i, { code: ev.target.value })} placeholder="missed_object" aria-invalid={!!problemAt(i, 'code')} title={problemAt(i, 'code')} data-testid={`taxonomy-code-${i}`} />
                {problemAt(i, 'code') && <div className="bad small">{problemAt(i, 'code')}</div>}
              </td>
              <td>
                <input value={e.title} onChange={(ev) => setEntry(i, { title: ev.target.value })} placeholder="Missed an object" data-testid={`taxonomy-title-${i}`} />
                {problemAt(i, 'title') && <div className="bad small">{problemAt(i, 'title')}</div>}
              </td>
              <td>
                <input value={e.section ?? ''} onChange={(ev) => setEntry(i, { section: ev.target.value })} placeholder="2.1" data-testid={`taxonomy-section-${i}`} />
              </td>
              <td className="row">
                <button type="button" className="small" disabled={i === 0} onClick={() => setTaxonomy(swap(taxonomy, i, i - 1))} aria-label="Move up">
                  ↑
                </button>
                <button type="button" className="small" disabled={i === taxonomy.length - 1} onClick={() => setTaxonomy(swap(taxonomy, i, i + 1))} aria-label="Move down">
                  ↓
                </button>
                <button type="button" className="small danger" onClick={() => setTaxonomy(taxonomy.filter((_, n) => n !== i))} data-testid={`taxonomy-remove-${i}`}>
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div>
        <button type="button" onClick={() => setTaxonomy([...taxonomy, { code: '', title: '', section: '' }])} data-testid="taxonomy-add">
          Add error code
        </button>
      </div>

      <ShowError error={error} />
      <div className="row">
        <button type="submit" className="primary" disabled={busy || problems.length > 0 || !data} data-testid="quality-save">
          Save quality settings
        </button>
        {saved && (
          <span className="ok" role="status" data-testid="quality-saved">
            Saved.
          </span>
        )}
        {problems.length > 0 && <span className="bad small">Fix the error codes above first.</span>}
      </div>
    </form>
  );
}

function swap<T>(list: T[], a: number, b: number): T[] {
  const out = [...list];
  [out[a], out[b]] = [out[b]!, out[a]!];
  return out;
}
