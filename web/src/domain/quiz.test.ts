import { describe, expect, it } from 'vitest';
import { describeAnswer, isGoldEntry, newGoldEntry, quizEntriesBody, quizEntryProblems, scorePercent, type QuizEntryDraft } from './quiz';

const choice = { id: 'q1', text: 'Which?', kind: 'single' as const, options: ['a', 'b'], correct: [1], explanation: '' };

describe('gold entries of a quiz', () => {
  it('numbers new gold entries past the ids taken', () => {
    expect(newGoldEntry([]).id).toBe('g1');
    expect(newGoldEntry([{ id: 'g1' }, { id: 'q2' }, { id: 'g3' }]).id).toBe('g2');
    expect(newGoldEntry([])).toEqual({ id: 'g1', kind: 'gold', item_id: null, text: '', explanation: '' });
  });

  it('tells gold entries from choice questions', () => {
    const entries: QuizEntryDraft[] = [choice, { ...newGoldEntry([]), item_id: 4 }];
    expect(entries.map((e) => isGoldEntry(e))).toEqual([false, true]);
  });

  it('lists what keeps a mixed quiz from being saved, each at its place', () => {
    const gold = { ...newGoldEntry([choice]), item_id: 7 };
    expect(quizEntryProblems([choice, gold], 80, 3, 0)).toEqual([]);
    expect(quizEntryProblems([gold, { ...choice, text: '' }, { ...gold, id: 'g2' }, { ...gold, id: 'g3', item_id: null }], 80, 3, 0)).toEqual([
      'Question 2: write the question.',
      'Question 3: this gold item is already in the quiz.',
      'Question 4: pick a gold item.',
    ]);
    expect(quizEntryProblems([gold, { ...gold, item_id: 8 }], 80, 3, 0)).toEqual(['Question 2: its id must be unique.']);
  });

  it('sends only what the server takes', () => {
    const saved = { ...newGoldEntry([]), item_id: 7, external_id: 'x7', answer: { s: { labels: ['a'] } }, gold_changed: true };
    expect(quizEntriesBody([choice, saved])).toEqual([choice, { id: 'g1', kind: 'gold', item_id: 7, text: '', explanation: '' }]);
  });

  it('describes an expected answer in one line', () => {
    expect(
      describeAnswer({
        sentiment: { labels: ['neg'] },
        tags: { labels: ['irony', 'praise'] },
        stars: { value: 4 },
        note: { text: 'a'.repeat(50) },
        objects: { boxes: [{}, {}] },
        order: { order: ['b', 'a'] },
      }),
    ).toBe(`sentiment: neg · tags: irony, praise · stars: 4 · note: “${'a'.repeat(39)}…” · objects: 2 boxes · order: b > a`);
    expect(describeAnswer(null)).toBe('');
    expect(scorePercent(0.754)).toBe('75%');
  });
});
