// Building the starting answers of an item and the result that is submitted.
import type { Draft, Item, LabelingSchema, Prediction } from '../../api/types';
import { kindOf } from '../../kinds/registry';
import type { Result } from './workspaceStore';

/** Starting answers: model predictions where a tool can use them, else each kind's empty value. */
export function startingAnswers(schema: LabelingSchema, item: Item, predictions: readonly Prediction[]): Result {
  const out: Result = {};
  for (const q of schema.questions) {
    const kind = kindOf(q.kind);
    out[q.name] = kind.fromPredictions?.(q, predictions) ?? kind.emptyValue(q, item);
  }
  return out;
}

/** A saved draft wins over the starting answers, question by question. */
export function withDraft(start: Result, draft: Draft | Result | null | undefined): Result {
  const saved = draft && typeof draft === 'object' && 'result' in draft && typeof draft.result === 'object' ? (draft.result as Result) : (draft as Result | null);
  if (!saved) return start;
  const out = { ...start };
  for (const [k, v] of Object.entries(saved)) if (k in start && v !== undefined) out[k] = v;
  return out;
}

export interface Problem {
  question: string;
  message: string;
}

/**
 * The result to submit: answered questions only. Unanswered optional questions are left out;
 * unanswered required ones are reported.
 */
export function finalResult(schema: LabelingSchema, answers: Result): { result: Result; problems: Problem[] } {
  const result: Result = {};
  const problems: Problem[] = [];
  for (const q of schema.questions) {
    const v = answers[q.name];
    const problem = v == null ? 'not answered' : kindOf(q.kind).problem?.(q, v as never) ?? null;
    if (!problem) result[q.name] = v;
    else if (q.required !== false) problems.push({ question: q.name, message: problem });
  }
  return { result, problems };
}
