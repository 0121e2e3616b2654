import { describe, expect, it } from 'vitest';
import type { LabelingSchema } from '../../api/types';
import { finalResult, startingAnswers, withDraft } from './answers';

const schema: LabelingSchema = {
  fields: [{ name: 'image', type: 'image' }, { name: 'text', type: 'text' }],
  questions: [
    { name: 'objects', kind: 'bbox', field: 'image', classes: ['car'] },
    { name: 'sentiment', kind: 'classification', classes: ['pos', 'neg'] },
    { name: 'note', kind: 'free_text', required: false },
    { name: 'fix', kind: 'free_text', prefill_from: 'text', required: false },
  ],
};
const item = { id: 1, external_id: '1', data: { image: '/m/1', text: 'teh cat' }, priority: 0, stage: 'annotate', submitted_count: 0, created_at: '' };

describe('answers', () => {
  it('starts from predictions where possible', () => {
    const start = startingAnswers(schema, item, [{ id: 3, source: 'm', score: null, result: { objects: { boxes: [{ id: 'x', x: 1, y: 2, w: 3, h: 4, label: 'car' }] }, sentiment: { labels: ['neg'] } } }]);
    expect(start.objects).toEqual({ boxes: [{ id: 'b1', x: 1, y: 2, w: 3, h: 4, label: 'car', prediction_id: '3:x', origin: 'prediction' }] });
    expect(start.sentiment).toEqual({ labels: ['neg'] });
    expect(start.fix).toEqual({ text: 'teh cat' });
  });

  it('lets a draft override, ignoring unknown questions', () => {
    const start = startingAnswers(schema, item, []);
    const merged = withDraft(start, { result: { sentiment: { labels: ['pos'] }, gone: 1 } });
    expect(merged.sentiment).toEqual({ labels: ['pos'] });
    expect('gone' in merged).toBe(false);
  });

  it('reports required questions and drops empty optional ones', () => {
    const start = startingAnswers(schema, item, []);
    const { result, problems } = finalResult(schema, start);
    expect(problems).toEqual([{ question: 'sentiment', message: 'choose one class' }]);
    expect(result).toEqual({ objects: { boxes: [] }, fix: { text: 'teh cat' } });
  });
});
