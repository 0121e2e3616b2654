// The gold answer a lead writes with the annotation tools: the questions they answered.
import type { Item, LabelingSchema } from '../../api/types';
import { kindOf } from '../../kinds/registry';
import type { Problem } from '../workspace/answers';
import type { Result } from '../workspace/workspaceStore';

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The answer to store as gold from what the lead drew or chose. A gold answer may leave
 * questions out (they are not scored), so a question still at its tool's empty value is left
 * out rather than reported, unless the answer the lead started from had it (an existing gold
 * answer of "no boxes", say). An answered question the tool finds incomplete is a problem.
 */
export function goldAnswerOf(schema: LabelingSchema, item: Item, answers: Result, startedFrom: Result | null): { answer: Result; problems: Problem[] } {
  const answer: Result = {};
  const problems: Problem[] = [];
  for (const q of schema.questions) {
    const v = answers[q.name];
    if (v == null) continue;
    const kind = kindOf(q.kind);
    const kept = startedFrom != null && startedFrom[q.name] != null;
    if (!kept && same(v, kind.emptyValue(q, item))) continue;
    const problem = kind.problem?.(q, v as never) ?? null;
    if (problem) problems.push({ question: q.name, message: problem });
    else answer[q.name] = v;
  }
  return { answer, problems };
}
