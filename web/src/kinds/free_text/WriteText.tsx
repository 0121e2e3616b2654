// Free text: a text area with spellcheck and a length counter against min/max.
import { useEffect, useRef } from 'react';
import type { ToolProps } from '../types';

export interface FreeTextValue {
  text: string;
}

export function WriteText({ question, value, onChange, active, readOnly }: ToolProps<FreeTextValue>) {
  const ref = useRef<HTMLTextAreaElement>(null);
  const text = value?.text ?? '';
  const min = typeof question.min_length === 'number' ? question.min_length : null;
  const max = typeof question.max_length === 'number' ? question.max_length : null;
  const length = [...text].length;
  const tooShort = min !== null && length < min;
  const tooLong = max !== null && length > max;

  useEffect(() => {
    if (active && !readOnly && document.activeElement?.tagName !== 'TEXTAREA') ref.current?.focus({ preventScroll: true });
  }, [active, readOnly]);

  return (
    <div className="free-text">
      <textarea
        ref={ref}
        aria-label={question.title ?? question.name}
        data-testid={`text-${question.name}`}
        spellCheck={question.spellcheck !== false}
        value={text}
        readOnly={readOnly}
        rows={5}
        onChange={(e) => onChange({ text: e.target.value }, { coalesce: `type:${question.name}` })}
      />
      <div className={`counter${tooShort || tooLong ? ' bad' : ''}`} data-testid={`counter-${question.name}`}>
        {length}
        {max !== null ? ` / ${max}` : ''} characters{min !== null ? ` (min ${min})` : ''}
      </div>
    </div>
  );
}
