// Workforce: teams, skills and languages, time zones, schedules, project requirements; and the
// pure helpers the People screens use to edit weekly hours (text <-> intervals).
import { api } from './client';
import type { Id, User } from './types';

export interface TeamMember {
  user: User;
  role: TeamRole;
}
export type TeamRole = 'member' | 'lead';
export interface Team {
  id: Id;
  name: string;
  description: string;
  created_at: string;
  members: TeamMember[];
}
export interface Skill {
  tag: string;
  level: number | null;
}
/** weekday ("0" = Monday .. "6") -> [["HH:MM", "HH:MM"], ...] in the person's local time */
export type WeekHours = Record<string, [string, string][]>;
export interface Schedule {
  weeks: WeekHours[];
  rotation_start: string | null;
  time_off: string[];
  updated_at: string;
  current_week: number;
}
export interface ScheduleIn {
  weeks: WeekHours[];
  rotation_start: string | null;
  time_off: string[];
}
export interface Person {
  user: User;
  timezone: string;
  skills: Skill[];
  languages: string[];
  teams: { id: Id; name: string; role: TeamRole }[];
  schedule: Schedule | null;
}
export interface AvailabilityDay {
  date: string;
  week: number;
  off: boolean;
  hours: [string, string][];
  start: string;
  end: string;
  working_minutes: number;
}
export interface Availability {
  timezone: string;
  has_schedule: boolean;
  days: AvailabilityDay[];
}
export interface SkillRequirement {
  tag: string;
  min_level: number | null;
}
/** "*" (every stage), "annotate" or "review" */
export type RequirementStage = '*' | 'annotate' | 'review';
export interface Requirements {
  skills: Partial<Record<RequirementStage, SkillRequirement[]>>;
  language_field: string | null;
  /** Leads only: per stage with requirements, the members who meet them. */
  eligible?: Record<string, string[]> | null;
}
export interface PeopleFilter {
  team?: string;
  skill?: string;
  min_level?: number | null;
  project?: Id | string;
}

const person = (ref: Id | string) => `/people/${encodeURIComponent(String(ref))}`;

export const workforce = {
  teams: () => api.get<Team[]>('/teams'),
  createTeam: (name: string, description = '') => api.post<Team>('/teams', { name, description }),
  updateTeam: (id: Id, body: { name?: string; description?: string }) => api.patch<Team>(`/teams/${id}`, body),
  deleteTeam: (id: Id) => api.del<void>(`/teams/${id}`),
  setTeamMember: (team: Id, user: Id | string, role: TeamRole) =>
    api.put<TeamMember>(`/teams/${team}/members/${encodeURIComponent(String(user))}`, { role }),
  removeTeamMember: (team: Id, user: Id | string) => api.del<void>(`/teams/${team}/members/${encodeURIComponent(String(user))}`),

  people: (filter: PeopleFilter = {}) =>
    api.get<Person[]>('/people', { query: { team: filter.team, skill: filter.skill, min_level: filter.min_level ?? undefined, project: filter.project } }),
  person: (ref: Id | string) => api.get<Person>(person(ref)),
  setSkill: (ref: Id | string, tag: string, level: number | null) =>
    api.put<Skill>(`${person(ref)}/skills/${encodeURIComponent(tag)}`, { level }),
  removeSkill: (ref: Id | string, tag: string) => api.del<void>(`${person(ref)}/skills/${encodeURIComponent(tag)}`),
  setTimezone: (ref: Id | string, timezone: string) => api.put<{ timezone: string }>(`${person(ref)}/timezone`, { timezone }),
  schedule: (ref: Id | string) => api.get<Schedule>(`${person(ref)}/schedule`),
  setSchedule: (ref: Id | string, body: ScheduleIn) => api.put<Schedule>(`${person(ref)}/schedule`, body),
  deleteSchedule: (ref: Id | string) => api.del<void>(`${person(ref)}/schedule`),
  availability: (ref: Id | string, start?: string, days = 14) =>
    api.get<Availability>(`${person(ref)}/availability`, { query: { start, days } }),

  requirements: (project: Id) => api.get<Requirements>(`/projects/${project}/requirements`),
  setRequirements: (project: Id, body: { skills: Requirements['skills']; language_field: string | null }) =>
    api.put<Requirements>(`/projects/${project}/requirements`, body),
};

// ---- pure helpers ------------------------------------------------------------------------------

export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
const TAG_RE = /^[a-z0-9_-]+:[a-z0-9_.-]+$/;
const HHMM_RE = /^([01]?\d|2[0-3]):([0-5]\d)$|^24:00$/;

/** Whether `tag` is a valid skill tag (`prefix:value`, lowercase), as the server checks it. */
export function isSkillTag(tag: string): boolean {
  return tag.length <= 100 && TAG_RE.test(tag);
}

/** `lang:hi` -> `hi`; other tags -> null. */
export function languageOf(tag: string): string | null {
  return tag.startsWith('lang:') ? tag.slice(5) : null;
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

function pad(hhmm: string): string {
  const [h, m] = hhmm.split(':');
  return `${h!.padStart(2, '0')}:${m}`;
}

/**
 * One day's hours typed as text, "09:00-13:00, 14:00-18:00" (empty: no work), to intervals.
 * Throws an Error naming the part that is wrong.
 */
export function parseIntervals(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const raw of text.split(/[,;]/)) {
    const part = raw.trim();
    if (!part) continue;
    const m = /^(\S+)\s*[-–]\s*(\S+)$/.exec(part);
    if (!m || !HHMM_RE.test(m[1]!) || !HHMM_RE.test(m[2]!) || m[1] === '24:00') {
      throw new Error(`"${part}" is not a time range like 09:00-17:00`);
    }
    const [start, end] = [pad(m[1]!), pad(m[2]!)];
    if (minutes(end) <= minutes(start)) throw new Error(`"${part}" must end after it starts (use 24:00 for midnight)`);
    out.push([start, end]);
  }
  return out.sort((a, b) => minutes(a[0]) - minutes(b[0]));
}

export function formatIntervals(intervals: readonly (readonly [string, string])[] | undefined): string {
  return (intervals ?? []).map(([a, b]) => `${a}-${b}`).join(', ');
}

/** A week typed as seven texts (Monday first) to the API's shape; days without hours are left out. */
export function weekFromTexts(texts: readonly string[]): WeekHours {
  const week: WeekHours = {};
  texts.forEach((text, day) => {
    const intervals = parseIntervals(text);
    if (intervals.length) week[String(day)] = intervals;
  });
  return week;
}

export function textsFromWeek(week: WeekHours | undefined): string[] {
  return WEEKDAYS.map((_, day) => formatIntervals(week?.[String(day)]));
}

/** Working minutes of a week, e.g. to show "40 h" beside a pattern. */
export function weekMinutes(week: WeekHours): number {
  let total = 0;
  for (const intervals of Object.values(week)) for (const [a, b] of intervals) total += minutes(b) - minutes(a);
  return total;
}

/** A short summary: "Mon–Fri 09:00-17:00", "2-week rotation", "no schedule". */
export function describeSchedule(schedule: Schedule | null): string {
  if (!schedule) return 'no schedule';
  if (schedule.weeks.length > 1) return `${schedule.weeks.length}-week rotation (now week ${schedule.current_week + 1})`;
  const week = schedule.weeks[0] ?? {};
  const days = Object.keys(week).map(Number).sort((a, b) => a - b);
  if (!days.length) return 'no working hours';
  const texts = days.map((d) => formatIntervals(week[String(d)]));
  const same = texts.every((t) => t === texts[0]);
  const contiguous = days.every((d, i) => i === 0 || d === days[i - 1]! + 1);
  if (same && contiguous && days.length > 1) return `${WEEKDAYS[days[0]!]}–${WEEKDAYS[days[days.length - 1]!]} ${texts[0]}`;
  return `${Math.round(weekMinutes(week) / 60)} h a week`;
}
