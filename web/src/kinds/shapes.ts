// Helpers shared by the tools: class lists, colours, shape ids, prediction bookkeeping.
import type { ClassSpec, Prediction, QuestionSpec } from '../api/types';
import { assignClassShortcuts } from '../domain/keymap';

const PALETTE = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#9a6324', '#469990', '#808000', '#000075', '#bfef45'];

export interface ClassInfo extends ClassSpec {
  color: string;
  key: string | null;
}

/** The question's classes with a colour and a shortcut each (reserved keys are left to the tool). */
export function classesOf(question: QuestionSpec, reserved: readonly string[] = []): ClassInfo[] {
  const specs: ClassSpec[] = (question.classes ?? []).map((c) => (typeof c === 'string' ? { name: c } : c));
  const keys = question.class_keys === false ? new Map<string, string>() : assignClassShortcuts(specs, reserved);
  return specs.map((c, i) => ({ ...c, color: c.color ?? PALETTE[i % PALETTE.length]!, key: keys.get(c.name) ?? null }));
}

export function colorOf(classes: readonly ClassInfo[], label: string): string {
  return classes.find((c) => c.name === label)?.color ?? '#888888';
}

export type Origin = 'prediction' | 'changed' | 'human';

export interface ShapeBase {
  id: string;
  label: string;
  prediction_id?: string | null;
  origin?: Origin | null;
}

/** The next free id "<prefix><n>" among the shapes. */
export function nextId(prefix: string, shapes: readonly { id: string }[]): string {
  let max = 0;
  for (const s of shapes) {
    if (s.id.startsWith(prefix)) {
      const n = Number(s.id.slice(prefix.length));
      if (Number.isInteger(n) && n > max) max = n;
    }
  }
  return `${prefix}${max + 1}`;
}

/** A predicted shape that a person edits is no longer the model's. */
export function touched<S extends { origin?: Origin | null }>(shape: S): S {
  return shape.origin === 'prediction' ? { ...shape, origin: 'changed' } : shape;
}

export function replaceAt<T>(list: readonly T[], index: number, value: T): T[] {
  const copy = list.slice();
  copy[index] = value;
  return copy;
}

/**
 * Shapes of one question from every prediction, re-identified so ids stay unique and marked with
 * their origin. prediction_id is "<prediction id>:<shape id in the prediction>".
 */
export function predictedShapes<S extends { id?: string }>(
  question: QuestionSpec,
  predictions: readonly Prediction[],
  listKey: string,
  prefix: string,
): (S & { id: string; prediction_id: string; origin: Origin })[] {
  const out: (S & { id: string; prediction_id: string; origin: Origin })[] = [];
  for (const p of predictions) {
    const answer = p.result?.[question.name] as Record<string, unknown> | undefined;
    const shapes = answer?.[listKey];
    if (!Array.isArray(shapes)) continue;
    shapes.forEach((raw, i) => {
      if (typeof raw !== 'object' || raw === null) return;
      const s = raw as S;
      out.push({ ...s, id: `${prefix}${out.length + 1}`, prediction_id: `${p.id}:${s.id ?? i}`, origin: 'prediction' });
    });
  }
  return out;
}

export interface PredictionTally {
  accepted: string[];
  changed: string[];
  deleted: string[];
}

function collect(value: unknown, found: Map<string, Origin | null>): void {
  if (Array.isArray(value)) value.forEach((v) => collect(v, found));
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.prediction_id === 'string') found.set(o.prediction_id, (o.origin as Origin) ?? null);
    Object.values(o).forEach((v) => collect(v, found));
  }
}

/** What became of each predicted shape the person started with; sent as the submit's meta. */
export function tallyPredictions(initial: unknown, final: unknown): PredictionTally {
  const before = new Map<string, Origin | null>();
  const after = new Map<string, Origin | null>();
  collect(initial, before);
  collect(final, after);
  const tally: PredictionTally = { accepted: [], changed: [], deleted: [] };
  for (const id of before.keys()) {
    const origin = after.get(id);
    if (origin === undefined) tally.deleted.push(id);
    else if (origin === 'changed') tally.changed.push(id);
    else tally.accepted.push(id);
  }
  return tally;
}

/**
 * The schema as the tools read it: with `shortcuts.enabled: false`, every question is marked so
 * that its classes get no single-key shortcuts (people who type a lot into text boxes).
 */
export function applyShortcutSettings<S extends { questions: QuestionSpec[]; shortcuts?: { enabled?: boolean } | null }>(schema: S): S {
  if (schema.shortcuts?.enabled !== false) return schema;
  return { ...schema, questions: schema.questions.map((q) => ({ ...q, class_keys: false })) };
}
