// Rating: a value on an integer scale, by click or number key; per conversation turn when asked.
import type { ToolProps } from '../types';
import { plainKey, useToolKeys } from '../useToolKeys';

export interface RatingValue {
  value?: number | null;
  turns?: Record<string, number> | null;
}

export function scaleOf(question: ToolProps<RatingValue>['question']): { min: number; max: number; labels: Record<string, string> } {
  const min = typeof question.min === 'number' ? question.min : 1;
  const max = typeof question.max === 'number' ? question.max : 5;
  const labels = (question.labels && typeof question.labels === 'object' ? question.labels : {}) as Record<string, string>;
  return { min, max, labels };
}

function Scale(props: { min: number; max: number; labels: Record<string, string>; current: number | null | undefined; onPick(v: number): void; name: string; readOnly?: boolean }) {
  const values = Array.from({ length: props.max - props.min + 1 }, (_, i) => props.min + i);
  return (
    <div className="scale" role="radiogroup" aria-label={props.name}>
      {values.map((v) => (
        <button
          key={v}
          type="button"
          role="radio"
          aria-checked={props.current === v}
          className={`choice${props.current === v ? ' on' : ''}`}
          data-testid={`rating-${props.name}-${v}`}
          disabled={props.readOnly}
          onClick={() => props.onPick(v)}
        >
          <span className="choice-label">{v}</span>
          {props.labels[String(v)] && <span className="muted small">{props.labels[String(v)]}</span>}
        </button>
      ))}
    </div>
  );
}

export function RateItem({ question, item, value, onChange, active, readOnly }: ToolProps<RatingValue>) {
  const { min, max, labels } = scaleOf(question);
  const perTurn = question.per_turn === true;

  useToolKeys(active && !readOnly && !perTurn, (e) => {
    const key = plainKey(e);
    if (!key || !/^[0-9]$/.test(key)) return false;
    const v = Number(key);
    if (v < min || v > max) return false;
    onChange({ value: v });
    return true;
  });

  if (!perTurn) return <Scale min={min} max={max} labels={labels} current={value?.value} onPick={(v) => onChange({ value: v })} name={question.name} readOnly={readOnly} />;

  const turns = question.field ? item.data[question.field] : null;
  const list = Array.isArray(turns) ? turns : [];
  return (
    <div className="turn-ratings">
      {list.map((turn, i) => (
        <div key={i} className="turn-rating">
          <div className="turn-text">
            <strong>{turnRole(turn)}</strong> {turnText(turn)}
          </div>
          <Scale
            min={min}
            max={max}
            labels={labels}
            name={`${question.name}-${i}`}
            readOnly={readOnly}
            current={value?.turns?.[String(i)]}
            onPick={(v) => onChange({ turns: { ...(value?.turns ?? {}), [String(i)]: v } })}
          />
        </div>
      ))}
    </div>
  );
}

export function turnRole(turn: unknown): string {
  if (turn && typeof turn === 'object') {
    const t = turn as Record<string, unknown>;
    return String(t.role ?? t.speaker ?? t.author ?? '');
  }
  return '';
}

export function turnText(turn: unknown): string {
  if (typeof turn === 'string') return turn;
  if (turn && typeof turn === 'object') {
    const t = turn as Record<string, unknown>;
    const c = t.content ?? t.text ?? t.message;
    return typeof c === 'string' ? c : JSON.stringify(c ?? t);
  }
  return String(turn);
}
