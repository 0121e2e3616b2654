import { describe, expect, it } from 'vitest';
import {
  caretRange,
  codePointToUtf16,
  codePoints,
  layoutSpanRows,
  moveCaret,
  segmentText,
  sliceCodePoints,
  snapToTokens,
  tokenIndexAt,
  tokenize,
  utf16ToCodePoint,
} from './textSpans';

describe('code points', () => {
  it('converts between UTF-16 and code point offsets', () => {
    const text = 'a😀b c';
    expect(text.length).toBe(6);
    expect(utf16ToCodePoint(text, 3)).toBe(2);
    expect(codePointToUtf16(text, 2)).toBe(3);
    expect(codePoints(text)).toHaveLength(5);
  });
});

describe('tokenize and snap', () => {
  const text = 'Barack Obama  visited Paris.';
  const tokens = tokenize(text);

  it('splits on whitespace', () => {
    expect(tokens.map((t) => text.slice(t.start, t.end))).toEqual(['Barack', 'Obama', 'visited', 'Paris.']);
    expect(tokenize('ab c', 'char')).toEqual([
      { start: 0, end: 1 },
      { start: 1, end: 2 },
      { start: 3, end: 4 },
    ]);
  });

  it('widens partial selections to whole tokens', () => {
    expect(snapToTokens(tokens, { start: 2, end: 9 })).toEqual({ start: 0, end: 12 });
    expect(snapToTokens(tokens, { start: 9, end: 2 })).toEqual({ start: 0, end: 12 });
    expect(snapToTokens(tokens, { start: 23, end: 23 })).toEqual({ start: 22, end: 28 });
    expect(snapToTokens(tokens, { start: 12, end: 14 })).toBeNull();
  });

  it('snaps in code points with astral characters', () => {
    const t = 'x 😀😀 y';
    const toks = tokenize(t);
    expect(snapToTokens(toks, { start: 3, end: 3 })).toEqual({ start: 2, end: 4 });
    expect(sliceCodePoints(codePoints(t), { start: 2, end: 4 })).toBe('😀😀');
  });

  it('finds the token at an offset', () => {
    expect(tokenIndexAt(tokens, 0)).toBe(0);
    expect(tokenIndexAt(tokens, 12)).toBe(2);
    expect(tokenIndexAt(tokens, 100)).toBe(-1);
  });
});

describe('keyboard caret', () => {
  const tokens = tokenize('one two three four');

  it('moves and extends by token, clamped', () => {
    let c = { anchor: 0, focus: 0 };
    c = moveCaret(c, 1, false, 4);
    expect(c).toEqual({ anchor: 1, focus: 1 });
    c = moveCaret(c, 1, true, 4);
    c = moveCaret(c, 5, true, 4);
    expect(c).toEqual({ anchor: 1, focus: 3 });
    expect(caretRange(tokens, c)).toEqual({ start: 4, end: 18 });
    c = moveCaret(c, -10, true, 4);
    expect(caretRange(tokens, c)).toEqual({ start: 0, end: 7 });
  });
});

describe('layout', () => {
  it('puts overlapping spans on separate rows and reuses free rows', () => {
    const { rows, rowCount } = layoutSpanRows([
      { id: 'a', start: 0, end: 10 },
      { id: 'b', start: 5, end: 8 },
      { id: 'c', start: 10, end: 12 },
      { id: 'd', start: 6, end: 20 },
    ]);
    expect(rows.get('a')).toBe(0);
    expect(rows.get('b')).toBe(1);
    expect(rows.get('d')).toBe(2);
    expect(rows.get('c')).toBe(0);
    expect(rowCount).toBe(3);
  });

  it('segments text at span boundaries', () => {
    const segs = segmentText(10, [
      { id: 'a', start: 0, end: 4 },
      { id: 'b', start: 2, end: 6 },
    ]);
    expect(segs).toEqual([
      { start: 0, end: 2, spanIds: ['a'] },
      { start: 2, end: 4, spanIds: ['a', 'b'] },
      { start: 4, end: 6, spanIds: ['b'] },
      { start: 6, end: 10, spanIds: [] },
    ]);
  });
});
