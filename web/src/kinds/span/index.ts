// Span (NER) kind, with optional relations.
import type { KindModule } from '../types';
import { classesOf, predictedShapes } from '../shapes';
import { LabelSpans, SPAN_TOOL_KEYS, type Span, type SpanValue } from './LabelSpans';

export const span: KindModule<SpanValue> = {
  kind: 'span',
  title: 'Text spans',
  Tool: LabelSpans,
  ownsField: true,
  emptyValue: () => ({ spans: [] }),
  summarize: (v) => (v?.spans?.length ? v.spans.map((s) => `${s.label}: ${s.text ?? `${s.start}-${s.end}`}`).join('; ') : 'no spans'),
  fromPredictions(q, predictions) {
    const spans = predictedShapes<Span>(q, predictions, 'spans', 's');
    return spans.length ? { spans } : null;
  },
  shortcuts: (q) => [
    { keys: 'mouse select', does: 'mark text (snaps to tokens)' },
    { keys: '← / →', does: 'move the token caret' },
    { keys: 'Shift+← / →', does: 'extend the selection by a token' },
    ...classesOf(q, SPAN_TOOL_KEYS)
      .filter((c) => c.key)
      .map((c) => ({ keys: c.key!, does: `label the selection “${c.name}”` })),
    { keys: 'Del', does: 'delete the selected span' },
    ...(Array.isArray(q.relations) && q.relations.length ? [{ keys: 'R', does: 'relate the selected span to another' }] : []),
    { keys: 'Esc', does: 'clear the selection' },
  ],
};
