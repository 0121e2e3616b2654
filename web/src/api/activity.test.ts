import { describe, expect, it } from 'vitest';
import { formatMetric, formatMinutes, niceScale, progressLine, progressState, targetScope, type Progress, type TargetProgress } from './activity';

const tp = (metric: TargetProgress['metric'], target: number, actual: number | null, met: boolean | null, stage: string | null = null): TargetProgress => ({ metric, project_id: 1, stage, target, actual, met });

const progress = (targets: TargetProgress[], items = 12, perHour: number | null = 48): Progress => ({ date: '2026-11-23', project_id: 1, items, active_ms: 900_000, items_per_hour: perHour, targets, idle_after_s: 60 });

describe('the toolbar progress line', () => {
  it('shows items against the day target and the pace', () => {
    expect(progressLine(progress([tp('items_per_day', 200, 12, false), tp('items_per_hour', 40, 48, true)]))).toBe('12/200 today · 48/h');
  });
  it('shows plain counts without targets and no pace before any active time', () => {
    expect(progressLine(progress([]))).toBe('12 today · 48/h');
    expect(progressLine(progress([], 0, null))).toBe('0 today');
  });
  it('uses a stage target when that is the only one', () => {
    expect(progressLine(progress([tp('items_per_day', 50, 7, false, 'annotate')], 9))).toBe('7/50 today · 48/h');
  });
  it('is met only when every judged target is', () => {
    expect(progressState([])).toBe('none');
    expect(progressState([tp('gold_accuracy', 0.9, null, null)])).toBe('none');
    expect(progressState([tp('items_per_day', 1, 2, true), tp('gold_accuracy', 0.9, null, null)])).toBe('met');
    expect(progressState([tp('items_per_day', 1, 2, true), tp('items_per_hour', 50, 20, false)])).toBe('unmet');
  });
});

describe('formatting', () => {
  it('formats metrics as people read them', () => {
    expect(formatMetric('gold_accuracy', 0.876)).toBe('88%');
    expect(formatMetric('items_per_hour', 4.25)).toBe('4.3');
    expect(formatMetric('items_per_hour', 48.4)).toBe('48');
    expect(formatMetric('items_per_day', null)).toBe('–');
    expect(formatMinutes(8_400)).toBe('8 s');
    expect(formatMinutes(60_000)).toBe('1 min');
    expect(formatMinutes(3_900_000)).toBe('1 h 05');
  });
  it('names who a target is for', () => {
    const names = new Map([[7, 'Ada']]);
    expect(targetScope({ user_id: 7, role: null, stage: 'annotate', weekday: 4 }, names)).toBe('Ada, annotate, Fridays');
    expect(targetScope({ user_id: null, role: 'annotator', stage: null, weekday: null }, names)).toBe('every annotator');
    expect(targetScope({ user_id: null, role: null, stage: null, weekday: null }, names)).toBe('everyone');
  });
});

describe('chart scales', () => {
  it('rounds the top up and gives whole ticks', () => {
    expect(niceScale(7)).toEqual({ top: 8, ticks: [0, 2, 4, 6, 8] });
    expect(niceScale(95)).toEqual({ top: 100, ticks: [0, 50, 100] });
    expect(niceScale(0)).toEqual({ top: 1, ticks: [0, 1] });
    expect(niceScale(3)).toEqual({ top: 3, ticks: [0, 1, 2, 3] });
  });
});

describe('the idle state heartbeats report', () => {
  it('is idle only while visible and without input for the idle window', async () => {
    const { clockReducer, isIdleAt, startClock } = await import('../domain/activeClock');
    let s = startClock(0, { idleAfter: 60_000 });
    expect(isIdleAt(s, 59_999)).toBe(false);
    expect(isIdleAt(s, 60_000)).toBe(true);
    s = clockReducer(s, { type: 'input', at: 61_000 });
    expect(isIdleAt(s, 62_000)).toBe(false);
    s = clockReducer(s, { type: 'hidden', at: 63_000 });
    expect(isIdleAt(s, 200_000)).toBe(false);
  });
});
