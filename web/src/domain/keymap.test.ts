import { describe, expect, it } from 'vitest';
import { assignClassShortcuts, findConflicts, formatShortcut, isTypingTarget, matchShortcut, parseShortcut } from './keymap';

const ev = (key: string, mods: Partial<{ ctrl: boolean; shift: boolean; alt: boolean; meta: boolean }> = {}, code?: string) => ({
  key,
  code,
  ctrlKey: !!mods.ctrl,
  shiftKey: !!mods.shift,
  altKey: !!mods.alt,
  metaKey: !!mods.meta,
});

describe('parseShortcut', () => {
  it('parses modifiers and aliases', () => {
    expect(parseShortcut('ctrl+shift+z')).toEqual({ key: 'z', ctrl: true, shift: true, alt: false, meta: false });
    expect(parseShortcut('Esc').key).toBe('escape');
    expect(parseShortcut('space').key).toBe(' ');
    expect(parseShortcut('ctrl++').key).toBe('+');
    expect(parseShortcut('mod+s', true).meta).toBe(true);
    expect(parseShortcut('mod+s', false).ctrl).toBe(true);
  });

  it('rejects bad input', () => {
    expect(() => parseShortcut('hyper+x')).toThrow(/modifier/);
    expect(() => parseShortcut('')).toThrow();
  });

  it('formats for display', () => {
    expect(formatShortcut(parseShortcut('ctrl+shift+z'))).toBe('Ctrl+Shift+Z');
    expect(formatShortcut(parseShortcut('left'))).toBe('←');
  });
});

describe('matchShortcut', () => {
  it('matches exact modifiers only', () => {
    const undo = parseShortcut('ctrl+z');
    expect(matchShortcut(undo, ev('z', { ctrl: true }))).toBe(true);
    expect(matchShortcut(undo, ev('z', { ctrl: true, shift: true }))).toBe(false);
    expect(matchShortcut(undo, ev('z'))).toBe(false);
    expect(matchShortcut(parseShortcut('ctrl+shift+z'), ev('Z', { ctrl: true, shift: true }))).toBe(true);
  });

  it('matches shifted symbols without requiring shift state', () => {
    expect(matchShortcut(parseShortcut('?'), ev('?', { shift: true }))).toBe(true);
  });

  it('falls back to the physical digit', () => {
    expect(matchShortcut(parseShortcut('shift+1'), ev('!', { shift: true }, 'Digit1'))).toBe(true);
    expect(matchShortcut(parseShortcut('1'), ev('1'))).toBe(true);
  });
});

describe('assignClassShortcuts', () => {
  it('uses 1-9 then letters, honouring explicit shortcuts and reserved keys', () => {
    const classes = Array.from({ length: 12 }, (_, i) => ({ name: `c${i}` }));
    classes[2] = { name: 'c2', shortcut: 'x' } as { name: string; shortcut?: string };
    const m = assignClassShortcuts(classes, ['b', 'f']);
    expect(m.get('c0')).toBe('1');
    expect(m.get('c1')).toBe('2');
    expect(m.get('c2')).toBe('x');
    expect(m.get('c3')).toBe('3');
    expect(m.get('c9')).toBe('9');
    expect(m.get('c10')).toBe('a');
    expect(m.get('c11')).toBe('c'); // b reserved
  });

  it('gives no key once all are used', () => {
    const classes = Array.from({ length: 40 }, (_, i) => ({ name: `c${i}` }));
    const m = assignClassShortcuts(classes);
    expect(m.size).toBe(35);
    expect(m.has('c39')).toBe(false);
  });
});

describe('findConflicts', () => {
  it('reports bindings that normalize to the same shortcut', () => {
    const c = findConflicts([
      { id: 'undo', shortcut: 'ctrl+z' },
      { id: 'other', shortcut: 'Control+Z' },
      { id: 'redo', shortcut: 'ctrl+shift+z' },
    ]);
    expect(c).toEqual([{ shortcut: 'ctrl+z', ids: ['undo', 'other'] }]);
  });
});

describe('isTypingTarget', () => {
  it('knows text inputs from buttons', () => {
    const input = document.createElement('input');
    const checkbox = document.createElement('input');
    checkbox.type = 'checkbox';
    expect(isTypingTarget(input)).toBe(true);
    expect(isTypingTarget(checkbox)).toBe(false);
    expect(isTypingTarget(document.createElement('textarea'))).toBe(true);
    expect(isTypingTarget(document.createElement('button'))).toBe(false);
  });
});
