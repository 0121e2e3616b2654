// Classification kind: single or multiple choice among the question's classes.
import type { KindModule } from '../types';
import { classesOf } from '../shapes';
import { ChooseClass, type ClassificationValue } from './ChooseClass';

export const classification: KindModule<ClassificationValue> = {
  kind: 'classification',
  title: 'Classification',
  Tool: ChooseClass,
  emptyValue: () => ({ labels: [] }),
  summarize: (v) => (v?.labels?.length ? v.labels.join(', ') : '—'),
  problem(q, v) {
    const n = v?.labels?.length ?? 0;
    if (q.multiple !== true) return n === 1 ? null : 'choose one class';
    const min = typeof q.min_choices === 'number' ? q.min_choices : 1;
    const max = typeof q.max_choices === 'number' ? q.max_choices : Infinity;
    if (n < min) return `choose at least ${min}`;
    if (n > max) return `choose at most ${max}`;
    return null;
  },
  fromPredictions(q, predictions) {
    for (const p of predictions) {
      const labels = (p.result?.[q.name] as { labels?: unknown } | undefined)?.labels;
      if (Array.isArray(labels)) return { labels: labels.filter((l): l is string => typeof l === 'string') };
    }
    return null;
  },
  shortcuts: (q) => classesOf(q).filter((c) => c.key).map((c) => ({ keys: c.key!, does: `${q.multiple ? 'toggle' : 'choose'} “${c.name}”` })),
};
