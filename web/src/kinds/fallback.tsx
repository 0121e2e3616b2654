// Kinds without a dedicated tool yet (mask, ranking, audio, video ...): edit the result as JSON.
import { useState } from 'react';
import type { KindModule, ToolProps } from './types';

function EditJson({ question, value, onChange, readOnly }: ToolProps<unknown>) {
  const [text, setText] = useState(() => JSON.stringify(value ?? null, null, 2));
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="free-text">
      <div className="muted small">No visual tool for “{question.kind}” yet: edit the answer as JSON (see docs/kinds.md).</div>
      <textarea
        aria-label={`${question.name} (JSON)`}
        className="mono"
        rows={6}
        value={text}
        readOnly={readOnly}
        spellCheck={false}
        onChange={(e) => {
          setText(e.target.value);
          try {
            onChange(JSON.parse(e.target.value), { coalesce: `json:${question.name}` });
            setError(null);
          } catch (err) {
            setError((err as Error).message);
          }
        }}
      />
      {error && <div className="warning">{error}</div>}
    </div>
  );
}

export function fallbackKind(kind: string): KindModule<unknown> {
  return {
    kind,
    title: kind,
    Tool: EditJson,
    emptyValue: () => null,
    summarize: (v) => (v == null ? '—' : JSON.stringify(v).slice(0, 80)),
  };
}
