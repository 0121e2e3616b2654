// The questions report of a project: response and resolution times by category, SLA attainment
// and counts by status, for a date range; also as a CSV download.
import { useState } from 'react';
import { CATEGORIES, questionsApi, type ReportPart } from '../../api/questions';
import type { Project } from '../../api/types';
import { ShowError } from '../common/ShowError';
import { useLoad } from '../common/useLoad';
import { formatDuration } from './sla';

const DAY = 86_400_000;
const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);

export function ShowQuestionReport({ project }: { project: Project }) {
  const [from, setFrom] = useState(() => isoDay(Date.now() - 29 * DAY));
  const [to, setTo] = useState(() => isoDay(Date.now()));
  // Whole UTC days: from the start of `from` to the end of `to`.
  const start = `${from}T00:00:00Z`;
  const end = new Date(Date.parse(`${to}T00:00:00Z`) + DAY).toISOString();
  const report = useLoad(() => questionsApi.report(project.id, start, end), [project.id, start, end]);
  const data = report.data;
  const rows: [string, ReportPart][] = data ? [...CATEGORIES.map((c) => [c.label, data.by_category[c.value]] as [string, ReportPart]), ['All', data.total]] : [];
  const pct = (v: number | null) => (v === null ? '—' : `${v}%`);
  return (
    <section className="card" aria-label="Questions report">
      <div className="row filters">
        <label>
          From <input type="date" value={from} max={to} onChange={(e) => e.target.value && setFrom(e.target.value)} data-testid="report-from" />
        </label>
        <label>
          To <input type="date" value={to} min={from} onChange={(e) => e.target.value && setTo(e.target.value)} data-testid="report-to" />
        </label>
        <span className="grow" />
        <a href={questionsApi.reportCsvUrl(project.id, start, end)} download data-testid="report-csv">
          Download CSV
        </a>
      </div>
      <ShowError error={report.error} />
      {data && (
        <table className="grid" data-testid="questions-report">
          <thead>
            <tr>
              <th>Category</th>
              <th className="num">Asked</th>
              <th className="num">Open</th>
              <th className="num">Answered</th>
              <th className="num">Escalated</th>
              <th className="num">Resolved</th>
              <th className="num">First answer (median / p90)</th>
              <th className="num">Resolution (median / p90)</th>
              <th className="num">First answer in SLA</th>
              <th className="num">Resolved in SLA</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(([name, r]) => (
              <tr key={name} data-testid="report-row">
                <th scope="row">{name}</th>
                <td className="num">{r.count}</td>
                <td className="num">{r.by_status.open}</td>
                <td className="num">{r.by_status.answered}</td>
                <td className="num">{r.by_status.escalated}</td>
                <td className="num">{r.by_status.resolved}</td>
                <td className="num">
                  {formatDuration(r.response_median_s)} / {formatDuration(r.response_p90_s)}
                </td>
                <td className="num">
                  {formatDuration(r.resolution_median_s)} / {formatDuration(r.resolution_p90_s)}
                </td>
                <td className="num">{pct(r.response_sla_pct)}</td>
                <td className="num">{pct(r.resolution_sla_pct)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="muted small">Times are wall-clock from asking; SLA attainment counts the questions whose deadline has come or whose clock has stopped.</p>
    </section>
  );
}
