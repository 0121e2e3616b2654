// Daily status reports and the team roll-up: endpoint functions, their types (written by hand
// until the generated client includes them) and the small formatting rules the screens share.
import { API_PREFIX, api, buildUrl } from './client';
import type { Id } from './types';

export type ReportFormat = 'json' | 'csv' | 'pdf';
export type ReportSource = 'live' | 'stored';

export interface ReportPerson {
  id: Id;
  username: string;
  display_name: string;
}

export interface WorkRow {
  project_id: Id;
  project: string;
  stage: string;
  items: number;
  active_ms: number;
}

export interface ReportSession {
  start: string;
  end: string;
  active_ms: number;
}

export interface ReportBreak {
  start: string;
  end: string;
  duration_ms: number;
}

export interface TimeSection {
  active_ms: number;
  /** null in a partial report (idle and hidden time cover every project). */
  idle_ms: number | null;
  hidden_ms: number | null;
  sessions: ReportSession[];
  breaks: ReportBreak[];
}

export interface TargetRow {
  metric: 'items_per_day' | 'items_per_hour' | 'gold_accuracy' | 'review_pass_rate' | string;
  project_id: Id;
  project: string;
  stage: string | null;
  target: number;
  actual: number | null;
  met: boolean | null;
}

export interface QualityRow {
  project_id: Id;
  project: string;
  gold_scored: number;
  gold_passed: number;
  accept: number;
  fix: number;
  reject: number;
  reviews_given: number;
  error_codes: Record<string, number>;
}

export interface QualitySection {
  gold_scored: number;
  gold_passed: number;
  gold_accuracy: number | null;
  accept: number;
  fix: number;
  reject: number;
  pass_rate: number | null;
  reviews_given: number;
  top_error_codes: { code: string; count: number }[];
  by_project: QualityRow[];
}

export interface QuestionRow {
  id: Id;
  project_id: Id;
  project: string;
  item_id: Id | null;
  category: string | null;
  priority: string | null;
  status: string;
  created_at: string;
  first_response_at: string | null;
  resolved_at: string | null;
  breached: boolean;
}

export interface ShiftRow {
  start: string;
  end: string;
  /** "14:00-18:00" in the person's time zone. */
  local: string;
}

export interface ScheduleSection {
  has_schedule: boolean;
  /** The rotation week of the day (0 = the week holding rotation_start); null without a rotation. */
  week: number | null;
  time_off: boolean;
  shifts: ShiftRow[];
  scheduled_ms: number;
  /** Scheduled time up to when the report was computed. */
  scheduled_so_far_ms: number;
  /** null without a schedule. */
  active_in_schedule_ms: number | null;
  active_outside_schedule_ms: number | null;
  share_of_scheduled: number | null;
  by_project: { project_id: Id; project: string; active_in_schedule_ms: number; active_outside_schedule_ms: number }[];
}

export interface ReportFlag {
  code: 'no_shift_scheduled' | 'under_scheduled_time' | 'outside_schedule' | string;
  message: string;
}

export interface DailyReport {
  person: ReportPerson;
  day: string;
  tz: string;
  start: string;
  end: string;
  generated_at: string;
  partial: boolean;
  items: number;
  work: WorkRow[];
  time: TimeSection;
  throughput: TargetRow[];
  quality: QualitySection;
  questions: QuestionRow[];
  guidelines_acknowledged: { project_id: Id; project: string; version: number; acked_at: string }[];
  guidelines_pending: { project_id: Id; project: string; version: number; since: number | null }[];
  hourly: { project_id: Id; hour: number; items: number }[];
  /** Absent (or null) in reports stored before reports read schedules. */
  schedule?: ScheduleSection | null;
  flags?: ReportFlag[];
}

export interface SnapshotEntry {
  id: Id;
  day: string;
  tz: string;
  generated_at: string;
  items: number;
  active_ms: number;
  partial: boolean;
}

export interface TeamRow {
  person: ReportPerson;
  tz: string;
  items: number;
  active_ms: number;
  items_per_hour: number | null;
  gold_scored: number;
  gold_passed: number;
  gold_accuracy: number | null;
  accept: number;
  fix: number;
  reject: number;
  pass_rate: number | null;
  reviews_given: number;
  questions_raised: number;
  questions_open: number;
  targets_met: number;
  targets_total: number;
  /** null: no schedule on record. */
  scheduled_ms: number | null;
  active_in_schedule_ms: number | null;
  active_outside_schedule_ms: number | null;
  flags: string[];
}

export interface TeamReport {
  project_id: Id;
  project: string;
  day: string;
  generated_at: string;
  rows: TeamRow[];
  totals: TeamRow;
}

interface DailyQuery {
  user?: string | number | null;
  date: string;
  source?: ReportSource;
}

export const reports = {
  daily: (q: DailyQuery) => api.get<DailyReport>('/reports/daily', { query: { ...q } }),
  history: (user?: string | number | null) => api.get<SnapshotEntry[]>('/reports/daily/history', { query: { user } }),
  team: (pid: Id, date: string) => api.get<TeamReport>(`/projects/${pid}/reports/team`, { query: { date } }),
};

/** A download link of a report in CSV or PDF (the session cookie authorizes it). */
export function dailyReportUrl(q: DailyQuery, format: Exclude<ReportFormat, 'json'>): string {
  return buildUrl(API_PREFIX, '/reports/daily', { ...q, format });
}

export function teamReportUrl(pid: Id, date: string, format: Exclude<ReportFormat, 'json'>): string {
  return buildUrl(API_PREFIX, `/projects/${pid}/reports/team`, { date, format });
}

/** Today's date in the browser's time zone, as YYYY-MM-DD. */
export function todayIso(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** Milliseconds as "1 h 05 min" or "12 min" (whole minutes, rounded); "–" when unknown. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  const minutes = Math.round(ms / 60000);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** A rate in [0, 1] as a percentage with one decimal; "–" when there is nothing to rate. */
export function formatRate(x: number | null | undefined): string {
  return x === null || x === undefined ? '–' : `${(x * 100).toFixed(1)}%`;
}

/** A target or actual value: rates as percentages, counts as numbers with at most one decimal. */
export function formatMetricValue(metric: string, value: number | null): string {
  if (value === null) return '–';
  if (metric === 'gold_accuracy' || metric === 'review_pass_rate') return formatRate(value);
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/** Local clock time (HH:MM) of an instant in an IANA time zone; falls back to UTC. */
export function clockTime(iso: string, tz: string): string {
  const at = new Date(iso);
  const opts: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
  try {
    return at.toLocaleTimeString('en-GB', { ...opts, timeZone: tz });
  } catch {
    return at.toLocaleTimeString('en-GB', { ...opts, timeZone: 'UTC' });
  }
}

/** Items per local hour (24 numbers) from the report's per-project rows. */
export function itemsPerHour(report: Pick<DailyReport, 'hourly'>): number[] {
  const hours = new Array<number>(24).fill(0);
  for (const row of report.hourly) if (row.hour >= 0 && row.hour < 24) hours[row.hour]! += row.items;
  return hours;
}
