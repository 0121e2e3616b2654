// The side panel shared by the image tools: class picker, selected shape, shape list.
import { memo } from 'react';
import type { ClassInfo, ShapeBase } from '../shapes';

interface ClassPickerProps {
  classes: readonly ClassInfo[];
  current: string | undefined;
  onPick(name: string): void;
  name: string;
}

export function PickClass({ classes, current, onPick, name }: ClassPickerProps) {
  return (
    <div className="class-picker" role="radiogroup" aria-label={`${name} class`}>
      {classes.map((c) => (
        <button
          key={c.name}
          type="button"
          role="radio"
          aria-checked={current === c.name}
          className={`choice small${current === c.name ? ' on' : ''}`}
          data-testid={`class-${name}-${c.name}`}
          title={c.description ?? undefined}
          onClick={() => onPick(c.name)}
        >
          <span className="swatch" style={{ background: c.color }} />
          <span className="choice-label">{c.name}</span>
          {c.key && <kbd>{c.key}</kbd>}
        </button>
      ))}
    </div>
  );
}

interface ShapeRowProps {
  shape: ShapeBase;
  color: string;
  selected: boolean;
  hidden: boolean;
  detail: string;
  onSelect(id: string): void;
  onToggleHidden(id: string): void;
  onDelete(id: string): void;
  readOnly?: boolean;
}

const ShapeRow = memo(function ShapeRow({ shape, color, selected, hidden, detail, onSelect, onToggleHidden, onDelete, readOnly }: ShapeRowProps) {
  return (
    <li className={`shape-row${selected ? ' on' : ''}${hidden ? ' hidden' : ''}`} data-testid={`shape-${shape.id}`}>
      <button type="button" className="link grow" onClick={() => onSelect(shape.id)}>
        <span className="swatch" style={{ background: color }} />
        {shape.label}
        <span className="muted small">
          {' '}
          {shape.id} {detail}
        </span>
        {shape.origin === 'prediction' && <span className="tag">model</span>}
        {shape.origin === 'changed' && <span className="tag">edited</span>}
      </button>
      <button type="button" className="icon" aria-label={hidden ? `Show ${shape.id}` : `Hide ${shape.id}`} onClick={() => onToggleHidden(shape.id)}>
        {hidden ? '◌' : '●'}
      </button>
      {!readOnly && (
        <button type="button" className="icon" aria-label={`Delete ${shape.id}`} onClick={() => onDelete(shape.id)}>
          ×
        </button>
      )}
    </li>
  );
});

const LIST_LIMIT = 150;

interface ShapeListProps {
  shapes: readonly ShapeBase[];
  classes: readonly ClassInfo[];
  selected: string | null;
  hidden: ReadonlySet<string>;
  detail(shape: ShapeBase): string;
  onSelect(id: string): void;
  onToggleHidden(id: string): void;
  onDelete(id: string): void;
  readOnly?: boolean;
}

export function ListShapes(props: ShapeListProps) {
  const { shapes, classes } = props;
  // Long lists show the selected shape first and a bounded number of others.
  const sel = shapes.find((s) => s.id === props.selected);
  const shown = shapes.length > LIST_LIMIT ? [...(sel ? [sel] : []), ...shapes.filter((s) => s !== sel).slice(0, LIST_LIMIT)] : shapes;
  return (
    <div className="shape-list">
      <div className="muted small">
        {shapes.length} shape{shapes.length === 1 ? '' : 's'}
        {props.hidden.size > 0 && `, ${props.hidden.size} hidden`}
      </div>
      <ul>
        {shown.map((s) => (
          <ShapeRow
            key={s.id}
            shape={s}
            color={classes.find((c) => c.name === s.label)?.color ?? '#888'}
            selected={s.id === props.selected}
            hidden={props.hidden.has(s.id)}
            detail={props.detail(s)}
            onSelect={props.onSelect}
            onToggleHidden={props.onToggleHidden}
            onDelete={props.onDelete}
            readOnly={props.readOnly}
          />
        ))}
      </ul>
      {shown.length < shapes.length && <div className="muted small">…and {shapes.length - shown.length} more</div>}
    </div>
  );
}
