// Classification: one or several classes, by click or by each class's key.
import type { ToolProps } from '../types';
import { classesOf } from '../shapes';
import { plainKey, useToolKeys } from '../useToolKeys';

export interface ClassificationValue {
  labels: string[];
}

export function ChooseClass({ question, value, onChange, active, readOnly }: ToolProps<ClassificationValue>) {
  const classes = classesOf(question);
  const multiple = question.multiple === true;
  const labels = value?.labels ?? [];

  const pick = (name: string) => {
    if (readOnly) return;
    if (!multiple) onChange({ labels: labels[0] === name ? [] : [name] });
    else onChange({ labels: labels.includes(name) ? labels.filter((l) => l !== name) : [...labels, name] });
  };

  useToolKeys(active && !readOnly, (e) => {
    const key = plainKey(e);
    const hit = key ? classes.find((c) => c.key === key) : undefined;
    if (!hit) return false;
    pick(hit.name);
    return true;
  });

  return (
    <div className="choices" role={multiple ? 'group' : 'radiogroup'} aria-label={question.title ?? question.name}>
      {classes.map((c) => {
        const on = labels.includes(c.name);
        return (
          <button
            key={c.name}
            type="button"
            className={`choice${on ? ' on' : ''}`}
            role={multiple ? 'checkbox' : 'radio'}
            aria-checked={on}
            data-testid={`class-${question.name}-${c.name}`}
            disabled={readOnly}
            title={c.description ?? undefined}
            onClick={() => pick(c.name)}
          >
            <span className="swatch" style={{ background: c.color }} />
            <span className="choice-label">{c.name}</span>
            {c.key && <kbd>{c.key}</kbd>}
          </button>
        );
      })}
    </div>
  );
}
