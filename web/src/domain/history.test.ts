import { describe, expect, it } from 'vitest';
import { UndoHistory, setKeyCommand, type Command } from './history';

const add = (n: number, key?: string): Command<number> => ({
  apply: (s) => s + n,
  revert: (s) => s - n,
  coalesceKey: key,
});

describe('UndoHistory', () => {
  it('undoes and redoes in order', () => {
    const h = new UndoHistory<number>();
    let s = 0;
    s = h.execute(s, add(1));
    s = h.execute(s, add(10));
    expect(s).toBe(11);
    s = h.undo(s)!;
    expect(s).toBe(1);
    s = h.undo(s)!;
    expect(s).toBe(0);
    expect(h.undo(s)).toBeNull();
    s = h.redo(s)!;
    s = h.redo(s)!;
    expect(s).toBe(11);
    expect(h.redo(s)).toBeNull();
  });

  it('drops the redo stack on a new command', () => {
    const h = new UndoHistory<number>();
    let s = h.execute(0, add(1));
    s = h.undo(s)!;
    expect(h.canRedo).toBe(true);
    s = h.execute(s, add(5));
    expect(h.canRedo).toBe(false);
    expect(s).toBe(5);
  });

  it('keeps at most `limit` steps, forgetting the oldest', () => {
    const h = new UndoHistory<number>({ limit: 3 });
    let s = 0;
    for (let i = 1; i <= 5; i++) s = h.execute(s, add(i));
    expect(h.size).toBe(3);
    while (h.canUndo) s = h.undo(s)!;
    expect(s).toBe(1 + 2); // steps 3, 4 and 5 undone
  });

  it('coalesces same-key commands inside the window only', () => {
    let t = 0;
    const h = new UndoHistory<number>({ coalesceMs: 500, now: () => t });
    let s = h.execute(0, add(1, 'drag'));
    t = 100;
    s = h.execute(s, add(2, 'drag'));
    t = 200;
    s = h.execute(s, add(3, 'drag'));
    expect(h.size).toBe(1);
    t = 1000;
    s = h.execute(s, add(4, 'drag'));
    expect(h.size).toBe(2);
    s = h.undo(s)!;
    expect(s).toBe(6);
    s = h.undo(s)!;
    expect(s).toBe(0);
    s = h.redo(s)!;
    expect(s).toBe(6);
  });

  it('does not coalesce different keys, or after seal()', () => {
    const h = new UndoHistory<number>({ now: () => 0 });
    let s = h.execute(0, add(1, 'a'));
    s = h.execute(s, add(1, 'b'));
    expect(h.size).toBe(2);
    h.seal();
    h.execute(s, add(1, 'b'));
    expect(h.size).toBe(3);
  });

  it('record() keeps a change already applied', () => {
    const h = new UndoHistory<Record<string, string>>();
    const state = { a: 'new' };
    h.record(setKeyCommand('a', 'old', 'new'));
    expect(h.undo(state)).toEqual({ a: 'old' });
  });
});
