// The items annotated under versions older than the one shown, narrowed by a label and by a
// section (one section and its subsections, or the sections this version changed: a section
// stands for the schema questions pointing at it), and sending them back for a re-check.
import { useState } from 'react';
import { guideline, type AffectedFilter, type GuidelineSection } from '../../api/endpoints';
import { recheck, type RecheckResult, type RecheckStage } from '../../api/qualification';
import type { Project } from '../../api/types';
import { setQuery, useLocation } from '../../app/router';
import { recheckSummary } from '../../domain/guideline';
import { Link } from '../common/Link';
import { ShowError } from '../common/ShowError';
import { useLoad } from '../common/useLoad';

/** The server lists at most this many affected items. */
const AFFECTED_LIMIT = 1000;
/** The section choice that means "the sections this version changed". */
const CHANGED = 'changed';

function toFilter(label: string, section: string): AffectedFilter {
  return {
    label: label || null,
    section: section && section !== CHANGED ? section : null,
    changed_sections: section === CHANGED,
  };
}

/** "with the label “x”, in answers to §2 (sentiment)": what the list is narrowed to, in words. */
function describe(label: string, section: string, sections: GuidelineSection[], version: number): string {
  const parts: string[] = [];
  if (label) parts.push(`with the label “${label}”`);
  if (section === CHANGED) {
    const changed = sections.filter((s) => s.change);
    const questions = [...new Set(changed.flatMap((s) => s.questions))];
    parts.push(
      changed.length
        ? `in answers to the sections version ${version} changed (${changed.map((s) => `§${s.section}`).join(', ')}: ${questions.join(', ') || 'no question'})`
        : `in answers to the sections version ${version} changed (none)`,
    );
  } else if (section) {
    const inside = sections.filter((s) => s.section === section || s.section.startsWith(`${section}.`));
    const questions = [...new Set(inside.flatMap((s) => s.questions))];
    parts.push(`in answers to §${section} (${questions.join(', ') || 'no question points at it'})`);
  }
  return parts.length ? ` ${parts.join(', ')}` : '';
}

export function AffectedItems({ project, version }: { project: Project; version: number }) {
  const { search } = useLocation();
  const applied = search.get('affected_label') ?? '';
  const appliedSection = search.get('affected_section') ?? '';
  const [label, setLabel] = useState(applied);
  const [section, setSection] = useState(appliedSection);
  const filter = toFilter(applied, appliedSection);
  const sections = useLoad(() => guideline.sections(project.id, version), [project.id, version]);
  const affected = useLoad(() => guideline.affected(project.id, version, filter), [project.id, version, applied, appliedSection]);
  const rows = affected.data ?? [];
  const known = sections.data ?? [];
  const changed = known.filter((s) => s.change);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const visible = new Set(rows.map((r) => r.item.id));
  const chosen = [...selected].filter((id) => visible.has(id));
  const allChosen = rows.length > 0 && chosen.length === rows.length;
  const narrowed = describe(applied, appliedSection, known, version);
  const toggle = (id: number) =>
    setSelected((cur) => {
      const next = new Set(cur);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  return (
    <section data-testid="guideline-affected">
      <h3>Items annotated under older versions</h3>
      <form
        className="row filters"
        onSubmit={(e) => {
          e.preventDefault();
          setSelected(new Set());
          setQuery({ affected_label: label.trim() || undefined, affected_section: section || undefined });
        }}
      >
        <label>
          Label
          <input value={label} onChange={(e) => setLabel(e.target.value)} placeholder="any label" data-testid="affected-label" />
        </label>
        <label>
          Section
          <select value={section} onChange={(e) => setSection(e.target.value)} data-testid="affected-section">
            <option value="">any section</option>
            <option value={CHANGED}>
              changed in v{version}
              {sections.data ? ` (${changed.map((s) => `§${s.section}`).join(', ') || 'none'})` : ''}
            </option>
            {known
              .filter((s) => s.change !== 'added' || s.questions.length)
              .map((s) => (
                <option key={s.section} value={s.section}>
                  §{s.section} {s.title}
                  {s.change ? ` (${s.change})` : ''}
                  {s.questions.length ? ` · ${s.questions.join(', ')}` : ''}
                </option>
              ))}
          </select>
        </label>
        <button type="submit" data-testid="affected-filter">
          Filter
        </button>
      </form>
      <ShowError error={affected.error ?? sections.error} />
      {affected.data && (
        <p className="small muted" data-testid="affected-count">
          {rows.length >= AFFECTED_LIMIT ? `The first ${rows.length}` : rows.length} item{rows.length === 1 ? '' : 's'} annotated before version {version}
          {narrowed}.
        </p>
      )}
      {rows.length > 0 && (
        <SendBack
          project={project}
          version={version}
          filter={filter}
          narrowed={narrowed}
          chosen={chosen}
          total={rows.length}
          onSent={() => {
            setSelected(new Set());
            affected.reload();
          }}
        />
      )}
      {rows.length > 0 && (
        <table className="grid small">
          <thead>
            <tr>
              <th>
                <input
                  type="checkbox"
                  aria-label="Select every listed item"
                  checked={allChosen}
                  onChange={() => setSelected(allChosen ? new Set() : new Set(rows.map((r) => r.item.id)))}
                  data-testid="affected-select-all"
                />
              </th>
              <th>Item</th>
              <th>Stage</th>
              <th className="num">Older annotations</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ item, annotations }) => (
              <tr key={item.id} data-testid={`affected-${item.id}`}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Select ${item.external_id || `#${item.id}`}`}
                    checked={selected.has(item.id)}
                    onChange={() => toggle(item.id)}
                    data-testid={`affected-select-${item.id}`}
                  />
                </td>
                <td>
                  <Link to={`/lead/projects/${project.id}?tab=items&item=${item.id}`}>{item.external_id || `#${item.id}`}</Link>
                </td>
                <td data-testid="affected-stage">{item.stage}</td>
                <td className="num">{annotations}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Sends the chosen (or every listed) item back to a stage, after the lead confirms. */
function SendBack({
  project,
  version,
  filter,
  narrowed,
  chosen,
  total,
  onSent,
}: {
  project: Project;
  version: number;
  filter: AffectedFilter;
  narrowed: string;
  chosen: number[];
  total: number;
  onSent(): void;
}) {
  const [asking, setAsking] = useState<RecheckStage | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<RecheckResult | null>(null);
  const which = chosen.length
    ? `the ${chosen.length} selected item${chosen.length === 1 ? '' : 's'}`
    : `every item annotated before version ${version}${narrowed} (${total}${total >= AFFECTED_LIMIT ? '+' : ''})`;

  const send = async (stage: RecheckStage) => {
    setBusy(true);
    setError(null);
    try {
      // Nothing selected: the server takes every affected item (beyond the listed page too).
      const r = await recheck(project.id, version, { stage, item_ids: chosen.length ? chosen : null, ...filter });
      setResult(r);
      setAsking(null);
      onSent();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="recheck" data-testid="recheck">
      <div className="row">
        <span className="small grow" data-testid="recheck-which">
          Re-check {which}:
        </span>
        <button type="button" onClick={() => setAsking('review')} disabled={busy} data-testid="recheck-review">
          To review…
        </button>
        <button type="button" onClick={() => setAsking('annotate')} disabled={busy} data-testid="recheck-annotate">
          To their annotators…
        </button>
      </div>
      {asking && (
        <div className="confirm-box" role="alertdialog" aria-labelledby="recheck-question" data-testid="recheck-confirm">
          <p id="recheck-question">
            {asking === 'review'
              ? `Open a review of ${which}? Reviewers get them from the review queue.`
              : `Send ${which} back to the people who annotated them, with the note “guideline changed to v${version}” and its summary? Each checks and resubmits; the item is then reviewed.`}{' '}
            Finished items move; items still in progress or already waiting for a re-check are left as they are.
          </p>
          <div className="row end">
            <button type="button" onClick={() => setAsking(null)} disabled={busy}>
              Cancel
            </button>
            <button type="button" className="primary" autoFocus onClick={() => void send(asking)} disabled={busy} data-testid="recheck-go">
              {asking === 'review' ? 'Send to review' : 'Send to annotators'}
            </button>
          </div>
        </div>
      )}
      <ShowError error={error} />
      {result && (
        <p className="ok small" role="status" data-testid="recheck-result">
          {recheckSummary(result)}
        </p>
      )}
    </div>
  );
}
