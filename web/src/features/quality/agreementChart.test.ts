import { describe, expect, it } from 'vitest';
import { agreementAxis, layoutAgreement } from './agreementChart';

const row = (week: string, value: number | null, ci: [number, number] | null = null, n = 2) => ({ week, value, ci, n_items: n });

describe('agreementAxis', () => {
  it('spans 0 to 1 for coefficients inside it', () => {
    expect(agreementAxis([row('2026-W02', 0.375, [0.1, 0.9])])).toEqual({ low: 0, high: 1, step: 0.25 });
  });

  it('widens to negative values and interval ends', () => {
    expect(agreementAxis([row('2026-W02', -0.2, [-0.6, 0.3])])).toEqual({ low: -0.75, high: 1, step: 0.25 });
  });

  it('uses coarser steps for a wide range', () => {
    expect(agreementAxis([row('2026-W02', 2.2)])).toEqual({ low: 0, high: 2.5, step: 0.5 });
  });
});

describe('layoutAgreement', () => {
  it('places weeks evenly and values on the axis', () => {
    const got = layoutAgreement([row('2026-W02', 0.5), row('2026-W03', 1), row('2026-W04', 0)], 200, 100);
    expect(got.points.map((p) => [p.x, p.y])).toEqual([
      [0, 50],
      [100, 0],
      [200, 100],
    ]);
    expect(got.line).toBe('M0.0,50.0 L100.0,0.0 L200.0,100.0');
    expect(got.ticks.map((t) => t.value)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(got.weeks.map((w) => w.week)).toEqual(['2026-W02', '2026-W03', '2026-W04']);
  });

  it('breaks the line and the band at a week without a value', () => {
    const got = layoutAgreement([row('2026-W02', 0.5, [0.25, 0.75]), row('2026-W03', null), row('2026-W04', 0.5, [0.25, 0.75]), row('2026-W05', 0.5, [0, 1])], 300, 100);
    expect(got.line).toBe('M0.0,50.0 M200.0,50.0 L300.0,50.0');
    expect(got.band).toBe('M0.0,25.0 L0.0,75.0 Z M200.0,25.0 L300.0,0.0 L300.0,100.0 L200.0,75.0 Z');
    expect(got.points).toHaveLength(3);
    expect(got.points[0]).toMatchObject({ yLow: 75, yHigh: 25 });
  });

  it('centres a single week', () => {
    expect(layoutAgreement([row('2026-W02', 1)], 200, 100).points[0]).toMatchObject({ x: 100, y: 0, yLow: null, yHigh: null });
  });
});
