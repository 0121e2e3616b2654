import { describe, expect, it } from 'vitest';
import type { LabelingSchema } from '../../api/types';
import { startingAnswers } from '../workspace/answers';
import { goldAnswerOf } from './goldAnswer';

const schema: LabelingSchema = {
  fields: [{ name: 'image', type: 'image' }, { name: 'text', type: 'text' }],
  questions: [
    { name: 'objects', kind: 'bbox', field: 'image', classes: ['car'] },
    { name: 'sentiment', kind: 'classification', classes: ['pos', 'neg'] },
    { name: 'fix', kind: 'free_text', prefill_from: 'text', required: false },
  ],
};
const item = { id: 1, external_id: '1', data: { image: '/m/1', text: 'teh cat' }, priority: 0, stage: 'annotate', submitted_count: 0, created_at: '' };
const box = { id: 'b1', x: 1, y: 2, w: 3, h: 4, label: 'car' };

describe('goldAnswerOf', () => {
  it('keeps only the questions the lead answered', () => {
    const start = startingAnswers(schema, item, []);
    expect(goldAnswerOf(schema, item, start, null)).toEqual({ answer: {}, problems: [] });
    const chosen = { ...start, sentiment: { labels: ['neg'] }, objects: { boxes: [box] } };
    expect(goldAnswerOf(schema, item, chosen, null)).toEqual({ answer: { sentiment: { labels: ['neg'] }, objects: { boxes: [box] } }, problems: [] });
  });

  it('keeps an empty answer that the gold answer already had', () => {
    const start = { ...startingAnswers(schema, item, []), sentiment: { labels: ['pos'] } };
    const got = goldAnswerOf(schema, item, start, { objects: { boxes: [] }, sentiment: { labels: ['pos'] } });
    expect(got.answer).toEqual({ objects: { boxes: [] }, sentiment: { labels: ['pos'] } });
  });

  it('reports an incomplete answer', () => {
    const multi: LabelingSchema = { ...schema, questions: [{ name: 'tags', kind: 'classification', classes: ['a', 'b', 'c'], multiple: true, min_choices: 2 }] };
    const got = goldAnswerOf(multi, item, { tags: { labels: ['a'] } }, null);
    expect(got).toEqual({ answer: {}, problems: [{ question: 'tags', message: 'choose at least 2' }] });
  });
});
