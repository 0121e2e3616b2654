// Schema editor: YAML (or JSON) text validated live by the server, with the workspace previewed.
import { useEffect, useState } from 'react';
import { schemas } from '../../api/endpoints';
import type { LabelingSchema, SchemaValidation } from '../../api/types';
import { errorText } from '../common/ShowError';
import { PreviewWorkspace } from './PreviewWorkspace';

export const STARTER_SCHEMA = `fields:
  - {name: text, type: text}
questions:
  - name: sentiment
    kind: classification
    classes: [positive, negative, neutral]
`;

export function EditSchema({ text, onText, onValid }: { text: string; onText(t: string): void; onValid?(schema: LabelingSchema | null): void }) {
  const [check, setCheck] = useState<SchemaValidation | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [preview, setPreview] = useState<LabelingSchema | null>(null);

  useEffect(() => {
    const ctrl = new AbortController();
    const t = window.setTimeout(async () => {
      try {
        const res = await schemas.validate(text, ctrl.signal);
        setCheck(res);
        setProblem(null);
        if (res.valid && res.schema) setPreview(res.schema);
        onValid?.(res.valid ? (res.schema ?? null) : null);
      } catch (err) {
        if ((err as Error).name !== 'AbortError') setProblem(errorText(err));
      }
    }, 400);
    return () => {
      window.clearTimeout(t);
      ctrl.abort();
    };
  }, [text]);

  return (
    <div className="schema-editor">
      <div className="schema-text">
        <textarea
          className="mono"
          aria-label="Schema (YAML or JSON)"
          data-testid="schema-text"
          spellCheck={false}
          value={text}
          onChange={(e) => onText(e.target.value)}
          rows={24}
          onKeyDown={(e) => {
            if (e.key === 'Tab') {
              e.preventDefault();
              const el = e.currentTarget;
              const { selectionStart: a, selectionEnd: b } = el;
              onText(`${text.slice(0, a)}  ${text.slice(b)}`);
              requestAnimationFrame(() => el.setSelectionRange(a + 2, a + 2));
            }
          }}
        />
        <div className="schema-status" data-testid="schema-status" aria-live="polite">
          {problem && <div className="warning">{problem}</div>}
          {check?.valid && <div className="ok">Valid schema</div>}
          {check && !check.valid && (
            <ul className="schema-errors" data-testid="schema-errors">
              {check.errors.map((e, i) => (
                <li key={i}>
                  {e.path && <code>{e.path}</code>} {e.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
      <div className="schema-preview" data-testid="schema-preview">
        <h3>Preview {check && !check.valid && preview && <span className="muted small">(last valid version)</span>}</h3>
        {preview ? <PreviewWorkspace schema={preview} /> : <p className="muted">The preview appears once the schema is valid.</p>}
      </div>
    </div>
  );
}
