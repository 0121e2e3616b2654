// Free-text kind: a written answer, optionally prefilled from a text field.
import type { KindModule } from '../types';
import { WriteText, type FreeTextValue } from './WriteText';

export const freeText: KindModule<FreeTextValue> = {
  kind: 'free_text',
  title: 'Free text',
  Tool: WriteText,
  emptyValue(q, item) {
    const source = typeof q.prefill_from === 'string' ? item?.data[q.prefill_from] : undefined;
    return { text: typeof source === 'string' ? source : '' };
  },
  summarize: (v) => (v?.text ? (v.text.length > 80 ? `${v.text.slice(0, 80)}…` : v.text) : '—'),
  problem(q, v) {
    // Server counts code points (Python len); so do we.
    const n = [...(v?.text ?? '')].length;
    if (typeof q.min_length === 'number' && n < q.min_length) return `at least ${q.min_length} characters`;
    if (typeof q.max_length === 'number' && n > q.max_length) return `at most ${q.max_length} characters`;
    if (n === 0 && q.min_length === undefined) return 'write an answer';
    return null;
  },
};
