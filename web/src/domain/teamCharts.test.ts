import { describe, expect, it } from 'vitest';
import type { TeamPerson, TeamStage } from '../api/activity';
import { defaultQualityMetric, speedQuality, stageTimes } from './teamCharts';

function person(id: number, name: string, stages: Partial<TeamStage>[], extra: Partial<TeamPerson> = {}): TeamPerson {
  return {
    user: { id, username: name, display_name: '' },
    role: 'annotator',
    items: stages.reduce((n, s) => n + (s.items ?? 0), 0),
    active_ms: 0,
    idle_ms: 0,
    hidden_ms: 0,
    items_per_hour: null,
    sessions: [],
    stages: stages.map((s) => ({ stage: 'annotate', items: 0, active_ms: 0, avg_ms_per_item: null, median_ms_per_item: null, ...s })),
    gold_accuracy: null,
    gold_scored: 0,
    review_pass_rate: null,
    reviewed: 0,
    targets: [],
    targets_met: 0,
    targets_judged: 0,
    flags: [],
    ...extra,
  };
}

describe('stageTimes', () => {
  it('averages per stage weighted by items, keeping each person', () => {
    const people = [
      person(1, 'ana', [
        { stage: 'annotate', items: 3, avg_ms_per_item: 10_000 },
        { stage: 'review', items: 1, avg_ms_per_item: 4_000 },
      ]),
      person(2, 'bo', [{ stage: 'annotate', items: 1, avg_ms_per_item: 30_000 }]),
      person(3, 'cy', [{ stage: 'annotate', items: 0, avg_ms_per_item: null }]),
    ];
    const out = stageTimes(people, { annotate: 12_000 });
    expect(out.map((s) => s.stage)).toEqual(['annotate', 'review']);
    expect(out[0]).toMatchObject({ avgMs: 15_000, medianMs: 12_000, items: 4 });
    expect(out[0]!.people.map((p) => p.name)).toEqual(['ana', 'bo']);
    expect(out[1]).toMatchObject({ avgMs: 4_000, medianMs: null, items: 1 });
  });

  it('is empty when nobody has a timed item', () => {
    expect(stageTimes([person(1, 'ana', [])])).toEqual([]);
  });
});

describe('speedQuality', () => {
  const people = [
    person(1, 'ana', [{ items: 4 }], { items_per_hour: 20, review_pass_rate: 0.5, reviewed: 4 }),
    person(2, 'bo', [{ items: 2 }], { items_per_hour: 8, gold_accuracy: 1, gold_scored: 2, review_pass_rate: 1, reviewed: 1 }),
    person(3, 'cy', [{ items: 1 }], { items_per_hour: 3 }),
    person(4, 'di', [], {}),
  ];

  it('plots the people with both figures and names the others who worked', () => {
    const review = speedQuality(people, 'review_pass_rate');
    expect(review.points).toEqual([
      { id: 1, name: 'ana', itemsPerHour: 20, quality: 0.5, basis: 4 },
      { id: 2, name: 'bo', itemsPerHour: 8, quality: 1, basis: 1 },
    ]);
    expect(review.missing).toEqual(['cy']);
    const gold = speedQuality(people, 'gold_accuracy');
    expect(gold.points.map((p) => [p.name, p.basis])).toEqual([['bo', 2]]);
    expect(gold.missing).toEqual(['ana', 'cy']);
  });

  it('starts with gold accuracy when anyone has it', () => {
    expect(defaultQualityMetric(people)).toBe('gold_accuracy');
    expect(defaultQualityMetric(people.filter((p) => p.gold_accuracy === null))).toBe('review_pass_rate');
    expect(defaultQualityMetric([])).toBe('gold_accuracy');
  });
});
