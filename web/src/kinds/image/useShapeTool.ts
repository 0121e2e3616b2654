// State every image tool shares: current class, selected shape, hidden shapes, and their keys.
import { useCallback, useMemo, useState } from 'react';
import type { QuestionSpec } from '../../api/types';
import { classesOf, touched, type ShapeBase } from '../shapes';
import { plainKey, useToolKeys } from '../useToolKeys';

/** Keys the image tools use themselves; classes never get them automatically. */
export const IMAGE_TOOL_KEYS = ['f', 'h', 'n', 'o', 'x'];

export interface ShapeToolOptions<S extends ShapeBase> {
  question: QuestionSpec;
  shapes: readonly S[];
  setShapes(next: S[], coalesce?: string): void;
  active: boolean;
  readOnly?: boolean;
  /** Tool-specific keys, tried before the shared ones. */
  onKey?(e: KeyboardEvent): boolean;
}

export function useShapeTool<S extends ShapeBase>({ question, shapes, setShapes, active, readOnly, onKey }: ShapeToolOptions<S>) {
  const classes = useMemo(() => classesOf(question, IMAGE_TOOL_KEYS), [question]);
  const [current, setCurrent] = useState<string | undefined>(classes[0]?.name);
  const [selected, setSelected] = useState<string | null>(null);
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());

  const relabel = useCallback(
    (id: string, label: string) => setShapes(shapes.map((s) => (s.id === id && s.label !== label ? touched({ ...s, label }) : s))),
    [shapes, setShapes],
  );

  const pickClass = useCallback(
    (name: string) => {
      setCurrent(name);
      if (selected && !readOnly) relabel(selected, name);
    },
    [selected, readOnly, relabel],
  );

  const remove = useCallback(
    (id: string) => {
      setShapes(shapes.filter((s) => s.id !== id));
      setSelected((cur) => (cur === id ? null : cur));
    },
    [shapes, setShapes],
  );

  const toggleHidden = useCallback((id: string) => {
    setHidden((h) => {
      const next = new Set(h);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
    setSelected((cur) => (cur === id ? null : cur));
  }, []);

  const select = useCallback((id: string | null) => {
    setSelected(id);
    if (id) setHidden((h) => (h.has(id) ? new Set([...h].filter((x) => x !== id)) : h));
  }, []);

  useToolKeys(active, (e) => {
    if (onKey?.(e)) return true;
    const key = plainKey(e);
    const cls = key ? classes.find((c) => c.key === key) : undefined;
    if (cls) {
      pickClass(cls.name);
      return true;
    }
    if ((e.key === 'Delete' || e.key === 'Backspace') && selected && !readOnly) {
      remove(selected);
      return true;
    }
    if (e.key === 'h' && selected) {
      toggleHidden(selected);
      return true;
    }
    if (e.key === 'H') {
      setHidden(new Set());
      return true;
    }
    if (e.key === 'Escape' && selected) {
      setSelected(null);
      return true;
    }
    if (e.key === 'Tab' && shapes.length) {
      const i = shapes.findIndex((s) => s.id === selected);
      const n = shapes.length;
      select(shapes[(i + (e.shiftKey ? -1 : 1) + n) % n]!.id);
      return true;
    }
    return false;
  });

  return { classes, current, pickClass, selected, select, hidden, toggleHidden, remove, relabel };
}
