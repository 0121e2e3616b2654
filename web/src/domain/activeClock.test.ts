import { describe, expect, it } from 'vitest';
import { activeMs, clockReducer, formatDuration, isRunning, startClock, type ClockEvent, type ClockState } from './activeClock';

const run = (s: ClockState, events: ClockEvent[]) => events.reduce(clockReducer, s);

describe('active clock', () => {
  it('counts while visible and recently used', () => {
    const s = run(startClock(0), [{ type: 'input', at: 10_000 }]);
    expect(activeMs(s, 30_000)).toBe(30_000);
    expect(isRunning(s, 30_000)).toBe(true);
  });

  it('pauses 60 s after the last input, counting up to the idle deadline', () => {
    let s = run(startClock(0), [{ type: 'input', at: 5_000 }]);
    expect(activeMs(s, 200_000)).toBe(65_000);
    expect(isRunning(s, 200_000)).toBe(false);
    s = clockReducer(s, { type: 'tick', at: 200_000 });
    expect(s.since).toBeNull();
    s = clockReducer(s, { type: 'input', at: 300_000 });
    expect(activeMs(s, 310_000)).toBe(75_000);
  });

  it('settles an idle run when input arrives without a tick in between', () => {
    const s = run(startClock(0), [{ type: 'input', at: 500_000 }]);
    expect(activeMs(s, 500_000)).toBe(60_000);
    expect(activeMs(s, 501_000)).toBe(61_000);
  });

  it('pauses while the tab is hidden and resumes on return', () => {
    const s = run(startClock(0), [
      { type: 'hidden', at: 20_000 },
      { type: 'input', at: 25_000 },
      { type: 'tick', at: 40_000 },
      { type: 'visible', at: 50_000 },
    ]);
    expect(activeMs(s, 30_000 + 50_000 - 30_000)).toBe(20_000);
    expect(activeMs(s, 60_000)).toBe(30_000);
  });

  it('starts paused in a hidden tab', () => {
    const s = startClock(0, { hidden: true });
    expect(activeMs(s, 10_000)).toBe(0);
    expect(activeMs(clockReducer(s, { type: 'visible', at: 10_000 }), 12_000)).toBe(2_000);
  });

  it('stop freezes the total', () => {
    const s = run(startClock(0), [{ type: 'stop', at: 7_000 }]);
    expect(activeMs(s, 50_000)).toBe(7_000);
  });

  it('formats durations', () => {
    expect(formatDuration(65_000)).toBe('01:05');
    expect(formatDuration(3_725_000)).toBe('1:02:05');
  });
});
