// Daily status reports: mine, and for leads and admins anyone's they may see; the stored
// end-of-day reports are listed beside the report of the chosen day.
import { useMemo, useState } from 'react';
import { projects, users } from '../../api/endpoints';
import {
  clockTime,
  dailyReportUrl,
  formatDuration,
  formatMetricValue,
  formatRate,
  itemsPerHour,
  reports,
  todayIso,
  type DailyReport,
  type ReportSource,
  type ScheduleSection,
  type SnapshotEntry,
} from '../../api/reports';
import type { User } from '../../api/types';
import { useSession } from '../../stores/session';
import { ShowError } from '../common/ShowError';
import { useLoad } from '../common/useLoad';

const METRIC_LABELS: Record<string, string> = {
  items_per_day: 'Items per day',
  items_per_hour: 'Items per hour',
  gold_accuracy: 'Gold accuracy',
  review_pass_rate: 'Review pass rate',
};

/** People whose reports the signed-in person may open: everyone for an admin, the members of
 * the projects they lead for a lead, nobody else. */
async function loadPeople(me: User | null): Promise<User[]> {
  if (!me) return [];
  if (me.is_admin) return users.list();
  const led = (await projects.list()).filter((p) => p.role === 'lead');
  const lists = await Promise.all(led.map((p) => projects.members(p.id)));
  const byId = new Map<number, User>();
  for (const list of lists) for (const m of list) byId.set(m.user.id, m.user);
  return [...byId.values()].sort((a, b) => a.username.localeCompare(b.username));
}

export function ShowReports() {
  const me = useSession((s) => s.user);
  const [day, setDay] = useState(() => todayIso());
  const [person, setPerson] = useState('');
  const [source, setSource] = useState<ReportSource>('live');
  const people = useLoad(() => loadPeople(me), [me?.id]);
  const others = (people.data ?? []).filter((u) => u.id !== me?.id);
  const query = { user: person || null, date: day, source };
  const report = useLoad(() => reports.daily(query), [person, day, source]);
  const history = useLoad(() => reports.history(person || null), [person]);

  return (
    <div className="page reports-page" data-testid="reports-page">
      <h1>Daily status report</h1>
      <div className="row" role="group" aria-label="Which report">
        <label>
          Day{' '}
          <input
            type="date"
            value={day}
            max={todayIso()}
            onChange={(e) => {
              if (!e.target.value) return;
              setDay(e.target.value);
              setSource('live');
            }}
            data-testid="report-date"
          />
        </label>
        {others.length > 0 && (
          <label>
            Person{' '}
            <select
              value={person}
              onChange={(e) => {
                setPerson(e.target.value);
                setSource('live');
              }}
              data-testid="report-person"
            >
              <option value="">Me ({me?.username})</option>
              {others.map((u) => (
                <option key={u.id} value={u.username}>
                  {u.display_name ? `${u.display_name} (${u.username})` : u.username}
                </option>
              ))}
            </select>
          </label>
        )}
        <button type="button" onClick={report.reload} data-testid="report-refresh">
          Refresh
        </button>
        <span className="grow" />
        <a className="button" href={dailyReportUrl(query, 'csv')} download data-testid="report-csv">
          Download CSV
        </a>
        <a className="button" href={dailyReportUrl(query, 'pdf')} download data-testid="report-pdf">
          Download PDF
        </a>
      </div>
      {source === 'stored' && (
        <p className="notice" data-testid="report-stored">
          The report as stored at the end of the day.{' '}
          <button type="button" className="link" onClick={() => setSource('live')}>
            Show it recomputed now
          </button>
        </p>
      )}
      <ShowError error={report.error} />
      {report.loading && !report.data && <p className="muted">Loading…</p>}
      <div className="reports-layout">
        <div className="reports-main">{report.data && <ShowDailyReport report={report.data} />}</div>
        <ListSnapshots
          entries={history.data ?? []}
          error={history.error}
          chosen={source === 'stored' ? day : null}
          onOpen={(d) => {
            setDay(d);
            setSource('stored');
          }}
        />
      </div>
    </div>
  );
}

function ListSnapshots({ entries, error, chosen, onOpen }: { entries: SnapshotEntry[]; error: unknown; chosen: string | null; onOpen(day: string): void }) {
  return (
    <aside className="card report-history" aria-labelledby="report-history-title" data-testid="report-history">
      <h2 id="report-history-title">Past reports</h2>
      <ShowError error={error} />
      {entries.length === 0 ? (
        <p className="muted small">None stored yet: a report is stored when a day with work in it ends.</p>
      ) : (
        <ul>
          {entries.map((e) => (
            <li key={e.id}>
              <button type="button" className={`link${chosen === e.day ? ' on' : ''}`} aria-current={chosen === e.day ? 'true' : undefined} onClick={() => onOpen(e.day)} data-testid={`history-${e.day}`}>
                {e.day}
              </button>{' '}
              <span className="muted small">
                {e.items} items · {formatDuration(e.active_ms)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}

export function ShowDailyReport({ report }: { report: DailyReport }) {
  const tz = report.tz;
  const q = report.quality;
  const t = report.time;
  return (
    <article className="daily-report" aria-label={`Report of ${report.person.username} on ${report.day}`} data-testid="daily-report">
      <p>
        <strong data-testid="report-name">{report.person.display_name || report.person.username}</strong>{' '}
        <span className="muted">
          ({report.person.username}) · {report.day} · {tz} · computed {clockTime(report.generated_at, tz)}
        </span>
      </p>
      {report.partial && <p className="notice small">Only the projects you lead are shown; idle and hidden time and sessions are left out.</p>}
      {report.flags && report.flags.length > 0 && (
        <ul className="warning small" data-testid="report-flags" aria-label="What stands out against the schedule">
          {report.flags.map((f) => (
            <li key={f.code} data-testid={`report-flag-${f.code}`}>
              {f.message}
            </li>
          ))}
        </ul>
      )}
      <div className="report-cards">
        <Figure label="Items" value={String(report.items)} testId="report-items" />
        <Figure label="Active time" value={formatDuration(t.active_ms)} testId="report-active" />
        {report.schedule?.has_schedule && (
          <Figure
            label="Scheduled"
            value={formatDuration(report.schedule.scheduled_ms)}
            note={report.schedule.share_of_scheduled === null ? undefined : `${formatRate(report.schedule.share_of_scheduled)} of it active`}
            testId="report-scheduled"
          />
        )}
        <Figure label="Gold accuracy" value={formatRate(q.gold_accuracy)} note={`${q.gold_passed}/${q.gold_scored} passed`} testId="report-gold" />
        <Figure label="Review pass rate" value={formatRate(q.pass_rate)} note={`${q.accept} accepted of ${q.accept + q.fix + q.reject}`} testId="report-pass-rate" />
      </div>

      <h2>Work</h2>
      {report.work.length === 0 ? (
        <p className="muted">Nothing submitted and no tracked time this day.</p>
      ) : (
        <table className="grid" data-testid="report-work">
          <thead>
            <tr>
              <th scope="col">Project</th>
              <th scope="col">Stage</th>
              <th scope="col" className="num">Items</th>
              <th scope="col" className="num">Active time</th>
            </tr>
          </thead>
          <tbody>
            {report.work.map((w) => (
              <tr key={`${w.project_id}-${w.stage}`}>
                <td>{w.project}</td>
                <td>{w.stage}</td>
                <td className="num">{w.items}</td>
                <td className="num">{formatDuration(w.active_ms)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <HourChart hours={itemsPerHour(report)} />

      <h2>Time</h2>
      <table className="grid" data-testid="report-time">
        <tbody>
          <tr>
            <th scope="row">Active</th>
            <td className="num">{formatDuration(t.active_ms)}</td>
            <th scope="row">Idle</th>
            <td className="num">{formatDuration(t.idle_ms)}</td>
            <th scope="row">Hidden tab</th>
            <td className="num">{formatDuration(t.hidden_ms)}</td>
          </tr>
        </tbody>
      </table>
      {t.sessions.length > 0 && (
        <table className="grid" data-testid="report-sessions">
          <caption className="muted small">Sessions (active time joined across short gaps) and the breaks between them</caption>
          <thead>
            <tr>
              <th scope="col">From</th>
              <th scope="col">To</th>
              <th scope="col" className="num">Active</th>
              <th scope="col" className="num">Break after</th>
            </tr>
          </thead>
          <tbody>
            {t.sessions.map((s, i) => (
              <tr key={s.start}>
                <td>{clockTime(s.start, tz)}</td>
                <td>{clockTime(s.end, tz)}</td>
                <td className="num">{formatDuration(s.active_ms)}</td>
                <td className="num">{t.breaks[i] ? formatDuration(t.breaks[i]!.duration_ms) : '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>Schedule</h2>
      <ShowSchedule schedule={report.schedule ?? null} partial={report.partial} />

      <h2>Throughput against target</h2>
      {report.throughput.length === 0 ? (
        <p className="muted">No targets apply this day.</p>
      ) : (
        <table className="grid" data-testid="report-targets">
          <thead>
            <tr>
              <th scope="col">Project</th>
              <th scope="col">Target</th>
              <th scope="col" className="num">Goal</th>
              <th scope="col" className="num">Actual</th>
              <th scope="col">Met</th>
            </tr>
          </thead>
          <tbody>
            {report.throughput.map((g) => (
              <tr key={`${g.project_id}-${g.metric}-${g.stage ?? ''}`}>
                <td>{g.project}</td>
                <td>
                  {METRIC_LABELS[g.metric] ?? g.metric}
                  {g.stage ? ` (${g.stage})` : ''}
                </td>
                <td className="num">{formatMetricValue(g.metric, g.target)}</td>
                <td className="num">{formatMetricValue(g.metric, g.actual)}</td>
                <td className={g.met === null ? 'muted' : g.met ? 'met-yes' : 'met-no'}>{g.met === null ? 'not yet' : g.met ? 'yes' : 'no'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>Quality</h2>
      <table className="grid" data-testid="report-quality">
        <thead>
          <tr>
            <th scope="col" className="num">Gold scored</th>
            <th scope="col" className="num">Gold accuracy</th>
            <th scope="col" className="num">Accepted</th>
            <th scope="col" className="num">Fixed</th>
            <th scope="col" className="num">Rejected</th>
            <th scope="col" className="num">Pass rate</th>
            <th scope="col" className="num">Reviews given</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <td className="num">{q.gold_scored}</td>
            <td className="num">{formatRate(q.gold_accuracy)}</td>
            <td className="num" data-testid="report-accept">{q.accept}</td>
            <td className="num" data-testid="report-fix">{q.fix}</td>
            <td className="num" data-testid="report-reject">{q.reject}</td>
            <td className="num">{formatRate(q.pass_rate)}</td>
            <td className="num">{q.reviews_given}</td>
          </tr>
        </tbody>
      </table>
      {q.top_error_codes.length > 0 && (
        <table className="grid" data-testid="report-error-codes">
          <caption className="muted small">Most frequent error codes in the verdicts on this day's work</caption>
          <thead>
            <tr>
              <th scope="col">Error code</th>
              <th scope="col" className="num">Count</th>
            </tr>
          </thead>
          <tbody>
            {q.top_error_codes.map((e) => (
              <tr key={e.code}>
                <td>
                  <code>{e.code}</code>
                </td>
                <td className="num">{e.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>Questions raised</h2>
      {report.questions.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <table className="grid" data-testid="report-questions">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Project</th>
              <th scope="col">Category</th>
              <th scope="col">Priority</th>
              <th scope="col">State</th>
              <th scope="col">Raised</th>
            </tr>
          </thead>
          <tbody>
            {report.questions.map((x) => (
              <tr key={x.id}>
                <td>{x.id}</td>
                <td>{x.project}</td>
                <td>{x.category ?? '–'}</td>
                <td>{x.priority ?? '–'}</td>
                <td>
                  {x.status}
                  {x.breached && <span className="flag"> SLA breached</span>}
                </td>
                <td>{clockTime(x.created_at, tz)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>Guidelines</h2>
      {report.guidelines_acknowledged.length === 0 && report.guidelines_pending.length === 0 ? (
        <p className="muted">Nothing acknowledged this day and nothing pending.</p>
      ) : (
        <ul data-testid="report-guidelines">
          {report.guidelines_acknowledged.map((a) => (
            <li key={`a${a.project_id}-${a.version}`}>
              {a.project}: version {a.version} acknowledged at {clockTime(a.acked_at, tz)}
            </li>
          ))}
          {report.guidelines_pending.map((g) => (
            <li key={`p${g.project_id}`} className="met-no">
              {g.project}: version {g.version} still to acknowledge
              {g.since ? ` (last acknowledged: ${g.since})` : ''}
            </li>
          ))}
        </ul>
      )}
    </article>
  );
}

/** The person's scheduled hours that day against their active time, inside and outside them. */
function ShowSchedule({ schedule: s, partial }: { schedule: ScheduleSection | null; partial: boolean }) {
  if (!s) return <p className="muted">This report was stored before reports compared work with schedules.</p>;
  if (!s.has_schedule)
    return (
      <p className="muted" data-testid="report-no-schedule">
        No schedule on record: set one on the People page to compare the time worked with it.
      </p>
    );
  const shifts = s.shifts.map((x) => x.local.replace('-', '–')).join(', ') || (s.time_off ? 'time off' : 'no shift');
  return (
    <>
      <table className="grid" data-testid="report-schedule">
        <tbody>
          <tr>
            <th scope="row">Shifts (local time)</th>
            <td data-testid="report-shifts">
              {shifts}
              {s.week !== null && <span className="muted small"> · rotation week {s.week + 1}</span>}
            </td>
          </tr>
          <tr>
            <th scope="row">Scheduled</th>
            <td className="num" data-testid="report-scheduled-ms">
              {formatDuration(s.scheduled_ms)}
              {s.scheduled_so_far_ms !== s.scheduled_ms && <span className="muted small"> ({formatDuration(s.scheduled_so_far_ms)} so far)</span>}
            </td>
          </tr>
          <tr>
            <th scope="row">Active inside the shifts{partial ? ' (projects shown)' : ''}</th>
            <td className="num" data-testid="report-in-schedule">
              {formatDuration(s.active_in_schedule_ms)}
            </td>
          </tr>
          <tr>
            <th scope="row">Active outside the shifts{partial ? ' (projects shown)' : ''}</th>
            <td className="num" data-testid="report-outside-schedule">
              {formatDuration(s.active_outside_schedule_ms)}
            </td>
          </tr>
          <tr>
            <th scope="row">Active time ÷ scheduled time{s.scheduled_so_far_ms !== s.scheduled_ms ? ' so far' : ''}</th>
            <td className="num" data-testid="report-share">
              {formatRate(s.share_of_scheduled)}
            </td>
          </tr>
        </tbody>
      </table>
      {s.by_project.length > 1 && (
        <table className="grid" data-testid="report-schedule-projects">
          <caption className="muted small">Active time by project</caption>
          <thead>
            <tr>
              <th scope="col">Project</th>
              <th scope="col" className="num">Inside the shifts</th>
              <th scope="col" className="num">Outside</th>
            </tr>
          </thead>
          <tbody>
            {s.by_project.map((r) => (
              <tr key={r.project_id}>
                <td>{r.project}</td>
                <td className="num">{formatDuration(r.active_in_schedule_ms)}</td>
                <td className="num">{formatDuration(r.active_outside_schedule_ms)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function Figure({ label, value, note, testId }: { label: string; value: string; note?: string; testId: string }) {
  return (
    <div className="card report-figure">
      <div className="muted small">{label}</div>
      <div className="report-figure-value" data-testid={testId}>
        {value}
      </div>
      {note && <div className="muted small">{note}</div>}
    </div>
  );
}

function HourChart({ hours }: { hours: number[] }) {
  const peak = Math.max(...hours);
  const label = useMemo(
    () =>
      hours
        .map((n, h) => (n ? `${String(h).padStart(2, '0')}:00 ${n}` : ''))
        .filter(Boolean)
        .join(', '),
    [hours],
  );
  if (peak === 0) return null;
  return (
    <figure className="hour-chart" data-testid="report-hours">
      <figcaption className="muted small">Items per hour (local time)</figcaption>
      <div className="hour-bars" role="img" aria-label={`Items per hour: ${label}`}>
        {hours.map((n, h) => (
          <div key={h} className="hour-bar" title={`${String(h).padStart(2, '0')}:00 – ${n} items`}>
            <span className="hour-fill" style={{ height: `${(n / peak) * 100}%` }} />
            <span className="hour-label">{h % 3 === 0 ? String(h).padStart(2, '0') : ''}</span>
          </div>
        ))}
      </div>
    </figure>
  );
}
