import { describe, expect, it } from 'vitest';
import { goldToastOf } from './ShowGoldFeedback';

describe('goldToastOf', () => {
  it('shows nothing when the answer carries no gold feedback', () => {
    expect(goldToastOf({ version: 1 }, 5)).toBeNull();
    expect(goldToastOf({ version: 1, gold: null }, 5)).toBeNull();
    expect(goldToastOf(undefined, 5)).toBeNull();
    // the annotation's own meta is the annotator's, never a verdict
    expect(goldToastOf({ meta: { gold: { score: 0, passed: false, feedback: 'x' } } }, 5)).toBeNull();
  });

  it('shows the feedback, or a miss without it', () => {
    expect(goldToastOf({ gold: { score: 0.5, passed: false, feedback: 'Read 2.1.' } }, 7)).toEqual({ feedback: 'Read 2.1.', passed: false, score: 0.5, at: 7 });
    expect(goldToastOf({ gold: { score: 0, passed: false, feedback: null } }, 7)).toEqual({ feedback: '', passed: false, score: 0, at: 7 });
    expect(goldToastOf({ gold: { score: 1, passed: true, feedback: '' } }, 7)).toBeNull();
    expect(goldToastOf({ gold: { score: 1, passed: true, feedback: 'Good.' } }, 7)?.passed).toBe(true);
  });
});
