// Text spans (NER): select with the mouse or move a token caret with the arrow keys (Shift
// extends), then press a class key. Spans snap to token edges; overlapping spans stack in rows.
import { memo, useMemo, useRef, useState, type CSSProperties } from 'react';
import {
  caretRange,
  codePoints,
  layoutSpanRows,
  moveCaret,
  overlaps,
  segmentText,
  sliceCodePoints,
  snapToTokens,
  tokenIndexAt,
  tokenize,
  utf16ToCodePoint,
  type Range,
  type TokenCaret,
} from '../../domain/textSpans';
import { classesOf, colorOf, nextId, type ClassInfo, type ShapeBase } from '../shapes';
import type { ToolProps } from '../types';
import { plainKey, useToolKeys } from '../useToolKeys';

export interface Span extends ShapeBase {
  start: number;
  end: number;
  text?: string;
}

export interface Relation {
  from: string;
  to: string;
  label: string;
}

export interface SpanValue {
  spans: Span[];
  relations?: Relation[];
}

export const SPAN_TOOL_KEYS = ['r'];

interface SegmentProps {
  start: number;
  text: string;
  spans: readonly Span[];
  rows: Map<string, number>;
  classes: readonly ClassInfo[];
  pending: boolean;
  selected: boolean;
}

const Segment = memo(function Segment({ start, text, spans, rows, classes, pending, selected }: SegmentProps) {
  const layers = spans.map((s) => {
    const row = rows.get(s.id) ?? 0;
    const color = colorOf(classes, s.label);
    return `linear-gradient(${color}, ${color}) left bottom ${row * 4}px / 100% 3px no-repeat`;
  });
  const style: CSSProperties = spans.length
    ? { background: [...layers, `${colorOf(classes, spans[0]!.label)}22`].join(', '), paddingBottom: `${Math.max(...spans.map((s) => rows.get(s.id) ?? 0)) * 4 + 4}px` }
    : {};
  return (
    <span className={`seg${pending ? ' pending' : ''}${selected ? ' selected' : ''}`} data-start={start} style={style}>
      {text}
    </span>
  );
});

/** Code-point offset of a DOM (node, offset) inside the text container, or null. */
function domOffset(node: Node | null, offset: number): number | null {
  let el: Node | null = node;
  while (el && !(el instanceof HTMLElement && el.dataset.start !== undefined)) el = el.parentNode;
  if (!(el instanceof HTMLElement)) return null;
  const base = Number(el.dataset.start);
  if (node === el) return base + (offset > 0 ? codePoints(el.textContent ?? '').length : 0);
  return base + utf16ToCodePoint(node?.textContent ?? '', offset);
}

export function LabelSpans({ question, item, value, onChange, active, readOnly, onActivate }: ToolProps<SpanValue>) {
  const text = typeof item.data[question.field ?? ''] === 'string' ? (item.data[question.field ?? ''] as string) : '';
  const cps = useMemo(() => codePoints(text), [text]);
  const tokens = useMemo(() => tokenize(text, question.tokenize === 'whitespace' ? 'whitespace' : 'char'), [text, question.tokenize]);
  // The keyboard caret always moves by word, whatever the snapping granularity.
  const words = useMemo(() => tokenize(text, 'whitespace'), [text]);
  const classes = useMemo(() => classesOf(question, SPAN_TOOL_KEYS), [question]);
  const relationLabels = Array.isArray(question.relations) ? (question.relations as string[]) : [];
  const allowOverlap = question.allow_overlap === true;
  const spans = value?.spans ?? [];
  const relations = value?.relations ?? [];

  const [caret, setCaret] = useState<TokenCaret | null>(null);
  const [mouseSel, setMouseSel] = useState<Range | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [relating, setRelating] = useState<{ from: string; label: string } | null>(null);
  const [warning, setWarning] = useState<string | null>(null);
  const box = useRef<HTMLDivElement>(null);

  const pending = mouseSel ?? (caret ? caretRange(words, caret) : null);
  const { rows } = useMemo(() => layoutSpanRows(spans), [spans]);
  const segments = useMemo(() => {
    const cuts = pending ? [...spans, { id: '__pending', start: pending.start, end: pending.end }] : spans;
    return segmentText(cps.length, cuts);
  }, [cps.length, spans, pending]);

  const emit = (next: Span[], rels: Relation[] = relations) => onChange(relationLabels.length || rels.length ? { spans: next, relations: rels } : { spans: next });

  const addSpan = (range: Range, label: string) => {
    if (!allowOverlap && spans.some((s) => overlaps(s, range))) {
      setWarning('Spans may not overlap in this project');
      return;
    }
    if (spans.some((s) => s.start === range.start && s.end === range.end && s.label === label)) return;
    const id = nextId('s', spans);
    emit([...spans, { id, label, origin: 'human', start: range.start, end: range.end, text: sliceCodePoints(cps, range) }]);
    setMouseSel(null);
    setSelected(id);
    setWarning(null);
  };

  const removeSpan = (id: string) => {
    emit(
      spans.filter((s) => s.id !== id),
      relations.filter((r) => r.from !== id && r.to !== id),
    );
    setSelected(null);
  };

  const assign = (label: string) => {
    if (readOnly) return;
    if (pending) addSpan(pending, label);
    else if (selected) emit(spans.map((s) => (s.id === selected ? { ...s, label, origin: s.origin === 'prediction' ? 'changed' : s.origin } : s)));
  };

  const clickSpan = (id: string) => {
    onActivate?.();
    if (relating && relating.from !== id) {
      if (!relations.some((r) => r.from === relating.from && r.to === id && r.label === relating.label)) {
        emit(spans, [...relations, { from: relating.from, to: id, label: relating.label }]);
      }
      setRelating(null);
      return;
    }
    setSelected(id);
    setCaret(null);
    setMouseSel(null);
  };

  useToolKeys(active && !readOnly, (e) => {
    if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
      if (e.ctrlKey || e.metaKey || e.altKey || !words.length) return false;
      const at = Math.max(0, tokenIndexAt(words, mouseSel?.start ?? 0));
      setCaret(caret ? moveCaret(caret, e.key === 'ArrowRight' ? 1 : -1, e.shiftKey, words.length) : { anchor: at, focus: at });
      setMouseSel(null);
      setSelected(null);
      return true;
    }
    if (e.key === 'Escape') {
      setCaret(null);
      setMouseSel(null);
      setSelected(null);
      setRelating(null);
      return true;
    }
    if ((e.key === 'Delete' || e.key === 'Backspace') && selected) {
      removeSpan(selected);
      return true;
    }
    const key = plainKey(e);
    if (key === 'r' && selected && relationLabels.length) {
      setRelating({ from: selected, label: relationLabels[0]! });
      return true;
    }
    const cls = key ? classes.find((c) => c.key === key) : undefined;
    if (cls) {
      assign(cls.name);
      return true;
    }
    return false;
  });

  const onMouseUp = () => {
    onActivate?.();
    if (readOnly) return;
    const sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return;
    const a = domOffset(sel.anchorNode, sel.anchorOffset);
    const b = domOffset(sel.focusNode, sel.focusOffset);
    if (a === null || b === null) return;
    const snapped = snapToTokens(tokens, { start: Math.min(a, b), end: Math.max(a, b) });
    sel.removeAllRanges();
    setMouseSel(snapped);
    setCaret(null);
    setSelected(null);
  };

  const spanById = (id: string) => spans.find((s) => s.id === id);
  const sel = selected ? spanById(selected) : undefined;

  return (
    <div className="span-tool">
      <div
        ref={box}
        className="span-text"
        tabIndex={0}
        role="group"
        aria-label={`${question.title ?? question.name}: text to label`}
        data-testid={`spantext-${question.name}`}
        onMouseUp={onMouseUp}
        onFocus={onActivate}
      >
        {segments.map((seg) => {
          const covering = spans.filter((s) => seg.spanIds.includes(s.id));
          const starting = covering.filter((s) => s.start === seg.start);
          return (
            <span key={`${seg.start}-${seg.end}`}>
              {starting.map((s) => (
                <button
                  key={s.id}
                  type="button"
                  className={`span-chip${s.id === selected ? ' on' : ''}${s.origin === 'prediction' ? ' predicted' : ''}`}
                  style={{ borderColor: colorOf(classes, s.label) }}
                  data-testid={`span-${s.id}`}
                  onMouseDown={(e) => e.preventDefault()}
                  onClick={() => clickSpan(s.id)}
                  title={`${s.label} [${s.start}, ${s.end})`}
                >
                  {s.label}
                </button>
              ))}
              <Segment
                start={seg.start}
                text={cps.slice(seg.start, seg.end).join('')}
                spans={covering}
                rows={rows}
                classes={classes}
                pending={seg.spanIds.includes('__pending')}
                selected={!!selected && seg.spanIds.includes(selected)}
              />
            </span>
          );
        })}
      </div>
      <aside className="tool-side">
        <div className="class-picker" role="group" aria-label={`${question.name} classes`}>
          {classes.map((c) => (
            <button key={c.name} type="button" className="choice small" data-testid={`class-${question.name}-${c.name}`} disabled={readOnly || (!pending && !selected)} onClick={() => assign(c.name)}>
              <span className="swatch" style={{ background: c.color }} />
              <span className="choice-label">{c.name}</span>
              {c.key && <kbd>{c.key}</kbd>}
            </button>
          ))}
        </div>
        {pending && (
          <div className="hint" data-testid="span-pending">
            “{sliceCodePoints(cps, pending)}” — press a class key
          </div>
        )}
        {warning && <div className="warning" role="status">{warning}</div>}
        {sel && !readOnly && (
          <div className="selected-shape">
            <strong>{sel.label}</strong> “{sliceCodePoints(cps, sel)}”{' '}
            <button type="button" className="link" onClick={() => removeSpan(sel.id)}>
              delete
            </button>
            {relationLabels.length > 0 && (
              <div className="relate">
                Relate to another span as{' '}
                <select aria-label="Relation" value={relating?.label ?? relationLabels[0]} onChange={(e) => setRelating({ from: sel.id, label: e.target.value })}>
                  {relationLabels.map((r) => (
                    <option key={r}>{r}</option>
                  ))}
                </select>{' '}
                <button type="button" data-testid="start-relation" onClick={() => setRelating({ from: sel.id, label: relating?.label ?? relationLabels[0]! })}>
                  Pick target (R)
                </button>
              </div>
            )}
          </div>
        )}
        {relating && <div className="hint">Click the span that “{spanById(relating.from)?.text ?? relating.from}” {relating.label}…</div>}
        <ul className="span-list">
          {spans.map((s) => (
            <li key={s.id} className={s.id === selected ? 'on' : ''}>
              <button type="button" className="link" onClick={() => clickSpan(s.id)}>
                <span className="swatch" style={{ background: colorOf(classes, s.label) }} /> {s.label}: {sliceCodePoints(cps, s)}
              </button>
              {s.origin === 'prediction' && <span className="tag">model</span>}
            </li>
          ))}
        </ul>
        {relations.length > 0 && (
          <ul className="relation-list" data-testid="relation-list">
            {relations.map((r, i) => (
              <li key={i}>
                {spanById(r.from)?.text ?? r.from} → <em>{r.label}</em> → {spanById(r.to)?.text ?? r.to}
                {!readOnly && (
                  <button type="button" className="icon" aria-label="Delete relation" onClick={() => emit(spans, relations.filter((_, j) => j !== i))}>
                    ×
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </aside>
    </div>
  );
}
