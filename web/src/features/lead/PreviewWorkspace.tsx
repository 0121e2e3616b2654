// The workspace as an annotator will see it, on a made-up item built from the schema's fields.
import { useCallback, useMemo, useState } from 'react';
import type { Item, LabelingSchema } from '../../api/types';
import { AnswerQuestions, type AnswerSource } from '../workspace/AnswerQuestions';
import { startingAnswers } from '../workspace/answers';
import { applyShortcutSettings } from '../../kinds/shapes';

const SAMPLE_IMAGE =
  'data:image/svg+xml;utf8,' +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="400"><defs><linearGradient id="g"><stop offset="0" stop-color="#8aa"/><stop offset="1" stop-color="#456"/></linearGradient></defs><rect width="640" height="400" fill="url(#g)"/><circle cx="200" cy="200" r="80" fill="#dcb"/><rect x="380" y="120" width="160" height="140" fill="#9b7"/></svg>',
  );

export function sampleItem(schema: LabelingSchema): Item {
  const data: Record<string, unknown> = {};
  const media: Item['media'] = {};
  for (const f of schema.fields) {
    if (f.type === 'image') {
      data[f.name] = SAMPLE_IMAGE;
      media[f.name] = { width: 640, height: 400 };
    } else if (f.type === 'conversation')
      data[f.name] = [
        { role: 'user', content: 'How do I reset my password?' },
        { role: 'assistant', content: 'Open Settings, then Security, then Reset password.' },
      ];
    else if (f.type === 'number') data[f.name] = 42;
    else if (f.type === 'json') data[f.name] = { example: true };
    else if (f.type === 'text' || f.type === 'markdown') data[f.name] = 'Barack Obama visited Paris on Monday with Apple Inc. executives.';
  }
  return { id: 0, external_id: 'preview', data, media, priority: 0, stage: 'annotate', submitted_count: 0, created_at: new Date(0).toISOString() };
}

export function PreviewWorkspace({ schema: written }: { schema: LabelingSchema }) {
  const schema = useMemo(() => applyShortcutSettings(written), [written]);
  const item = useMemo(() => sampleItem(schema), [schema]);
  const [values, setValues] = useState(() => startingAnswers(schema, item, []));
  const [active, setActive] = useState<string | null>(schema.questions[0]?.name ?? null);
  const known = useMemo(() => ({ ...startingAnswers(schema, item, []), ...values }), [schema, item, values]);
  const onAnswer = useCallback((q: string, v: unknown) => setValues((s) => ({ ...s, [q]: v })), []);
  const source = useMemo<AnswerSource>(() => ({ useAnswer: (q) => known[q], onAnswer, active, onActivate: setActive }), [known, onAnswer, active]);
  return (
    <div className="preview">
      <AnswerQuestions schema={schema} item={item} source={source} />
      <details>
        <summary className="muted small">Result as it would be submitted</summary>
        <pre className="mono small">{JSON.stringify(known, null, 2)}</pre>
      </details>
    </div>
  );
}
