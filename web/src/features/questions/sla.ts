// SLA display rules and the calendar form's text format, free of React (tested in sla.test.ts).
import type { Calendar, Question } from '../../api/questions';

export type Urgency = 'breached' | 'warning' | 'running' | 'stopped';

/** Seconds until the running clock's deadline as of `now` (negative once missed). */
export function secondsLeft(q: Pick<Question, 'due_at'>, now: number): number | null {
  return q.due_at ? (Date.parse(q.due_at) - now) / 1000 : null;
}

export function urgencyOf(q: Pick<Question, 'due_at' | 'warning' | 'breached' | 'clock'>, now: number): Urgency {
  const left = secondsLeft(q, now);
  if (left === null || q.clock === null) return q.breached ? 'breached' : 'stopped';
  if (left <= 0 || q.breached) return 'breached';
  return q.warning ? 'warning' : 'running';
}

/** "2 h 05 min", "45 min", "3 d 4 h" for a number of seconds (the sign is ignored). */
export function formatSpan(seconds: number): string {
  const s = Math.abs(Math.round(seconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  return `${Math.max(m, s > 0 ? 1 : 0)} min`;
}

/** The badge text of a question's running SLA clock. */
export function timeLeftText(q: Pick<Question, 'due_at' | 'clock' | 'breached'>, now: number): string {
  const left = secondsLeft(q, now);
  if (left === null || q.clock === null) return q.breached ? 'SLA missed' : 'done';
  const what = q.clock === 'response' ? 'answer' : 'resolve';
  return left <= 0 ? `${what} overdue ${formatSpan(left)}` : `${what} in ${formatSpan(left)}`;
}

/** The most urgent first: missed deadlines, then the nearest deadline; stopped clocks last. */
export function byUrgency<T extends Pick<Question, 'due_at' | 'clock' | 'created_at'>>(list: T[]): T[] {
  const key = (q: T) => (q.clock && q.due_at ? Date.parse(q.due_at) : Number.POSITIVE_INFINITY);
  return [...list].sort((a, b) => key(a) - key(b) || Date.parse(a.created_at) - Date.parse(b.created_at));
}

export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** One weekday's intervals as the form shows them: "09:00-12:00, 13:00-17:00". */
export function hoursToText(intervals: [string, string][] | undefined): string {
  return (intervals ?? []).map(([a, b]) => `${a}-${b}`).join(', ');
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Parses the form's text back; throws an Error naming the weekday and the bad part. */
export function textToHours(day: string, text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [a, b, extra] = part.split('-').map((x) => x.trim());
    if (extra !== undefined || !a || !b || !TIME.test(a) || !(TIME.test(b) || b === '24:00'))
      throw new Error(`${day}: "${part}" is not an interval like 09:00-17:00`);
    if (b !== '24:00' && b <= a) throw new Error(`${day}: ${part} ends before it starts`);
    out.push([a, b]);
  }
  return out;
}

/** The calendar's holidays as the form shows them (one per line) and back. */
export function parseHolidays(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/[\n,]/).map((l) => l.trim()).filter(Boolean)) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(line) || Number.isNaN(Date.parse(line))) throw new Error(`holiday "${line}" is not a date like 2026-12-25`);
    out.push(line);
  }
  return out;
}

export function calendarFromForm(tz: string, days: string[], holidays: string): Calendar {
  const hours: Calendar['hours'] = {};
  days.forEach((text, i) => {
    const parsed = textToHours(WEEKDAYS[i]!, text);
    if (parsed.length) hours[String(i)] = parsed;
  });
  if (!Object.keys(hours).length) throw new Error('at least one working interval is needed');
  return { tz: tz.trim() || 'UTC', hours, holidays: parseHolidays(holidays) };
}

/** Seconds as the report shows them: "—", "35 min", "4.5 h", "2.1 d". */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86400 * 2) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} d`;
}
