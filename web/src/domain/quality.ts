// Framework-free helpers of the quality screens: chart scaling, taxonomy checks, answer diffs,
// and number formatting.

// ---- chart scaling ---------------------------------------------------------------------------

/** A "nice" axis from 0 to at least `max`: its top and evenly spaced ticks (1, 2 or 5 × 10^n). */
export function niceScale(max: number, ticks = 5, integer = false): { top: number; step: number; ticks: number[] } {
  if (!Number.isFinite(max) || max <= 0) return { top: 1, step: 1, ticks: [0, 1] };
  const rough = max / Math.max(1, ticks);
  const mag = 10 ** Math.floor(Math.log10(rough));
  const norm = rough / mag;
  const nice = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
  const step = integer ? Math.max(1, nice) : nice;
  const top = Math.ceil(max / step - 1e-9) * step;
  const out: number[] = [];
  for (let v = 0; v <= top + step / 2; v += step) out.push(Number(v.toPrecision(12)));
  return { top, step, ticks: out };
}

export interface Bar {
  key: string;
  x: number;
  width: number;
  y: number;
  height: number;
  value: number;
}

/** Bars of a vertical bar chart in a plot area of `width` × `height`, scaled to a nice axis. */
export function layoutBars(values: { key: string; value: number }[], width: number, height: number, opts: { gap?: number; maxBar?: number; integer?: boolean } = {}): { bars: Bar[]; top: number; ticks: number[] } {
  const { top, ticks } = niceScale(Math.max(0, ...values.map((v) => v.value)), 5, opts.integer);
  const slot = values.length ? width / values.length : width;
  const bw = Math.min(slot * (1 - (opts.gap ?? 0.2)), opts.maxBar ?? Infinity);
  const bars = values.map((v, i) => {
    const h = top > 0 ? (Math.max(0, v.value) / top) * height : 0;
    return { key: v.key, x: i * slot + (slot - bw) / 2, width: bw, y: height - h, height: h, value: v.value };
  });
  return { bars, top, ticks };
}

/** The y of a value on an axis from 0 (bottom, `height`) to `top` (0). */
export function scaleY(value: number, top: number, height: number): number {
  return top > 0 ? height - (Math.min(Math.max(value, 0), top) / top) * height : height;
}

// ---- error taxonomy --------------------------------------------------------------------------

export interface TaxonomyEntry {
  code: string;
  title: string;
  section?: string | null;
}

export const CODE_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

/** Problems of a taxonomy by path, as the server names them (`error_taxonomy[1].code`). */
export function taxonomyProblems(entries: readonly TaxonomyEntry[]): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  const seen = new Map<string, number>();
  entries.forEach((e, i) => {
    const code = e.code.trim();
    if (!code) out.push({ path: `error_taxonomy[${i}].code`, message: 'a code is required' });
    else if (!CODE_PATTERN.test(code)) out.push({ path: `error_taxonomy[${i}].code`, message: 'letters, digits, _ . - only (at most 64)' });
    else if (seen.has(code)) out.push({ path: `error_taxonomy[${i}].code`, message: `duplicate code '${code}' (also row ${seen.get(code)! + 1})` });
    else seen.set(code, i);
    if (!e.title.trim()) out.push({ path: `error_taxonomy[${i}].title`, message: 'a title is required' });
    else if (e.title.length > 200) out.push({ path: `error_taxonomy[${i}].title`, message: 'at most 200 characters' });
  });
  return out;
}

/** The taxonomy as the server stores it: trimmed, an empty section left out. */
export function cleanTaxonomy(entries: readonly TaxonomyEntry[]): TaxonomyEntry[] {
  return entries.map((e) => {
    const section = (e.section ?? '').trim();
    return section ? { code: e.code.trim(), title: e.title.trim(), section } : { code: e.code.trim(), title: e.title.trim() };
  });
}

// ---- diff of two answers -----------------------------------------------------------------------

export interface AnswerChange {
  /** Where: `sentiment.labels`, `objects[2].label` ... */
  path: string;
  type: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Whether an array holds scalars only (a label list: compared as a whole). */
function scalars(v: unknown[]): boolean {
  return v.every((x) => x === null || typeof x !== 'object');
}

function walk(a: unknown, b: unknown, path: string, out: AnswerChange[]): void {
  if (same(a, b)) return;
  if (a === undefined) return void out.push({ path, type: 'added', after: b });
  if (b === undefined) return void out.push({ path, type: 'removed', before: a });
  if (isPlain(a) && isPlain(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) walk(a[k], b[k], path ? `${path}.${k}` : k, out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && !(scalars(a) && scalars(b))) {
    // Shapes and spans carry an id: match them by it, else by position.
    const id = (x: unknown) => (isPlain(x) && (typeof x.id === 'string' || typeof x.id === 'number') ? String(x.id) : null);
    if (a.every((x) => id(x) !== null) && b.every((x) => id(x) !== null)) {
      const byId = new Map(b.map((x) => [id(x)!, x]));
      a.forEach((x) => {
        const key = id(x)!;
        walk(x, byId.get(key), `${path}[${key}]`, out);
        byId.delete(key);
      });
      for (const [key, x] of byId) walk(undefined, x, `${path}[${key}]`, out);
      return;
    }
    for (let i = 0; i < Math.max(a.length, b.length); i++) walk(a[i], b[i], `${path}[${i}]`, out);
    return;
  }
  out.push({ path, type: 'changed', before: a, after: b });
}

/** What changed from one answer (question → value) to another, leaf by leaf. */
export function diffAnswers(before: Record<string, unknown>, after: Record<string, unknown>): AnswerChange[] {
  const out: AnswerChange[] = [];
  walk(before ?? {}, after ?? {}, '', out);
  return out;
}

/** A short text for a value in a diff line. */
export function showValue(v: unknown): string {
  if (v === undefined) return '—';
  if (typeof v === 'string') return v;
  const s = JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}

// ---- numbers -----------------------------------------------------------------------------------

export function pct(v: number | null | undefined, digits = 0): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : `${(v * 100).toFixed(digits)}%`;
}

export function num(v: number | null | undefined, digits = 2): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);
}

export function interval(ci: readonly (number | null)[] | null | undefined, digits = 2): string {
  if (!ci || ci[0] == null || ci[1] == null) return '—';
  return `${ci[0].toFixed(digits)}–${ci[1].toFixed(digits)}`;
}
