// Lead console tab: the team roll-up of daily status reports for one project and day, each
// person's scheduled time set against their active time on the project.
import { useState } from 'react';
import { formatDuration, formatRate, reports, teamReportUrl, todayIso, type TeamRow } from '../../api/reports';
import type { Project } from '../../api/types';
import { ShowError } from '../common/ShowError';
import { useLoad } from '../common/useLoad';

export function ShowTeamReport({ project }: { project: Project }) {
  const [day, setDay] = useState(() => todayIso());
  const team = useLoad(() => reports.team(project.id, day), [project.id, day]);
  return (
    <div className="team-report-tab" data-testid="team-report-tab">
      <div className="row">
        <label>
          Day{' '}
          <input type="date" value={day} max={todayIso()} onChange={(e) => e.target.value && setDay(e.target.value)} data-testid="team-report-date" />
        </label>
        <button type="button" onClick={team.reload}>
          Refresh
        </button>
        <span className="grow" />
        <a className="button" href={teamReportUrl(project.id, day, 'csv')} download data-testid="team-report-csv">
          Download CSV
        </a>
        <a className="button" href={teamReportUrl(project.id, day, 'pdf')} download data-testid="team-report-pdf">
          Download PDF
        </a>
      </div>
      <ShowError error={team.error} />
      {team.loading && !team.data && <p className="muted">Loading…</p>}
      {team.data && team.data.rows.length === 0 && <p className="muted">Nobody worked on this project on {team.data.day}, and nobody was scheduled to.</p>}
      {team.data && team.data.rows.length > 0 && (
        <table className="grid" data-testid="team-report-table">
          <caption className="muted small" style={{ textAlign: 'left' }}>
            {team.data.day}, each person's local day: this project's work only, set against each person's whole schedule (which may cover other projects).
            Annotators and reviewers scheduled that day are listed even when they did nothing here. Open a person's full report under Reports.
          </caption>
          <thead>
            <tr>
              <th scope="col">Person</th>
              <th scope="col" className="num">Items</th>
              <th scope="col" className="num">Active</th>
              <th scope="col" className="num">Items/h</th>
              <th scope="col" className="num">Gold</th>
              <th scope="col" className="num">Pass rate</th>
              <th scope="col" className="num">Accepted / fixed / rejected</th>
              <th scope="col" className="num">Reviews given</th>
              <th scope="col" className="num">Questions</th>
              <th scope="col" className="num">Targets met</th>
              <th scope="col" className="num">Scheduled</th>
              <th scope="col" className="num">Active in / outside schedule</th>
              <th scope="col">Flags</th>
            </tr>
          </thead>
          <tbody>
            {team.data.rows.map((r) => (
              <TeamReportRow key={r.person.id} row={r} testId={`team-report-row-${r.person.username}`} />
            ))}
          </tbody>
          <tfoot>
            <TeamReportRow row={team.data.totals} testId="team-report-total" total />
          </tfoot>
        </table>
      )}
    </div>
  );
}

const FLAG_LABELS: Record<string, string> = {
  under_scheduled_time: 'under schedule',
  outside_schedule: 'outside hours',
  no_shift_scheduled: 'no shift',
};

function TeamReportRow({ row, testId, total = false }: { row: TeamRow; testId: string; total?: boolean }) {
  return (
    <tr data-testid={testId} className={total ? 'total' : undefined}>
      <th scope="row">
        {total ? (
          <>Total ({row.person.display_name})</>
        ) : (
          <>
            {row.person.display_name || row.person.username} <span className="muted small">{row.person.username}</span>
          </>
        )}
      </th>
      <td className="num" data-testid="team-report-items">
        {row.items}
      </td>
      <td className="num">{formatDuration(row.active_ms)}</td>
      <td className="num">{row.items_per_hour === null ? '–' : row.items_per_hour.toFixed(1)}</td>
      <td className="num" title={`${row.gold_passed} of ${row.gold_scored} gold items passed`}>
        {formatRate(row.gold_accuracy)}
      </td>
      <td className="num">{formatRate(row.pass_rate)}</td>
      <td className="num">
        {row.accept} / {row.fix} / {row.reject}
      </td>
      <td className="num" data-testid="team-report-reviews">
        {row.reviews_given}
      </td>
      <td className="num">
        {row.questions_raised}
        {row.questions_open > 0 && <span className="muted small"> ({row.questions_open} open)</span>}
      </td>
      <td className="num">{row.targets_total ? `${row.targets_met}/${row.targets_total}` : '–'}</td>
      <td className="num" data-testid="team-report-scheduled" title={row.scheduled_ms === null ? 'No schedule on record' : undefined}>
        {row.scheduled_ms === null ? '–' : formatDuration(row.scheduled_ms)}
      </td>
      <td className="num" data-testid="team-report-in-out">
        {row.scheduled_ms === null ? '–' : `${formatDuration(row.active_in_schedule_ms)} / ${formatDuration(row.active_outside_schedule_ms)}`}
      </td>
      <td data-testid="team-report-flags">
        {row.flags.map((f) => (
          <span key={f} className="tag strong" title={f}>
            {FLAG_LABELS[f] ?? f}
          </span>
        ))}
      </td>
    </tr>
  );
}
