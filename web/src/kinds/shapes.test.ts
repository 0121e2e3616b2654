import { describe, expect, it } from 'vitest';
import { classesOf, nextId, predictedShapes, tallyPredictions, touched } from './shapes';

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
      { id: 7, source: 'm', result: { objects: { boxes: [{ id: 'a', x: 1, y: 1, w: 2, h: 2, label: 'car' }, { id: 'b', x: 5, y: 5, w: 2, h: 2, label: 'car' }] } } },
      { id: 8, source: 'n', result: { other: {} } },
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
