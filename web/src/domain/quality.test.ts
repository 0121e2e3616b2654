import { describe, expect, it } from 'vitest';
import { cleanTaxonomy, diffAnswers, interval, layoutBars, niceScale, pct, scaleY, taxonomyProblems } from './quality';

describe('niceScale', () => {
  it('rounds the top up to 1, 2 or 5 times a power of ten', () => {
    expect(niceScale(7)).toEqual({ top: 8, step: 2, ticks: [0, 2, 4, 6, 8] });
    expect(niceScale(100).top).toBe(100);
    expect(niceScale(0.37).step).toBeCloseTo(0.1);
    expect(niceScale(0.37).top).toBeCloseTo(0.4);
    expect(niceScale(1)).toMatchObject({ top: 1 });
  });
  it('keeps whole steps for counts', () => {
    expect(niceScale(1, 5, true)).toEqual({ top: 1, step: 1, ticks: [0, 1] });
    expect(niceScale(3, 5, true).ticks).toEqual([0, 1, 2, 3]);
  });
  it('gives a unit axis for nothing', () => {
    expect(niceScale(0)).toEqual({ top: 1, step: 1, ticks: [0, 1] });
    expect(niceScale(Number.NaN).top).toBe(1);
  });
});

describe('layoutBars', () => {
  it('fills the plot height at the axis top and keeps bars inside their slots', () => {
    const { bars, top } = layoutBars(
      [
        { key: 'a', value: 10 },
        { key: 'b', value: 5 },
      ],
      200,
      100,
    );
    expect(top).toBe(10);
    expect(bars[0]).toMatchObject({ key: 'a', y: 0, height: 100 });
    expect(bars[1]).toMatchObject({ y: 50, height: 50 });
    expect(bars[1]!.x).toBeGreaterThanOrEqual(100);
    expect(bars[1]!.x + bars[1]!.width).toBeLessThanOrEqual(200);
  });
  it('caps the bar width', () => {
    const { bars } = layoutBars([{ key: 'a', value: 1 }], 500, 100, { maxBar: 60 });
    expect(bars[0]).toMatchObject({ width: 60, x: 220 });
  });
  it('draws nothing high for zeros and clamps scaleY', () => {
    expect(layoutBars([{ key: 'z', value: 0 }], 10, 10).bars[0]!.height).toBe(0);
    expect(scaleY(2, 1, 100)).toBe(0);
    expect(scaleY(-1, 1, 100)).toBe(100);
    expect(scaleY(0.5, 1, 100)).toBe(50);
  });
});

describe('taxonomyProblems', () => {
  it('names each problem by the path the server uses', () => {
    const problems = taxonomyProblems([
      { code: 'missed', title: 'Missed' },
      { code: 'missed', title: '' },
      { code: 'bad code', title: 'x' },
      { code: '', title: 'y' },
    ]);
    expect(problems.map((p) => p.path)).toEqual(['error_taxonomy[1].code', 'error_taxonomy[1].title', 'error_taxonomy[2].code', 'error_taxonomy[3].code']);
    expect(problems[0]!.message).toContain("duplicate code 'missed'");
  });
  it('accepts a clean taxonomy and trims it', () => {
    expect(taxonomyProblems([{ code: 'a.b-c_1', title: 'T', section: '2.1' }])).toEqual([]);
    expect(cleanTaxonomy([{ code: ' a ', title: ' T ', section: ' ' }])).toEqual([{ code: 'a', title: 'T' }]);
    expect(cleanTaxonomy([{ code: 'a', title: 'T', section: '2.1' }])).toEqual([{ code: 'a', title: 'T', section: '2.1' }]);
  });
});

describe('diffAnswers', () => {
  it('reports a changed label list as one change', () => {
    expect(diffAnswers({ sentiment: { labels: ['positive'] } }, { sentiment: { labels: ['negative'] } })).toEqual([
      { path: 'sentiment.labels', type: 'changed', before: ['positive'], after: ['negative'] },
    ]);
  });
  it('matches shapes by id: moved, added and removed', () => {
    const before = { objects: [{ id: 's1', label: 'car', x: 1 }, { id: 's2', label: 'person', x: 2 }] };
    const after = { objects: [{ id: 's1', label: 'car', x: 5 }, { id: 's3', label: 'car', x: 0 }] };
    expect(diffAnswers(before, after)).toEqual([
      { path: 'objects[s1].x', type: 'changed', before: 1, after: 5 },
      { path: 'objects[s2]', type: 'removed', before: before.objects[1] },
      { path: 'objects[s3]', type: 'added', after: after.objects[1] },
    ]);
  });
  it('compares positional lists and whole questions', () => {
    expect(diffAnswers({ a: [{ v: 1 }] }, { a: [{ v: 1 }, { v: 2 }], b: 'x' })).toEqual([
      { path: 'a[1]', type: 'added', after: { v: 2 } },
      { path: 'b', type: 'added', after: 'x' },
    ]);
    expect(diffAnswers({ a: 1 }, { a: 1 })).toEqual([]);
  });
});

describe('formatting', () => {
  it('shows missing numbers as a dash', () => {
    expect(pct(0.256)).toBe('26%');
    expect(pct(null)).toBe('—');
    expect(interval([0.1, 0.25])).toBe('0.10–0.25');
    expect(interval(null)).toBe('—');
  });
});
