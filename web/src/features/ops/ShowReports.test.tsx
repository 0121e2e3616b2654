import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import type { DailyReport, ScheduleSection } from '../../api/reports';
import { ShowDailyReport } from './ShowReports';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let container: HTMLDivElement;
afterEach(() => container?.remove());

const HOUR = 3_600_000;
const SCHEDULE: ScheduleSection = {
  has_schedule: true,
  week: 1,
  time_off: false,
  shifts: [
    { start: '2026-03-10T08:30:00Z', end: '2026-03-10T12:30:00Z', local: '14:00-18:00' },
    { start: '2026-03-10T13:30:00Z', end: '2026-03-10T17:30:00Z', local: '19:00-23:00' },
  ],
  scheduled_ms: 8 * HOUR,
  scheduled_so_far_ms: 6 * HOUR,
  active_in_schedule_ms: 90 * 60_000,
  active_outside_schedule_ms: 80 * 60_000,
  share_of_scheduled: 0.5,
  by_project: [
    { project_id: 1, project: 'A', active_in_schedule_ms: 30 * 60_000, active_outside_schedule_ms: 80 * 60_000 },
    { project_id: 2, project: 'B', active_in_schedule_ms: HOUR, active_outside_schedule_ms: 0 },
  ],
};

function report(extra: Partial<DailyReport>): DailyReport {
  return {
    person: { id: 1, username: 'ana', display_name: 'Ana' },
    day: '2026-03-10',
    tz: 'Asia/Kolkata',
    start: '2026-03-09T18:30:00Z',
    end: '2026-03-10T18:30:00Z',
    generated_at: '2026-03-10T15:00:00Z',
    partial: false,
    items: 0,
    work: [],
    time: { active_ms: 170 * 60_000, idle_ms: 0, hidden_ms: 0, sessions: [], breaks: [] },
    throughput: [],
    quality: { gold_scored: 0, gold_passed: 0, gold_accuracy: null, accept: 0, fix: 0, reject: 0, pass_rate: null, reviews_given: 0, top_error_codes: [], by_project: [] },
    questions: [],
    guidelines_acknowledged: [],
    guidelines_pending: [],
    hourly: [],
    ...extra,
  };
}

function render(r: DailyReport): HTMLDivElement {
  container = document.createElement('div');
  document.body.appendChild(container);
  act(() => createRoot(container).render(<ShowDailyReport report={r} />));
  return container;
}

const text = (el: HTMLElement, id: string) => el.querySelector(`[data-testid="${id}"]`)?.textContent ?? null;

describe('the schedule in a daily report', () => {
  it('shows shifts, scheduled and active time inside and outside them, and the flags', () => {
    const el = render(
      report({
        schedule: SCHEDULE,
        flags: [{ code: 'outside_schedule', message: '1 h 20 min active outside the scheduled hours' }],
      }),
    );
    expect(text(el, 'report-shifts')).toBe('14:00–18:00, 19:00–23:00 · rotation week 2');
    expect(text(el, 'report-scheduled-ms')).toBe('8 h 00 min (6 h 00 min so far)');
    expect(text(el, 'report-in-schedule')).toBe('1 h 30 min');
    expect(text(el, 'report-outside-schedule')).toBe('1 h 20 min');
    expect(text(el, 'report-share')).toBe('50.0%');
    expect(text(el, 'report-scheduled')).toBe('8 h 00 min');
    expect(text(el, 'report-flag-outside_schedule')).toBe('1 h 20 min active outside the scheduled hours');
    const rows = [...el.querySelectorAll('[data-testid="report-schedule-projects"] tbody tr')].map((tr) => tr.textContent);
    expect(rows).toEqual(['A30 min1 h 20 min', 'B1 h 00 min0 min']);
  });

  it('says when there is no schedule, and when the report predates schedules', () => {
    const none = { ...SCHEDULE, has_schedule: false, week: null, shifts: [], scheduled_ms: 0, scheduled_so_far_ms: 0, active_in_schedule_ms: null, active_outside_schedule_ms: null, share_of_scheduled: null, by_project: [] };
    let el = render(report({ schedule: none, flags: [] }));
    expect(text(el, 'report-no-schedule')).toContain('No schedule on record');
    expect(el.querySelector('[data-testid="report-flags"]')).toBeNull();
    expect(el.querySelector('[data-testid="report-scheduled"]')).toBeNull();
    container.remove();
    el = render(report({}));
    expect(el.textContent).toContain('stored before reports compared work with schedules');
  });

  it('writes time off as such', () => {
    const off = { ...SCHEDULE, week: null, time_off: true, shifts: [], scheduled_ms: 0, scheduled_so_far_ms: 0, share_of_scheduled: null };
    const el = render(report({ schedule: off, flags: [{ code: 'no_shift_scheduled', message: 'no shift scheduled (time off), yet 45 min active' }] }));
    expect(text(el, 'report-shifts')).toBe('time off');
    expect(text(el, 'report-flag-no_shift_scheduled')).toContain('time off');
  });
});
