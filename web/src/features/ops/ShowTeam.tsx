// Lead console tab: the team's productivity against targets, charts (throughput, time, time per
// stage, speed against quality) and outliers.
import { useMemo, useState } from 'react';
import {
  activity,
  formatMetric,
  formatMinutes,
  formatSeconds,
  isoDay,
  isRate,
  METRIC_LABELS,
  METRICS,
  niceScale,
  targetScope,
  WEEKDAYS,
  type ActivitySettings,
  type Metric,
  type Target,
  type TargetCreate,
  type Team,
  type TeamPerson,
} from '../../api/activity';
import { projects } from '../../api/endpoints';
import type { Id, Member, Project } from '../../api/types';
import { ShowError } from '../common/ShowError';
import { useLoad } from '../common/useLoad';
import { SpeedQualityChart, StageTimeChart } from './ShowTeamCharts';

export function ShowTeam({ project }: { project: Project }) {
  const [day, setDay] = useState(() => isoDay(new Date()));
  const team = useLoad(() => activity.team(project.id, day), [project.id, day]);
  const members = useLoad(() => projects.members(project.id), [project.id]);
  const names = useMemo(() => new Map((members.data ?? []).map((m) => [m.user.id, m.user.display_name || m.user.username])), [members.data]);
  return (
    <div className="team-tab" data-testid="team-tab">
      <div className="row">
        <label>
          Day
          <input type="date" value={day} onChange={(e) => e.target.value && setDay(e.target.value)} data-testid="team-date" />
        </label>
        <button type="button" onClick={team.reload}>
          Refresh
        </button>
        <a className="button" href={activity.teamCsvUrl(project.id, day)} download data-testid="team-csv">
          Download CSV
        </a>
        <span className="grow" />
        {team.loading && <span className="muted small">Loading…</span>}
      </div>
      <ShowError error={team.error} />
      {team.data && <TeamTable team={team.data} />}
      {team.data && (
        <div className="team-charts">
          <ThroughputChart team={team.data} />
          <TimeChart people={team.data.people} />
          <StageTimeChart team={team.data} />
          <SpeedQualityChart team={team.data} />
        </div>
      )}
      <ManageTargets project={project} members={members.data ?? []} names={names} onChanged={team.reload} />
      <EditSettings project={project} onSaved={team.reload} />
    </div>
  );
}

function avgPerItem(p: TeamPerson): string {
  const timed = p.stages.filter((s) => s.avg_ms_per_item !== null);
  if (timed.length === 0) return '–';
  return timed.map((s) => `${s.stage} ${formatSeconds(s.avg_ms_per_item)}`).join(' · ');
}

function TeamTable({ team }: { team: Team }) {
  if (team.people.length === 0) return <p className="muted">Nobody worked on this project that day.</p>;
  return (
    <table className="grid team-table" data-testid="team-table">
      <caption className="muted small" style={{ textAlign: 'left' }}>
        {team.date}: active time is what the server saw (idle and hidden-tab time apart). Stage medians:{' '}
        {Object.entries(team.stage_medians)
          .map(([stage, ms]) => `${stage} ${formatSeconds(ms)}`)
          .join(' · ') || '–'}
      </caption>
      <thead>
        <tr>
          <th scope="col">Person</th>
          <th scope="col" className="num">Items</th>
          <th scope="col" className="num">Active</th>
          <th scope="col" className="num">Idle</th>
          <th scope="col" className="num">Hidden</th>
          <th scope="col" className="num">Items/h</th>
          <th scope="col">Time per item</th>
          <th scope="col" className="num">Gold</th>
          <th scope="col" className="num">Review pass</th>
          <th scope="col">Targets</th>
          <th scope="col">Flags</th>
        </tr>
      </thead>
      <tbody>
        {team.people.map((p) => (
          <tr key={p.user.id} className={p.flags.length ? 'flagged' : ''} data-testid={`team-row-${p.user.username}`}>
            <th scope="row">
              {p.user.display_name || p.user.username} <span className="muted small">{p.role}</span>
            </th>
            <td className="num" data-testid="team-items">{p.items}</td>
            <td className="num" data-testid="team-active">{formatMinutes(p.active_ms)}</td>
            <td className="num">{formatMinutes(p.idle_ms)}</td>
            <td className="num">{formatMinutes(p.hidden_ms)}</td>
            <td className="num" data-testid="team-rate">{formatMetric('items_per_hour', p.items_per_hour)}</td>
            <td className="small">{avgPerItem(p)}</td>
            <td className="num" title={`${p.gold_scored} gold items scored`}>{formatMetric('gold_accuracy', p.gold_accuracy)}</td>
            <td className="num" title={`${p.reviewed} reviews`}>{formatMetric('review_pass_rate', p.review_pass_rate)}</td>
            <td className="small" data-testid="team-targets">
              {p.targets_judged > 0 && (
                <strong className={p.targets_met === p.targets_judged ? 'met-yes' : 'met-no'}>
                  {p.targets_met}/{p.targets_judged} met
                </strong>
              )}
              {p.targets.map((t) => (
                <div key={`${t.metric}-${t.stage ?? ''}`} className={t.met === null ? 'muted' : t.met ? 'met-yes' : 'met-no'}>
                  {METRIC_LABELS[t.metric]}
                  {t.stage ? ` (${t.stage})` : ''}: {formatMetric(t.metric, t.actual)} / {formatMetric(t.metric, t.target)}
                </div>
              ))}
            </td>
            <td data-testid="team-flags">
              {p.flags.map((f) => (
                <span key={`${f.flag}-${f.stage ?? ''}`} className={`flag ${f.flag}`} title={flagTitle(f)}>
                  {f.flag === 'too_fast' ? `too fast (${f.stage})` : 'long idle'}
                </span>
              ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function flagTitle(f: TeamPerson['flags'][number]): string {
  if (f.flag === 'too_fast') return `Median ${formatSeconds(f.median_ms ?? null)} per item against the project's ${formatSeconds(f.project_median_ms ?? null)}`;
  return `Idle ${Math.round((f.idle_share ?? 0) * 100)}% of active plus idle time`;
}

// ---- charts ----------------------------------------------------------------------------------
const CW = 560;
const CH = 200;
const PAD = { left: 36, right: 10, top: 10, bottom: 28 };

function ThroughputChart({ team }: { team: Team }) {
  const plotW = CW - PAD.left - PAD.right;
  const plotH = CH - PAD.top - PAD.bottom;
  const { top, ticks } = niceScale(Math.max(0, ...team.hours.map((h) => h.items)));
  const step = plotW / Math.max(1, team.hours.length);
  const y = (v: number) => plotH - (v / top) * plotH;
  return (
    <figure className="card">
      <h4>Throughput per hour</h4>
      <svg className="chart" viewBox={`0 0 ${CW} ${CH}`} width="100%" style={{ maxWidth: CW }} role="img" aria-label="Items submitted per hour" data-testid="throughput-chart">
        <g transform={`translate(${PAD.left},${PAD.top})`}>
          {ticks.map((t) => (
            <g key={t}>
              <line x1={0} x2={plotW} y1={y(t)} y2={y(t)} stroke="#e6e9ee" />
              <text x={-6} y={y(t) + 4} textAnchor="end">
                {t}
              </text>
            </g>
          ))}
          {team.hours.map((h, i) => {
            const label = new Date(h.start).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
            return (
              <g key={h.start}>
                <rect className="bar" x={i * step + 1} y={y(h.items)} width={Math.max(1, step - 2)} height={Math.max(plotH - y(h.items), h.items ? 1 : 0)} data-testid="throughput-bar" data-items={h.items}>
                  <title>
                    {label}: {h.items} items, {formatMinutes(h.active_ms)} active, {formatMinutes(h.idle_ms)} idle
                  </title>
                </rect>
                {i % 3 === 0 && (
                  <text x={i * step + step / 2} y={plotH + 14} textAnchor="middle">
                    {label}
                  </text>
                )}
              </g>
            );
          })}
          <line x1={0} x2={plotW} y1={plotH} y2={plotH} stroke="#999" />
        </g>
      </svg>
    </figure>
  );
}

function TimeChart({ people }: { people: TeamPerson[] }) {
  const rowH = 18;
  const left = 110;
  const plotW = CW - left - 60;
  const height = Math.max(1, people.length) * (rowH + 6) + 8;
  const max = Math.max(1, ...people.map((p) => p.active_ms + p.idle_ms + p.hidden_ms));
  const w = (ms: number) => (ms / max) * plotW;
  return (
    <figure className="card">
      <h4>Active, idle and hidden time per person</h4>
      <div className="chart-legend" aria-hidden="true">
        <span>
          <i style={{ background: 'var(--accent)' }} />
          active
        </span>
        <span>
          <i style={{ background: '#f1d39b' }} />
          idle
        </span>
        <span>
          <i style={{ background: '#c9ced8' }} />
          hidden
        </span>
      </div>
      <svg className="chart" viewBox={`0 0 ${CW} ${height}`} width="100%" style={{ maxWidth: CW }} role="img" aria-label="Active against idle and hidden time per person" data-testid="time-chart">
        {people.map((p, i) => {
          const yy = 4 + i * (rowH + 6);
          const name = p.user.display_name || p.user.username;
          return (
            <g key={p.user.id}>
              <text x={left - 6} y={yy + rowH - 5} textAnchor="end">
                {name.length > 16 ? `${name.slice(0, 15)}…` : name}
              </text>
              <rect className="bar" x={left} y={yy} width={w(p.active_ms)} height={rowH}>
                <title>{`${name}: ${formatMinutes(p.active_ms)} active`}</title>
              </rect>
              <rect className="bar idle" x={left + w(p.active_ms)} y={yy} width={w(p.idle_ms)} height={rowH}>
                <title>{`${name}: ${formatMinutes(p.idle_ms)} idle`}</title>
              </rect>
              <rect className="bar hidden" x={left + w(p.active_ms + p.idle_ms)} y={yy} width={w(p.hidden_ms)} height={rowH}>
                <title>{`${name}: ${formatMinutes(p.hidden_ms)} hidden`}</title>
              </rect>
              <text x={left + w(p.active_ms + p.idle_ms + p.hidden_ms) + 4} y={yy + rowH - 5}>
                {formatMinutes(p.active_ms)}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

// ---- targets -----------------------------------------------------------------------------------
type Scope = 'everyone' | 'role' | 'person';

function ManageTargets({ project, members, names, onChanged }: { project: Project; members: Member[]; names: Map<Id, string>; onChanged(): void }) {
  const list = useLoad(() => activity.targets(project.id), [project.id]);
  const [error, setError] = useState<unknown>(null);
  const changed = () => {
    list.reload();
    onChanged();
  };
  const run = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
      changed();
      return true;
    } catch (err) {
      setError(err);
      return false;
    }
  };
  return (
    <section className="card" aria-labelledby="targets-title" data-testid="targets-editor">
      <h3 id="targets-title">Targets</h3>
      <p className="muted small">A person&apos;s own target wins over their role&apos;s, which wins over the project&apos;s; a target for a weekday wins over one for every day.</p>
      <ShowError error={list.error ?? error} />
      {(list.data ?? []).length > 0 && (
        <table className="grid" data-testid="targets-list">
          <thead>
            <tr>
              <th scope="col">Metric</th>
              <th scope="col">For</th>
              <th scope="col">Value</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {(list.data ?? []).map((t) => (
              <TargetRow key={t.id} target={t} names={names} onSave={(value) => run(() => activity.updateTarget(project.id, t.id, { value }))} onDelete={() => run(() => activity.deleteTarget(project.id, t.id))} />
            ))}
          </tbody>
        </table>
      )}
      <AddTarget members={members} onAdd={(body) => run(() => activity.createTarget(project.id, body))} />
    </section>
  );
}

function toShown(metric: Metric, value: number): string {
  return isRate(metric) ? String(Math.round(value * 1000) / 10) : String(value);
}

function fromShown(metric: Metric, text: string): number {
  const n = Number(text);
  return isRate(metric) ? n / 100 : n;
}

function TargetRow({ target, names, onSave, onDelete }: { target: Target; names: Map<Id, string>; onSave(value: number): Promise<boolean>; onDelete(): void }) {
  const [text, setText] = useState(toShown(target.metric, target.value));
  const dirty = text !== toShown(target.metric, target.value);
  return (
    <tr data-testid={`target-${target.id}`}>
      <td>{METRIC_LABELS[target.metric]}</td>
      <td>{targetScope(target, names)}</td>
      <td>
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            void onSave(fromShown(target.metric, text));
          }}
        >
          <input aria-label={`Value of ${METRIC_LABELS[target.metric]} for ${targetScope(target, names)}`} type="number" min={0} step="any" value={text} onChange={(e) => setText(e.target.value)} style={{ width: 90 }} />
          {isRate(target.metric) && <span className="muted">%</span>}
          {dirty && <button type="submit">Save</button>}
        </form>
      </td>
      <td>
        <button type="button" className="link" onClick={onDelete} aria-label={`Delete the ${METRIC_LABELS[target.metric]} target for ${targetScope(target, names)}`}>
          Delete
        </button>
      </td>
    </tr>
  );
}

function AddTarget({ members, onAdd }: { members: Member[]; onAdd(body: TargetCreate): Promise<boolean> }) {
  const [metric, setMetric] = useState<Metric>('items_per_day');
  const [value, setValue] = useState('');
  const [scope, setScope] = useState<Scope>('everyone');
  const [role, setRole] = useState('annotator');
  const [userId, setUserId] = useState<string>('');
  const [stage, setStage] = useState('');
  const [weekday, setWeekday] = useState('');
  const workers = members.filter((m) => m.role !== 'viewer');
  const submit = async () => {
    const body: TargetCreate = {
      metric,
      value: fromShown(metric, value),
      role: scope === 'role' ? role : null,
      user_id: scope === 'person' && userId ? Number(userId) : null,
      stage: stage === 'annotate' || stage === 'review' ? stage : null,
      weekday: weekday === '' ? null : Number(weekday),
    };
    if (await onAdd(body)) setValue('');
  };
  return (
    <form
      className="row"
      aria-label="Add a target"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label>
        Metric
        <select value={metric} onChange={(e) => setMetric(e.target.value as Metric)} data-testid="target-metric">
          {METRICS.map((m) => (
            <option key={m} value={m}>
              {METRIC_LABELS[m]}
            </option>
          ))}
        </select>
      </label>
      <label>
        {isRate(metric) ? 'Value (%)' : 'Value'}
        <input type="number" min={0} max={isRate(metric) ? 100 : undefined} step="any" required value={value} onChange={(e) => setValue(e.target.value)} style={{ width: 90 }} data-testid="target-value" />
      </label>
      <label>
        For
        <select value={scope} onChange={(e) => setScope(e.target.value as Scope)} data-testid="target-scope">
          <option value="everyone">Everyone</option>
          <option value="role">A role</option>
          <option value="person">A person</option>
        </select>
      </label>
      {scope === 'role' && (
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.target.value)}>
            <option value="annotator">annotator</option>
            <option value="reviewer">reviewer</option>
            <option value="lead">lead</option>
          </select>
        </label>
      )}
      {scope === 'person' && (
        <label>
          Person
          <select value={userId} onChange={(e) => setUserId(e.target.value)} required data-testid="target-person">
            <option value="">Choose…</option>
            {workers.map((m) => (
              <option key={m.user.id} value={m.user.id}>
                {m.user.display_name || m.user.username}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        Stage
        <select value={stage} onChange={(e) => setStage(e.target.value)}>
          <option value="">All stages</option>
          <option value="annotate">annotate</option>
          <option value="review">review</option>
        </select>
      </label>
      <label>
        Day
        <select value={weekday} onChange={(e) => setWeekday(e.target.value)}>
          <option value="">Every day</option>
          {WEEKDAYS.map((d, i) => (
            <option key={d} value={i}>
              {d}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="primary" data-testid="target-add">
        Add target
      </button>
    </form>
  );
}

// ---- thresholds ----------------------------------------------------------------------------------
const SETTING_FIELDS: { key: keyof Omit<ActivitySettings, 'fix_counts_as_pass' | 'updated_at'>; label: string; percent?: boolean }[] = [
  { key: 'idle_after_s', label: 'Idle after no input for (s)' },
  { key: 'max_gap_s', label: 'Longest gap between heartbeats counted (s)' },
  { key: 'session_gap_s', label: 'A break starts after (s)' },
  { key: 'too_fast_ratio', label: 'Too fast under (% of the stage median)', percent: true },
  { key: 'too_fast_min_s', label: 'Too fast under (s per item, 0 = off)' },
  { key: 'long_idle_share', label: 'Long idle over (% idle)', percent: true },
];

function EditSettings({ project, onSaved }: { project: Project; onSaved(): void }) {
  const loaded = useLoad(() => activity.settings(project.id), [project.id]);
  return loaded.data ? <SettingsForm key={loaded.data.updated_at ?? 'defaults'} project={project} initial={loaded.data} onSaved={() => (loaded.reload(), onSaved())} /> : <ShowError error={loaded.error} />;
}

function SettingsForm({ project, initial, onSaved }: { project: Project; initial: ActivitySettings; onSaved(): void }) {
  const [values, setValues] = useState(() => Object.fromEntries(SETTING_FIELDS.map((f) => [f.key, String(f.percent ? Math.round(initial[f.key] * 100) : initial[f.key])])));
  const [fixPasses, setFixPasses] = useState(initial.fix_counts_as_pass);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const save = async () => {
    setError(null);
    setSaved(false);
    const body: Partial<ActivitySettings> = { fix_counts_as_pass: fixPasses };
    for (const f of SETTING_FIELDS) {
      const n = Number(values[f.key]);
      (body as Record<string, number>)[f.key] = f.percent ? n / 100 : n;
    }
    try {
      await activity.updateSettings(project.id, body);
      setSaved(true);
      onSaved();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form
      className="card"
      aria-labelledby="time-settings-title"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h3 id="time-settings-title">Time accounting and flags</h3>
      <ShowError error={error} />
      <div className="form-grid">
        {SETTING_FIELDS.map((f) => (
          <label key={f.key}>
            {f.label}
            <input type="number" min={0} step="any" required value={values[f.key]} onChange={(e) => setValues((v) => ({ ...v, [f.key]: e.target.value }))} />
          </label>
        ))}
        <label className="row">
          <input type="checkbox" checked={fixPasses} onChange={(e) => setFixPasses(e.target.checked)} />A reviewer&apos;s fix counts as a pass
        </label>
      </div>
      <div className="row end">
        {saved && (
          <span className="ok small" role="status">
            Saved
          </span>
        )}
        <button type="submit">Save thresholds</button>
      </div>
    </form>
  );
}
