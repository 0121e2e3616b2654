// The lead's "Quality" tab: settings, and the dashboard's views (agreement with its coefficients
// and its course per week, reviewer agreement, review lots, annotators, gold, error analysis,
// confusion, trend, coaching), each table with its CSV download; any count drills down to the
// items behind it, and on to the read-only item view.
import { useEffect, useState, type ReactNode } from 'react';
import { gold as goldApi, jobs, quality, type DrillFilters, type ErrorView } from '../../api/endpoints';
import type * as Api from '../../api/generated/openapi';
import type {
  ByAnnotatorRow,
  ByLabelRow,
  BySectionRow,
  ByWeekRow,
  CoachingRow,
  ErrorFilters,
  GoldEntry,
  GoldSummary,
  Job,
  LabelConfusion,
  ParetoRow,
  Project,
  TrendRow,
  VerdictCounts,
} from '../../api/types';
import { navigate, setQuery, useLocation } from '../../app/router';
import { interval, num, pct } from '../../domain/quality';
import { ShowError } from '../common/ShowError';
import { useLoad } from '../common/useLoad';
import { AgreementChart } from './AgreementChart';
import { EditQualitySettings } from './EditQualitySettings';
import { ParetoChart, Sparkline } from './ParetoChart';
import { ShowReviewerAgreement } from './ShowReviewerAgreement';
import { ShowReviewLots } from './ShowReviewLots';

const VIEWS = [
  ['settings', 'Settings'],
  ['errors', 'Errors'],
  ['agreement', 'Agreement'],
  ['reviewers', 'Reviewers'],
  ['lots', 'Lots'],
  ['annotators', 'Annotators'],
  ['gold', 'Gold'],
  ['confusion', 'Confusion'],
  ['trend', 'Trend'],
  ['coaching', 'Coaching'],
] as const;

const FILTER_KEYS = ['annotator', 'code', 'label', 'week', 'section', 'of', 'question', 'given', 'consolidated'] as const;
/** How the dashboard and the server name "no section" and "no label" in a filter. */
const NONE = '(none)';

/** The drill-down filters, kept in the address as f_annotator, f_code ... */
function readFilters(search: URLSearchParams): DrillFilters {
  const out: Record<string, string> = {};
  for (const k of FILTER_KEYS) {
    const v = search.get(`f_${k}`);
    if (v) out[k] = v;
  }
  return out as DrillFilters;
}

function drill(filters: DrillFilters): void {
  setQuery({ view: 'items', ...Object.fromEntries(FILTER_KEYS.map((k) => [`f_${k}`, filters[k]])) });
}

function openItem(project: Project, itemId: number): void {
  navigate(`/lead/projects/${project.id}?tab=items&item=${itemId}`);
}

function Csv({ href, testId }: { href: string; testId: string }) {
  return (
    <a href={href} className="small" download data-testid={testId}>
      Download CSV
    </a>
  );
}

function Section({ title, csv, children, testId }: { title: ReactNode; csv?: string; children: ReactNode; testId: string }) {
  return (
    <section className="card" data-testid={testId}>
      <header className="row">
        <h3 className="grow">{title}</h3>
        {csv && <Csv href={csv} testId={`${testId}-csv`} />}
      </header>
      {children}
    </section>
  );
}

/** A count that opens the items behind it. */
function Cell({ n, filters, render }: { n: number; filters: DrillFilters; render?: string }) {
  if (!n) return <td className="num muted">{render ?? n}</td>;
  return (
    <td className="num cell-link" onClick={() => drill(filters)} title="Show the items" data-testid={`cell-${Object.values(filters).join('-')}`}>
      {render ?? n}
    </td>
  );
}

export function ManageQuality({ project }: { project: Project }) {
  const { search } = useLocation();
  const view = search.get('view') ?? 'settings';
  return (
    <div className="card" data-testid="quality">
      <div className="row">
        <nav className="subtabs grow" aria-label="Quality views">
          {VIEWS.map(([id, label]) => (
            <button key={id} type="button" className={view === id ? 'on' : ''} onClick={() => setQuery({ view: id, lot: undefined, ...Object.fromEntries(FILTER_KEYS.map((k) => [`f_${k}`, undefined])) })} data-testid={`quality-view-${id}`}>
              {label}
            </button>
          ))}
        </nav>
        <Recompute project={project} />
      </div>
      {view === 'settings' && <EditQualitySettings project={project} />}
      {view === 'errors' && <ErrorViews project={project} />}
      {view === 'agreement' && <AgreementView project={project} />}
      {view === 'reviewers' && <ShowReviewerAgreement project={project} />}
      {view === 'lots' && <ShowReviewLots project={project} />}
      {view === 'annotators' && <AnnotatorsView project={project} />}
      {view === 'gold' && <GoldView project={project} />}
      {view === 'confusion' && <ConfusionView project={project} />}
      {view === 'trend' && <TrendView project={project} />}
      {view === 'coaching' && <CoachingView project={project} filters={{}} />}
      {view === 'items' && <DrillDown project={project} filters={readFilters(search)} />}
    </div>
  );
}

/** "Recompute": the consolidate job, followed until it ends. */
function Recompute({ project }: { project: Project }) {
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<unknown>(null);
  const running = !!job && (job.status === 'queued' || job.status === 'running' || job.status === 'pending');
  useEffect(() => {
    if (!job || !running) return;
    const t = window.setTimeout(async () => {
      try {
        setJob(await jobs.get(job.id));
      } catch (err) {
        setError(err);
      }
    }, 700);
    return () => window.clearTimeout(t);
  }, [job, running]);
  const share = job?.progress_total ? job.progress_done / job.progress_total : null;
  return (
    <div className="row" data-testid="recompute">
      {job && (
        <span className="small" data-testid="recompute-status">
          {running ? `Consolidating… ${share !== null ? pct(share) : ''}` : job.status === 'done' || job.status === 'succeeded' ? 'Consolidated; the views show the new results.' : `Job ${job.status}${job.error ? `: ${job.error}` : ''}`}
        </span>
      )}
      {running && (
        <div className="progress" style={{ width: 120 }}>
          <div className={share === null ? 'indeterminate' : ''} style={{ width: `${(share ?? 0) * 100}%` }} />
        </div>
      )}
      <ShowError error={error} />
      <button
        type="button"
        disabled={running}
        onClick={async () => {
          setError(null);
          try {
            setJob(await quality.consolidate(project.id));
          } catch (err) {
            setError(err);
          }
        }}
        data-testid="recompute-button"
        title="Consolidate every item's answers again (the agreement, annotator and confusion views read the results)"
      >
        Recompute
      </button>
    </div>
  );
}

// ---- error analysis ----------------------------------------------------------------------------

function VerdictTable<R extends VerdictCounts>({ rows, keyName, title, view, project, testId }: { rows: R[]; keyName: 'annotator' | 'label' | 'week'; title: string; view: ErrorView; project: Project; testId: string }) {
  const codes = [...new Set(rows.flatMap((r) => Object.keys(r.codes)))].sort();
  return (
    <Section title={title} csv={quality.csvUrl(project.id, view)} testId={testId}>
      {rows.length === 0 ? (
        <p className="muted">No verdicts yet.</p>
      ) : (
        <table className="grid small">
          <thead>
            <tr>
              <th>{keyName}</th>
              <th className="num">Reviewed</th>
              <th className="num">Accepted</th>
              <th className="num">Fixed</th>
              <th className="num">Rejected</th>
              <th className="num">Error rate</th>
              {codes.map((c) => (
                <th key={c} className="num">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const key = String((r as unknown as Record<string, string>)[keyName]);
              const f: ErrorFilters = key ? { [keyName]: key } : {};
              return (
                <tr key={key}>
                  <td>{key || <span className="muted">(none)</span>}</td>
                  <Cell n={r.reviewed} filters={f} />
                  <td className="num">{r.accepted}</td>
                  <td className="num">{r.fixed}</td>
                  <td className="num">{r.rejected}</td>
                  <td className="num">{pct(r.error_rate)}</td>
                  {codes.map((c) => (
                    <Cell key={c} n={r.codes[c] ?? 0} filters={{ ...f, code: c }} />
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </Section>
  );
}

function ErrorViews({ project }: { project: Project }) {
  const { data, error } = useLoad(
    () =>
      Promise.all([
        quality.errors<{ items: ParetoRow[] }>(project.id, 'pareto'),
        quality.errors<{ items: ByAnnotatorRow[] }>(project.id, 'by-annotator'),
        quality.errors<{ items: ByLabelRow[] }>(project.id, 'by-label'),
        quality.errors<{ items: BySectionRow[] }>(project.id, 'by-section'),
        quality.errors<{ items: ByWeekRow[] }>(project.id, 'by-week'),
      ]),
    [project.id],
  );
  if (error) return <ShowError error={error} />;
  if (!data) return <p className="muted">Loading…</p>;
  const [pareto, byAnnotator, byLabel, bySection, byWeek] = data.map((d) => d.items) as [ParetoRow[], ByAnnotatorRow[], ByLabelRow[], BySectionRow[], ByWeekRow[]];
  return (
    <>
      <Section title="Error codes (Pareto)" csv={quality.csvUrl(project.id, 'pareto')} testId="pareto">
        {pareto.length === 0 ? (
          <p className="muted">No error codes given yet.</p>
        ) : (
          <>
            <ParetoChart rows={pareto} onPick={(code) => drill({ code })} />
            <table className="grid small">
              <thead>
                <tr>
                  <th>Code</th>
                  <th>Title</th>
                  <th>Section</th>
                  <th className="num">Count</th>
                  <th className="num">Share</th>
                  <th className="num">Cumulative</th>
                </tr>
              </thead>
              <tbody>
                {pareto.map((r) => (
                  <tr key={r.code}>
                    <td>
                      <code>{r.code}</code>
                    </td>
                    <td>{r.title ?? <span className="muted">(not in the taxonomy)</span>}</td>
                    <td>{r.section ? `§${r.section}` : ''}</td>
                    <Cell n={r.count} filters={{ code: r.code }} />
                    <td className="num">{pct(r.share)}</td>
                    <td className="num">{pct(r.cumulative_share)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </Section>
      <VerdictTable rows={byAnnotator} keyName="annotator" title="By annotator" view="by-annotator" project={project} testId="by-annotator" />
      <VerdictTable rows={byLabel} keyName="label" title="By label" view="by-label" project={project} testId="by-label" />
      <Section title="By guideline section" csv={quality.csvUrl(project.id, 'by-section')} testId="by-section">
        <table className="grid small">
          <thead>
            <tr>
              <th>Section</th>
              <th className="num">Error codes given</th>
              <th className="num">Share</th>
            </tr>
          </thead>
          <tbody>
            {bySection.map((r) => (
              <tr key={r.section}>
                <td>{r.section ? `§${r.section}` : <span className="muted">(no section)</span>}</td>
                <Cell n={r.count} filters={{ section: r.section || NONE }} />
                <td className="num">{pct(r.share)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <VerdictTable rows={byWeek} keyName="week" title="By week" view="by-week" project={project} testId="by-week" />
    </>
  );
}

function TrendView({ project }: { project: Project }) {
  const { data, error } = useLoad(() => quality.errors<{ items: TrendRow[] }>(project.id, 'trend'), [project.id]);
  if (error) return <ShowError error={error} />;
  const rows = data?.items ?? [];
  const weeks = [...new Set(rows.map((r) => r.week))].sort();
  const people = [...new Set(rows.map((r) => r.annotator))].sort();
  const at = (a: string, w: string) => rows.find((r) => r.annotator === a && r.week === w);
  return (
    <Section title="Error rate per annotator and week" csv={quality.csvUrl(project.id, 'trend')} testId="trend">
      {rows.length === 0 ? (
        <p className="muted">No verdicts yet.</p>
      ) : (
        <table className="grid small">
          <thead>
            <tr>
              <th>Annotator</th>
              <th>Trend</th>
              {weeks.map((w) => (
                <th key={w} className="num">
                  {w}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {people.map((a) => (
              <tr key={a}>
                <td>{a}</td>
                <td>
                  <Sparkline values={weeks.map((w) => at(a, w)).filter((r): r is TrendRow => !!r).map((r) => r.error_rate)} />
                </td>
                {weeks.map((w) => {
                  const r = at(a, w);
                  return r ? <Cell key={w} n={r.reviewed} filters={{ annotator: a, week: w }} render={`${pct(r.error_rate)} of ${r.reviewed}`} /> : <td key={w} className="muted num">—</td>;
                })}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}

function CoachingView({ project, filters }: { project: Project; filters: DrillFilters }) {
  const { data, error } = useLoad(() => quality.errors<{ items: CoachingRow[] }>(project.id, 'coaching', filters, { limit: 200 }), [project.id, JSON.stringify(filters)]);
  if (error) return <ShowError error={error} />;
  const rows = data?.items ?? [];
  return (
    <Section title="Coaching: fixed or rejected annotations with the reviewer's notes" csv={quality.csvUrl(project.id, 'coaching', filters)} testId="coaching">
      {rows.length === 0 ? (
        <p className="muted">Nothing to coach on.</p>
      ) : (
        <table className="grid small">
          <thead>
            <tr>
              <th>Item</th>
              <th>Annotator</th>
              <th>Verdict</th>
              <th>Codes</th>
              <th>Comment</th>
              <th>When</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.verdict_id} className="clickable" onClick={() => openItem(project, r.item_id)}>
                <td>#{r.item_id}</td>
                <td>{r.annotator}</td>
                <td>{r.verdict}</td>
                <td>{r.error_codes.join(', ')}</td>
                <td className="pre">{r.comment}</td>
                <td>{new Date(r.created_at).toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}

/** What a drill-down lists, in words. */
function describeDrill(f: DrillFilters): string {
  const label = (v: string | undefined) => (v === NONE || !v ? 'no label' : v);
  switch (f.of) {
    case 'annotated':
      return `annotated by ${f.annotator}`;
    case 'scored':
      return `${f.annotator}'s answers to ${f.question} scored against the consolidated result`;
    case 'gold':
      return `gold items ${f.annotator} was scored on`;
    case 'confusion':
      return `${f.question ? `${f.question}: ` : ''}label given ${label(f.given)}, consolidated ${label(f.consolidated)}${f.annotator ? ` (by ${f.annotator})` : ''}`;
    default: {
      const keys = (['annotator', 'code', 'label', 'week', 'section'] as const).filter((k) => f[k]);
      return keys.map((k) => (k === 'section' && f.section === NONE ? 'no section' : `${k} ${f[k]}`)).join(', ') || 'every reviewed item';
    }
  }
}

function DrillDown({ project, filters }: { project: Project; filters: DrillFilters }) {
  const key = JSON.stringify(filters);
  const { data, error } = useLoad(() => quality.errors<{ items: { item_id: number }[]; next_cursor?: string | null }>(project.id, 'items', filters, { limit: 500 }), [project.id, key]);
  const described = describeDrill(filters);
  const reviewed = !filters.of || filters.of === 'reviewed';
  return (
    <>
      <Section title={`Items: ${described}`} csv={quality.csvUrl(project.id, 'items', filters)} testId="drill-down">
        <ShowError error={error} />
        {data && data.items.length === 0 && <p className="muted">No items.</p>}
        <table className="grid small">
          <tbody>
            {(data?.items ?? []).map((r) => (
              <tr key={r.item_id} className="clickable" onClick={() => openItem(project, r.item_id)} data-testid={`drill-item-${r.item_id}`}>
                <td>Item #{r.item_id}</td>
                <td className="muted">open →</td>
              </tr>
            ))}
          </tbody>
        </table>
        {data?.next_cursor && <p className="muted small">More than 500 items: download the CSV for all of them.</p>}
      </Section>
      {reviewed && <CoachingView project={project} filters={filters} />}
    </>
  );
}

// ---- agreement, annotators, gold, confusion ------------------------------------------------------

type QuestionAgreement = Api.QuestionAgreementRead;

function AgreementView({ project }: { project: Project }) {
  const { data, error, loading } = useLoad(() => quality.agreement(project.id), [project.id]);
  if (error) return <ShowError error={error} />;
  if (loading && !data) return <p className="muted">Computing agreement (bootstrap intervals)…</p>;
  const questions = data?.questions ?? [];
  return (
    <>
      <Section title="Agreement per question (95% bootstrap interval)" csv={quality.csvUrl(project.id, 'agreement')} testId="agreement">
        <table className="grid small">
          <thead>
            <tr>
              <th>Question</th>
              <th>Kind</th>
              <th>Measure</th>
              <th className="num">Value</th>
              <th className="num">95% CI</th>
              <th className="num">Items</th>
              <th className="num">% agreement</th>
              <th>Also</th>
            </tr>
          </thead>
          <tbody>
            {questions.map((q) => (
              <FragmentRows key={q.question} q={q} />
            ))}
          </tbody>
        </table>
        {questions
          .filter((q) => q.cohen && q.cohen.annotators.length > 1)
          .map((q) => (
            <CohenTable key={q.question} question={q.question} cohen={q.cohen!} />
          ))}
      </Section>
      <AgreementOverTime project={project} />
    </>
  );
}

/** The coefficients beside the kind's measure, as short "name value" notes. */
function extras(q: QuestionAgreement): string[] {
  const out: string[] = [];
  if (q.fleiss_kappa != null) out.push(`Fleiss' κ ${num(q.fleiss_kappa)}${q.fleiss_kappa_ci ? ` (${interval(q.fleiss_kappa_ci)})` : ''}`);
  if (q.mean_iou != null) out.push(`mean IoU ${num(q.mean_iou)}`);
  if (q.mean_oks != null) out.push(`mean keypoint similarity ${num(q.mean_oks)}`);
  if (q.overlap_f1 != null) out.push(`overlap F1 ${num(q.overlap_f1)} (exact F1 ${num(q.value)})`);
  if (q.wer != null) out.push(`WER ${num(q.wer)}`);
  if (q.cer != null) out.push(`CER ${num(q.cer)}`);
  return out;
}

function FragmentRows({ q }: { q: QuestionAgreement }) {
  const also = extras(q);
  return (
    <>
      <tr data-testid={`agreement-${q.question}`}>
        <td>
          <strong>{q.question}</strong>
          {q.error && <div className="bad small">{q.error}</div>}
        </td>
        <td>{q.kind}</td>
        <td>{q.metric ?? '—'}</td>
        <td className="num">{num(q.value)}</td>
        <td className="num">{interval(q.ci)}</td>
        <td className="num">{q.n_items}</td>
        <td className="num">{pct(q.percent_agreement)}</td>
        <td className="small" data-testid={`agreement-also-${q.question}`}>
          {also.join(' · ')}
          {q.fleiss_note && <div className="muted">No Fleiss' κ: {q.fleiss_note}</div>}
        </td>
      </tr>
      {q.labels.map((l) => (
        <tr key={l.label} className="muted">
          <td style={{ paddingLeft: 20 }}>label {l.label}</td>
          <td />
          <td>{(l.metric ?? 'binary_alpha').replace('_', ' ')}</td>
          <td className="num">{num(l.value)}</td>
          <td className="num">{interval(l.ci)}</td>
          <td className="num">{l.chosen} chosen</td>
          <td />
          <td />
        </tr>
      ))}
    </>
  );
}

/** Cohen's kappa of every two annotators, with the items they share. */
function CohenTable({ question, cohen }: { question: string; cohen: Api.CohenMatrixRead }) {
  return (
    <div data-testid={`cohen-${question}`}>
      <h4>{question}: Cohen's κ between annotators (items both answered)</h4>
      <table className="grid small heat">
        <thead>
          <tr>
            <th />
            {cohen.annotators.map((a) => (
              <th key={a}>{a}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {cohen.matrix.map((row, i) => (
            <tr key={cohen.annotators[i]}>
              <th>{cohen.annotators[i]}</th>
              {row.map((v, j) => (
                <td key={j} className="num" title={i === j ? '' : `${cohen.shared[i]![j]} items both answered`}>
                  {i === j ? '—' : `${num(v)} (${cohen.shared[i]![j]})`}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Agreement per question and ISO week, a chart and a table per question. */
function AgreementOverTime({ project }: { project: Project }) {
  const { data, error, loading } = useLoad(() => quality.agreementWeekly(project.id), [project.id]);
  const rows = data?.items ?? [];
  const questions = [...new Set(rows.map((r) => r.question))];
  return (
    <Section title="Agreement over time (per ISO week of the items' last answer, 95% interval)" csv={quality.tableCsvUrl(project.id, 'quality/agreement/weekly')} testId="agreement-weekly">
      <ShowError error={error} />
      {loading && !data && <p className="muted">Computing agreement per week…</p>}
      {data && rows.length === 0 && <p className="muted">No item has two answers yet.</p>}
      {questions.map((name) => {
        const mine = rows.filter((r) => r.question === name);
        const first = mine[0]!;
        return (
          <div key={name}>
            <h4>
              {name} <span className="muted small">{first.metric ?? ''}{first.higher_is_better ? '' : ' (lower is better)'}</span>
            </h4>
            <AgreementChart question={name} metric={first.metric} rows={mine} higherIsBetter={first.higher_is_better} />
            <table className="grid small" data-testid={`agreement-weeks-${name}`}>
              <thead>
                <tr>
                  <th>Week</th>
                  <th className="num">Value</th>
                  <th className="num">95% CI</th>
                  <th className="num">Items</th>
                </tr>
              </thead>
              <tbody>
                {mine.map((r) => (
                  <tr key={r.week}>
                    <td>{r.week}</td>
                    <td className="num">{num(r.value)}</td>
                    <td className="num">{interval(r.ci)}</td>
                    <td className="num">{r.n_items}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        );
      })}
    </Section>
  );
}

function Matrix({ labels, columns, matrix, digits, rowTitle, colTitle, onCell, testId }: { labels: string[]; columns?: string[]; matrix: number[][]; digits?: number; rowTitle: string; colTitle: string; onCell?(row: string, col: string): void; testId?: string }) {
  const max = Math.max(1e-9, ...matrix.flat());
  const cols = columns ?? labels;
  return (
    <table className="grid small heat" data-testid={testId}>
      <thead>
        <tr>
          <th>
            {rowTitle} ↓ · {colTitle} →
          </th>
          {cols.map((l) => (
            <th key={l}>{l || NONE}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {matrix.map((row, i) => (
          <tr key={labels[i]}>
            <th>{labels[i] || NONE}</th>
            {row.map((v, j) => (
              <td
                key={j}
                className={onCell && v ? 'cell-link' : undefined}
                style={{ background: `rgba(59, 110, 220, ${(v / max) * 0.55})`, fontWeight: i === j ? 600 : undefined }}
                onClick={onCell && v ? () => onCell(labels[i]!, cols[j]!) : undefined}
                title={onCell && v ? 'Show the items' : undefined}
                data-testid={testId ? `${testId}-${labels[i] || NONE}-${cols[j] || NONE}` : undefined}
              >
                {digits !== undefined ? v.toFixed(digits) : v}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

type AnnotatorRow = Api.AnnotatorReliabilityRow;

/** Dawid-Skene matrices of one annotator: per single-choice question, and per label of each
 * multiple-choice question (2 × 2, absent / present). */
function AnnotatorConfusion({ person, labels }: { person: AnnotatorRow; labels: Record<string, string[]> }) {
  const who = person.username ?? String(person.user_id);
  return (
    <div data-testid={`annotator-confusion-${who}`}>
      {Object.entries(person.confusion).map(([q, m]) => (
        <div key={q}>
          <h4>
            Dawid-Skene confusion of {who}: {q}
          </h4>
          <Matrix labels={labels[q] ?? []} matrix={m as number[][]} digits={2} rowTitle="estimated true class" colTitle="label given" />
        </div>
      ))}
      {Object.entries(person.label_confusion ?? {}).map(([q, perLabel]) => (
        <div key={q} data-testid={`label-confusion-${q}`}>
          <h4>
            Dawid-Skene confusion of {who} per label: {q} (multiple choice)
          </h4>
          <div className="row" style={{ flexWrap: 'wrap', alignItems: 'flex-start' }}>
            {Object.entries(perLabel).map(([label, m]) => (
              <div key={label}>
                <div className="small">
                  <strong>{label}</strong>
                </div>
                <Matrix labels={['absent', 'present']} matrix={m} digits={2} rowTitle="estimated" colTitle="answered" testId={`label-confusion-${q}-${label}`} />
              </div>
            ))}
          </div>
        </div>
      ))}
    </div>
  );
}

function AnnotatorsView({ project }: { project: Project }) {
  const { data, error } = useLoad(() => quality.annotators(project.id), [project.id]);
  const [open, setOpen] = useState<number | null>(null);
  if (error) return <ShowError error={error} />;
  if (!data) return <p className="muted">Loading…</p>;
  const questions = [...new Set(data.annotators.flatMap((a) => Object.keys(a.consensus)))];
  const person = data.annotators.find((a) => a.user_id === open);
  return (
    <Section title="Annotator reliability" csv={quality.csvUrl(project.id, 'annotators')} testId="annotators">
      <table className="grid small">
        <thead>
          <tr>
            <th>Annotator</th>
            <th className="num">Items</th>
            {questions.map((q) => (
              <th key={q} className="num">
                {q}: vs consolidated (95% CI)
              </th>
            ))}
            <th className="num">Gold accuracy</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {data.annotators.map((a) => {
            const who = a.username ?? String(a.user_id);
            const matrices = Object.keys(a.confusion).length + Object.keys(a.label_confusion ?? {}).length;
            return (
              <tr key={a.user_id}>
                <td>{who}</td>
                <Cell n={a.items} filters={{ of: 'annotated', annotator: who }} />
                {questions.map((q) => {
                  const s = a.consensus[q];
                  return s ? <Cell key={q} n={s.n} filters={{ of: 'scored', annotator: who, question: q }} render={`${num(s.mean)} (${interval(s.ci)}) n=${s.n}`} /> : <td key={q} className="num">—</td>;
                })}
                {a.gold ? <Cell n={a.gold.scored} filters={{ of: 'gold', annotator: who }} render={`${pct(a.gold.accuracy)} of ${a.gold.scored}`} /> : <td className="num">—</td>}
                <td>
                  {matrices > 0 && (
                    <button type="button" className="link small" onClick={() => setOpen(open === a.user_id ? null : a.user_id)} data-testid={`confusion-toggle-${who}`}>
                      {open === a.user_id ? 'hide' : Object.keys(a.confusion).length ? 'confusion matrix' : 'confusion per label'}
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {person && <AnnotatorConfusion person={person} labels={data.labels} />}
    </Section>
  );
}

function ConfusionView({ project }: { project: Project }) {
  const { data, error } = useLoad(() => quality.errors<{ questions: LabelConfusion[] }>(project.id, 'confusion'), [project.id]);
  if (error) return <ShowError error={error} />;
  return (
    <Section title="Label confusion: label given vs consolidated label" csv={quality.csvUrl(project.id, 'confusion')} testId="confusion">
      {(data?.questions ?? []).length === 0 && <p className="muted">No consolidated classification results yet: press Recompute.</p>}
      {(data?.questions ?? []).map((m) => (
        <div key={m.question}>
          <h4>{m.question}</h4>
          <Matrix
            labels={m.labels}
            matrix={m.matrix}
            rowTitle="given"
            colTitle="consolidated"
            testId={`confusion-${m.question}`}
            onCell={(given, consolidated) => drill({ of: 'confusion', question: m.question, given: given || NONE, consolidated: consolidated || NONE })}
          />
        </div>
      ))}
    </Section>
  );
}

function GoldView({ project }: { project: Project }) {
  const { data, error, reload } = useLoad(() => Promise.all([quality.gold(project.id), goldApi.list(project.id)]), [project.id]);
  const [actionError, setActionError] = useState<unknown>(null);
  if (error) return <ShowError error={error} />;
  if (!data) return <p className="muted">Loading…</p>;
  const [summary, list]: [GoldSummary, { items: GoldEntry[] }] = data;
  return (
    <>
      <Section title={`Gold accuracy: ${pct(summary.accuracy)} over ${summary.scored} scored submits, ${summary.gold_items} gold items`} csv={quality.tableCsvUrl(project.id, 'quality/gold')} testId="gold-summary">
        <ShowError error={actionError} />
        <table className="grid small">
          <thead>
            <tr>
              <th>Annotator</th>
              <th className="num">Scored</th>
              <th className="num">Mean score</th>
              <th className="num">Passed</th>
              <th className="num">Accuracy (95% CI)</th>
              <th className="num">Rolling</th>
              <th>Flag</th>
            </tr>
          </thead>
          <tbody>
            {summary.annotators.map((a) => (
              <tr key={a.user_id} data-testid={`gold-annotator-${a.username}`}>
                <td>{a.username}</td>
                <Cell n={a.scored} filters={{ of: 'gold', annotator: a.username }} />
                <td className="num" data-testid="gold-mean">
                  {num(a.mean_score)}
                </td>
                <td className="num">{a.passed}</td>
                <td className="num">
                  {pct(a.accuracy)} ({interval(a.ci)})
                </td>
                <td className="num">{pct(a.rolling_accuracy)}</td>
                <td>
                  {a.flagged ? (
                    <>
                      <span className="badge bad">{a.paused ? 'flagged, paused' : 'flagged'}</span>{' '}
                      <button
                        type="button"
                        className="small"
                        data-testid={`clear-flag-${a.username}`}
                        onClick={async () => {
                          try {
                            await quality.clearFlag(project.id, a.user_id);
                            reload();
                          } catch (err) {
                            setActionError(err);
                          }
                        }}
                      >
                        Clear flag
                      </button>
                    </>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <Section title="Gold items" csv={quality.tableCsvUrl(project.id, 'gold')} testId="gold-list">
        {list.items.length === 0 ? (
          <p className="muted">No gold items yet. Open an item (Items tab) and mark it as gold.</p>
        ) : (
          <table className="grid small">
            <thead>
              <tr>
                <th>Item</th>
                <th>Source</th>
                <th>Feedback</th>
                <th className="num">Scored</th>
                <th className="num">Mean score</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((g) => (
                <tr key={g.item_id} className="clickable" onClick={() => openItem(project, g.item_id)} data-testid={`gold-item-${g.item_id}`}>
                  <td>#{g.item_id}</td>
                  <td>{g.source}</td>
                  <td className="pre">{g.feedback}</td>
                  <td className="num">{g.scored ?? 0}</td>
                  <td className="num">{num(g.mean_score)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
    </>
  );
}
