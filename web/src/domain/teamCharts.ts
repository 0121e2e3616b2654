// The numbers behind the team view's charts, without React: average time per item by stage
// (the team's, and each person's), and speed against quality per person.
import type { TeamPerson } from '../api/activity';

export interface StageTime {
  stage: string;
  /** The team's average active time per item in this stage, weighted by each person's items. */
  avgMs: number;
  /** The median over every item of the stage (from the server), when known. */
  medianMs: number | null;
  items: number;
  /** Each person's own average in this stage. */
  people: { id: number; name: string; avgMs: number; items: number }[];
}

const nameOf = (p: TeamPerson) => p.user.display_name || p.user.username;

/** One entry per stage (annotate, review, …) in which someone has a timed item, in stage order. */
export function stageTimes(people: readonly TeamPerson[], medians: Readonly<Record<string, number | null>> = {}): StageTime[] {
  const by = new Map<string, StageTime>();
  for (const p of people) {
    for (const s of p.stages) {
      if (s.avg_ms_per_item === null) continue;
      const entry = by.get(s.stage) ?? { stage: s.stage, avgMs: 0, medianMs: medians[s.stage] ?? null, items: 0, people: [] };
      entry.people.push({ id: p.user.id, name: nameOf(p), avgMs: s.avg_ms_per_item, items: s.items });
      by.set(s.stage, entry);
    }
  }
  for (const e of by.values()) {
    // A person's average stands for at least one item, so someone timed but not counted still weighs.
    const weights = e.people.map((p) => Math.max(1, p.items));
    const total = weights.reduce((a, b) => a + b, 0);
    e.avgMs = e.people.reduce((sum, p, i) => sum + p.avgMs * weights[i]!, 0) / total;
    e.items = e.people.reduce((sum, p) => sum + p.items, 0);
  }
  const order = ['annotate', 'review', 'rework'];
  const rank = (s: string) => (order.includes(s) ? order.indexOf(s) : order.length);
  return [...by.values()].sort((a, b) => rank(a.stage) - rank(b.stage) || a.stage.localeCompare(b.stage));
}

export type QualityMetric = 'gold_accuracy' | 'review_pass_rate';

export interface SpeedQualityPoint {
  id: number;
  name: string;
  itemsPerHour: number;
  /** 0–1. */
  quality: number;
  /** How many gold items or reviews the quality rests on. */
  basis: number;
}

/** Each person with both a pace and a quality figure; `missing` names the others who worked. */
export function speedQuality(people: readonly TeamPerson[], metric: QualityMetric): { points: SpeedQualityPoint[]; missing: string[] } {
  const points: SpeedQualityPoint[] = [];
  const missing: string[] = [];
  for (const p of people) {
    const quality = p[metric];
    if (p.items_per_hour === null || quality === null) {
      if (p.items > 0) missing.push(nameOf(p));
      continue;
    }
    points.push({ id: p.user.id, name: nameOf(p), itemsPerHour: p.items_per_hour, quality, basis: metric === 'gold_accuracy' ? p.gold_scored : p.reviewed });
  }
  return { points, missing };
}

/** The quality measure to show first: gold accuracy when anyone has it, else review pass rate. */
export function defaultQualityMetric(people: readonly TeamPerson[]): QualityMetric {
  return people.some((p) => p.gold_accuracy !== null) || !people.some((p) => p.review_pass_rate !== null) ? 'gold_accuracy' : 'review_pass_rate';
}
