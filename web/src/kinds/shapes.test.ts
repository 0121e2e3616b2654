import { describe, expect, it } from 'vitest';
import { applyShortcutSettings, classesOf, nextId, predictedShapes, tallyPredictions, touched } from './shapes';

describe('shape helpers', () => {
  it('assigns colours and keys to classes, skipping reserved keys', () => {
    const cls = classesOf({ name: 'q', kind: 'bbox', classes: ['car', { name: 'person', shortcut: 'p', color: '#123456' }, 'bike'] }, ['1']);
    expect(cls.map((c) => [c.name, c.key])).toEqual([
      ['car', '2'],
      ['person', 'p'],
      ['bike', '3'],
    ]);
    expect(cls[1]!.color).toBe('#123456');
  });

  it('makes the next id', () => {
    expect(nextId('b', [{ id: 'b1' }, { id: 'b7' }, { id: 'x9' }])).toBe('b8');
    expect(nextId('b', [])).toBe('b1');
  });

  it('marks edited predictions as changed', () => {
    expect(touched({ origin: 'prediction' as const }).origin).toBe('changed');
    expect(touched({ origin: 'human' as const }).origin).toBe('human');
  });

  it('builds starting shapes from predictions and tallies what happened to them', () => {
    const q = { name: 'objects', kind: 'bbox' };
    const preds = [
      { id: 7, source: 'm', score: null, result: { objects: { boxes: [{ id: 'a', x: 1, y: 1, w: 2, h: 2, label: 'car' }, { id: 'b', x: 5, y: 5, w: 2, h: 2, label: 'car' }] } } },
      { id: 8, source: 'n', score: null, result: { other: {} } },
    ];
    const shapes = predictedShapes<{ id: string; x: number }>(q, preds, 'boxes', 'b');
    expect(shapes.map((s) => [s.id, s.prediction_id, s.origin])).toEqual([
      ['b1', '7:a', 'prediction'],
      ['b2', '7:b', 'prediction'],
    ]);
    const initial = { objects: { boxes: shapes } };
    const final = { objects: { boxes: [{ ...shapes[0], origin: 'changed' }] } };
    expect(tallyPredictions(initial, final)).toEqual({ accepted: [], changed: ['7:a'], deleted: ['7:b'] });
  });
});

describe('applyShortcutSettings', () => {
  const q = { name: 'animal', kind: 'classification', classes: ['cat', { name: 'dog', shortcut: 'd' }] };
  it('keeps class keys unless the schema turns shortcuts off', () => {
    const on = { fields: [], questions: [q], shortcuts: { enabled: true } };
    expect(applyShortcutSettings(on)).toBe(on);
    expect(classesOf(applyShortcutSettings(on).questions[0]!).map((c) => c.key)).toEqual(['1', 'd']);
  });

  it('gives no class a key when shortcuts.enabled is false', () => {
    const off = applyShortcutSettings({ fields: [], questions: [q], shortcuts: { enabled: false } });
    expect(classesOf(off.questions[0]!).map((c) => c.key)).toEqual([null, null]);
    expect(q).not.toHaveProperty('class_keys');
  });
});
