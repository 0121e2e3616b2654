// Time accounting and targets: my progress today, targets, activity settings, the team table.
// Also the small pure helpers the screens share (formatting, chart scales).
import { api, API_PREFIX } from './client';
import type { Id } from './types';

export type Metric = 'items_per_day' | 'items_per_hour' | 'gold_accuracy' | 'review_pass_rate';
export type TargetStage = 'annotate' | 'review';

export const METRICS: readonly Metric[] = ['items_per_day', 'items_per_hour', 'gold_accuracy', 'review_pass_rate'];
export const METRIC_LABELS: Record<Metric, string> = {
  items_per_day: 'Items per day',
  items_per_hour: 'Items per hour',
  gold_accuracy: 'Gold accuracy',
  review_pass_rate: 'Review pass rate',
};
export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

export interface TargetProgress {
  metric: Metric;
  project_id: Id;
  stage: string | null;
  target: number;
  actual: number | null;
  met: boolean | null;
}

export interface Progress {
  date: string;
  project_id: Id;
  items: number;
  active_ms: number;
  items_per_hour: number | null;
  targets: TargetProgress[];
  /** The project's idle window in seconds: no input this long stops the active-time clock. */
  idle_after_s: number;
}

export interface Target {
  id: Id;
  project_id: Id;
  metric: Metric;
  value: number;
  user_id: Id | null;
  role: string | null;
  stage: string | null;
  weekday: number | null;
  created_at: string;
  updated_at: string;
}

export interface TargetCreate {
  metric: Metric;
  value: number;
  user_id?: Id | null;
  role?: string | null;
  stage?: TargetStage | null;
  weekday?: number | null;
}

export interface ActivitySettings {
  max_gap_s: number;
  idle_after_s: number;
  session_gap_s: number;
  too_fast_ratio: number;
  too_fast_min_s: number;
  long_idle_share: number;
  fix_counts_as_pass: boolean;
  updated_at: string | null;
}

export interface WorkSession {
  start: string;
  end: string;
  active_ms: number;
}

export interface TeamFlag {
  flag: 'too_fast' | 'long_idle';
  stage: string | null;
  median_ms?: number | null;
  project_median_ms?: number | null;
  idle_share?: number | null;
}

export interface TeamStage {
  stage: string;
  items: number;
  active_ms: number;
  avg_ms_per_item: number | null;
  median_ms_per_item: number | null;
}

export interface TeamPerson {
  user: { id: Id; username: string; display_name: string };
  role: string;
  items: number;
  active_ms: number;
  idle_ms: number;
  hidden_ms: number;
  items_per_hour: number | null;
  sessions: WorkSession[];
  stages: TeamStage[];
  gold_accuracy: number | null;
  gold_scored: number;
  review_pass_rate: number | null;
  reviewed: number;
  targets: TargetProgress[];
  targets_met: number;
  targets_judged: number;
  flags: TeamFlag[];
}

export interface TeamHour {
  start: string;
  items: number;
  active_ms: number;
  idle_ms: number;
}

export interface Team {
  date: string;
  start: string;
  end: string;
  people: TeamPerson[];
  stage_medians: Record<string, number | null>;
  hours: TeamHour[];
  settings: ActivitySettings;
}

export const activity = {
  progressToday: (pid: Id) => api.get<Progress>(`/projects/${pid}/progress/today`),
  targets: (pid: Id) => api.get<Target[]>(`/projects/${pid}/targets`),
  createTarget: (pid: Id, body: TargetCreate) => api.post<Target>(`/projects/${pid}/targets`, body),
  updateTarget: (pid: Id, id: Id, body: Partial<TargetCreate>) => api.patch<Target>(`/projects/${pid}/targets/${id}`, body),
  deleteTarget: (pid: Id, id: Id) => api.del<null>(`/projects/${pid}/targets/${id}`),
  settings: (pid: Id) => api.get<ActivitySettings>(`/projects/${pid}/activity-settings`),
  updateSettings: (pid: Id, body: Partial<ActivitySettings>) => api.patch<ActivitySettings>(`/projects/${pid}/activity-settings`, body),
  team: (pid: Id, date: string) => api.get<Team>(`/projects/${pid}/team`, { query: { date } }),
  teamCsvUrl: (pid: Id, date: string) => `${API_PREFIX}/projects/${pid}/team.csv?date=${encodeURIComponent(date)}`,
};

export function isRate(metric: Metric): boolean {
  return metric === 'gold_accuracy' || metric === 'review_pass_rate';
}

/** A metric's value as people read it: rates as percentages, speeds with one decimal. */
export function formatMetric(metric: Metric, value: number | null): string {
  if (value === null) return '–';
  if (isRate(metric)) return `${Math.round(value * 100)}%`;
  if (metric === 'items_per_hour') return value >= 10 ? String(Math.round(value)) : value.toFixed(1);
  return String(Math.round(value));
}

/** The compact toolbar line: "12/200 today · 48/h" (targets where they exist). */
export function progressLine(p: Progress): string {
  const perDay = p.targets.find((t) => t.metric === 'items_per_day' && t.stage === null) ?? p.targets.find((t) => t.metric === 'items_per_day');
  const perHour = p.targets.find((t) => t.metric === 'items_per_hour' && t.stage === null) ?? p.targets.find((t) => t.metric === 'items_per_hour');
  const items = perDay?.stage ? (perDay.actual ?? 0) : p.items;
  const day = perDay ? `${Math.round(items)}/${Math.round(perDay.target)} today` : `${p.items} today`;
  const rate = perHour ? perHour.actual : p.items_per_hour;
  const hour = rate === null ? '' : ` · ${formatMetric('items_per_hour', rate)}/h`;
  return day + hour;
}

/** 'met' when every judged target is met, 'unmet' when one is not, 'none' when none is judged. */
export function progressState(targets: TargetProgress[]): 'met' | 'unmet' | 'none' {
  const judged = targets.filter((t) => t.met !== null);
  if (judged.length === 0) return 'none';
  return judged.every((t) => t.met) ? 'met' : 'unmet';
}

export function formatMinutes(ms: number): string {
  if (ms < 59_500) return `${Math.round(ms / 1000)} s`;
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')}`;
}

export function formatSeconds(ms: number | null): string {
  if (ms === null) return '–';
  return ms >= 10_000 ? `${Math.round(ms / 1000)} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** Who a target is for, in words. */
export function targetScope(t: Pick<Target, 'user_id' | 'role' | 'stage' | 'weekday'>, names: Map<Id, string>): string {
  const who = t.user_id !== null ? (names.get(t.user_id) ?? `user ${t.user_id}`) : t.role !== null ? `every ${t.role}` : 'everyone';
  const stage = t.stage ? `, ${t.stage}` : '';
  const day = t.weekday !== null ? `, ${WEEKDAYS[t.weekday] ?? t.weekday}s` : '';
  return who + stage + day;
}

/** A round top for a chart axis and its ticks (at most five, whole numbers when `integer`). */
export function niceScale(max: number, integer = true): { top: number; ticks: number[] } {
  if (!(max > 0)) return { top: 1, ticks: [0, 1] };
  const rough = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step0 = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? 10 * magnitude;
  const step = integer ? Math.max(1, Math.round(step0)) : step0;
  const top = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let v = 0; v <= top + step / 2; v += step) ticks.push(Number(v.toFixed(6)));
  return { top, ticks };
}

/** Local "YYYY-MM-DD" of a Date (the date picker's value). */
export function isoDay(d: Date): string {
  const mm = String(d.getMonth() + 1).padStart(2, '0');
  const dd = String(d.getDate()).padStart(2, '0');
  return `${d.getFullYear()}-${mm}-${dd}`;
}
