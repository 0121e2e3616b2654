import { describe, expect, it } from 'vitest';
import { byUrgency, calendarFromForm, formatDuration, formatSpan, hoursToText, parseHolidays, textToHours, timeLeftText, urgencyOf } from './sla';

const NOW = Date.parse('2026-11-23T10:00:00Z');
const q = (due: string | null, extra: Partial<{ warning: boolean; breached: boolean; clock: 'response' | 'resolution' | null; created_at: string }> = {}) => ({
  due_at: due,
  warning: false,
  breached: false,
  clock: due ? ('response' as const) : null,
  created_at: '2026-11-23T08:00:00Z',
  ...extra,
});

describe('SLA display', () => {
  it('tells running, warning, breached and stopped clocks apart', () => {
    expect(urgencyOf(q('2026-11-23T12:00:00Z'), NOW)).toBe('running');
    expect(urgencyOf(q('2026-11-23T12:00:00Z', { warning: true }), NOW)).toBe('warning');
    expect(urgencyOf(q('2026-11-23T09:00:00Z'), NOW)).toBe('breached');
    expect(urgencyOf(q(null), NOW)).toBe('stopped');
    expect(urgencyOf(q(null, { breached: true }), NOW)).toBe('breached');
  });

  it('writes the time left or overdue', () => {
    expect(timeLeftText(q('2026-11-23T12:05:00Z'), NOW)).toBe('answer in 2 h 05 min');
    expect(timeLeftText(q('2026-11-23T09:30:00Z', { clock: 'resolution' }), NOW)).toBe('resolve overdue 30 min');
    expect(timeLeftText(q(null), NOW)).toBe('done');
    expect(formatSpan(3 * 86400 + 4 * 3600 + 59)).toBe('3 d 4 h');
    expect(formatSpan(20)).toBe('1 min');
  });

  it('sorts by the nearest deadline, stopped clocks last', () => {
    const list = [q(null), q('2026-11-23T15:00:00Z'), q('2026-11-23T09:00:00Z')];
    expect(byUrgency(list).map((x) => x.due_at)).toEqual(['2026-11-23T09:00:00Z', '2026-11-23T15:00:00Z', null]);
  });

  it('formats report durations', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(1800)).toBe('30 min');
    expect(formatDuration(5400)).toBe('1.5 h');
    expect(formatDuration(3 * 86400)).toBe('3.0 d');
  });
});

describe('calendar form', () => {
  it('round-trips working hours as text', () => {
    expect(hoursToText([['09:00', '12:00'], ['13:00', '17:00']])).toBe('09:00-12:00, 13:00-17:00');
    expect(textToHours('Monday', '09:00-12:00, 13:00 - 17:00')).toEqual([['09:00', '12:00'], ['13:00', '17:00']]);
    expect(textToHours('Sunday', '22:00-24:00')).toEqual([['22:00', '24:00']]);
    expect(textToHours('Sunday', '')).toEqual([]);
  });

  it('names the day and the bad interval', () => {
    expect(() => textToHours('Monday', '9-17')).toThrow('Monday: "9-17" is not an interval');
    expect(() => textToHours('Tuesday', '17:00-09:00')).toThrow('Tuesday: 17:00-09:00 ends before it starts');
    expect(() => parseHolidays('2026-12-25\nChristmas')).toThrow('holiday "Christmas"');
  });

  it('builds the calendar, refusing one without hours', () => {
    const days = ['09:00-17:00', '', '', '', '', '', ''];
    expect(calendarFromForm('Asia/Kolkata', days, '2026-01-26')).toEqual({ tz: 'Asia/Kolkata', hours: { '0': [['09:00', '17:00']] }, holidays: ['2026-01-26'] });
    expect(() => calendarFromForm('UTC', ['', '', '', '', '', '', ''], '')).toThrow('at least one working interval');
  });
});
