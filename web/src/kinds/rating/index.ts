// Rating kind: an integer on a configured scale.
import type { KindModule } from '../types';
import { RateItem, scaleOf, type RatingValue } from './RateItem';

export const rating: KindModule<RatingValue> = {
  kind: 'rating',
  title: 'Rating',
  Tool: RateItem,
  emptyValue: (q) => (q.per_turn === true ? { turns: {} } : { value: null }),
  summarize: (v) => (v?.turns ? Object.entries(v.turns).map(([k, n]) => `#${k}: ${n}`).join(', ') || '—' : v?.value != null ? String(v.value) : '—'),
  problem(q, v) {
    if (q.per_turn === true) return v?.turns && Object.keys(v.turns).length ? null : 'rate the turns';
    return v?.value == null ? 'choose a rating' : null;
  },
  shortcuts(q) {
    const { min, max } = scaleOf(q);
    return q.per_turn !== true && min >= 0 && max <= 9 ? [{ keys: `${min}–${max}`, does: 'rate' }] : [];
  },
};
