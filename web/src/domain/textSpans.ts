// Text span helpers: code-point offsets, tokens, snapping a selection, laying out overlapping spans.
// Offsets are Unicode code points with `end` exclusive, as stored in results.

export interface Range {
  start: number;
  end: number;
}

export interface SpanLike extends Range {
  id: string;
}

/** The text as an array of code points (so index i is code point i). */
export function codePoints(text: string): string[] {
  return Array.from(text);
}

/** Convert a UTF-16 index (DOM selection offset) to a code-point index. */
export function utf16ToCodePoint(text: string, index: number): number {
  let cp = 0;
  for (let i = 0; i < index && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) i++;
    cp++;
  }
  return cp;
}

export function codePointToUtf16(text: string, cpIndex: number): number {
  let i = 0;
  for (let cp = 0; cp < cpIndex && i < text.length; cp++) {
    const c = text.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? 2 : 1;
  }
  return i;
}

export type Tokenizer = 'whitespace' | 'char';

/** Token ranges in code points: runs of non-whitespace, or every non-space code point. */
export function tokenize(text: string, mode: Tokenizer = 'whitespace'): Range[] {
  const cps = codePoints(text);
  const tokens: Range[] = [];
  let start = -1;
  cps.forEach((ch, i) => {
    const space = /\s/u.test(ch);
    if (mode === 'char') {
      if (!space) tokens.push({ start: i, end: i + 1 });
      return;
    }
    if (!space && start < 0) start = i;
    if (space && start >= 0) {
      tokens.push({ start, end: i });
      start = -1;
    }
  });
  if (start >= 0) tokens.push({ start, end: cps.length });
  return tokens;
}

/** Widen a selection to whole tokens it touches; null if it touches no token. */
export function snapToTokens(tokens: readonly Range[], sel: Range): Range | null {
  const lo = Math.min(sel.start, sel.end);
  const hi = Math.max(sel.start, sel.end);
  let start = -1;
  let end = -1;
  for (const t of tokens) {
    const touches = lo === hi ? t.start <= lo && lo < t.end : t.start < hi && t.end > lo;
    if (!touches) continue;
    if (start < 0) start = t.start;
    end = t.end;
  }
  return start < 0 ? null : { start, end };
}

/** Index of the token containing `offset`, or of the next token after it; -1 past the end. */
export function tokenIndexAt(tokens: readonly Range[], offset: number): number {
  for (let i = 0; i < tokens.length; i++) if (tokens[i]!.end > offset) return i;
  return -1;
}

/**
 * Keyboard selection by token: a caret (anchor, focus) in token indices. Moving without extend
 * collapses the selection onto the new token.
 */
export interface TokenCaret {
  anchor: number;
  focus: number;
}

export function moveCaret(c: TokenCaret, delta: number, extend: boolean, tokenCount: number): TokenCaret {
  if (tokenCount === 0) return { anchor: 0, focus: 0 };
  const focus = Math.max(0, Math.min(tokenCount - 1, c.focus + delta));
  return extend ? { anchor: c.anchor, focus } : { anchor: focus, focus };
}

export function caretRange(tokens: readonly Range[], c: TokenCaret): Range | null {
  const a = tokens[Math.min(c.anchor, c.focus)];
  const b = tokens[Math.max(c.anchor, c.focus)];
  return a && b ? { start: a.start, end: b.end } : null;
}

export function overlaps(a: Range, b: Range): boolean {
  return a.start < b.end && b.start < a.end;
}

/**
 * Assign each span a row so that spans on one row never overlap (greedy interval colouring,
 * longest first among equal starts). Returns the row per span id and the number of rows.
 */
export function layoutSpanRows(spans: readonly SpanLike[]): { rows: Map<string, number>; rowCount: number } {
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end || a.id.localeCompare(b.id));
  const rowEnds: number[] = [];
  const rows = new Map<string, number>();
  for (const s of sorted) {
    let row = rowEnds.findIndex((end) => end <= s.start);
    if (row < 0) {
      row = rowEnds.length;
      rowEnds.push(s.end);
    } else rowEnds[row] = s.end;
    rows.set(s.id, row);
  }
  return { rows, rowCount: rowEnds.length };
}

export interface Segment extends Range {
  spanIds: string[];
}

/** Cut [0, length) at every span boundary; each piece lists the spans covering it. */
export function segmentText(length: number, spans: readonly SpanLike[]): Segment[] {
  const cuts = new Set<number>([0, length]);
  for (const s of spans) {
    cuts.add(Math.max(0, Math.min(length, s.start)));
    cuts.add(Math.max(0, Math.min(length, s.end)));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out: Segment[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const start = points[i]!;
    const end = points[i + 1]!;
    if (end <= start) continue;
    out.push({ start, end, spanIds: spans.filter((s) => s.start < end && s.end > start).map((s) => s.id) });
  }
  return out;
}

/** Slice by code points. */
export function sliceCodePoints(cps: readonly string[], r: Range): string {
  return cps.slice(r.start, r.end).join('');
}
