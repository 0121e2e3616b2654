// Quiz entries made of gold items, beside the choice questions: drafts, the checks before a
// save, the results a taker sends and a short line for an expected answer.
import { quizProblems, type QuizQuestionDraft } from './guideline';

export interface GoldEntryDraft {
  id: string;
  kind: 'gold';
  /** null until the lead picks an item. */
  item_id: number | null;
  text: string;
  explanation: string;
  /** Known once saved: the external id, the expected answer and whether the gold changed. */
  external_id?: string;
  answer?: Record<string, unknown>;
  gold_changed?: boolean;
}

export type QuizEntryDraft = QuizQuestionDraft | GoldEntryDraft;

export function isGoldEntry<T extends { kind: string }>(q: T): q is Extract<T, { kind: 'gold' }> {
  return q.kind === 'gold';
}

/** A fresh gold entry whose id is not yet taken ("g1", "g2", …). */
export function newGoldEntry(taken: readonly { id: string }[]): GoldEntryDraft {
  const ids = new Set(taken.map((q) => q.id));
  let n = 1;
  while (ids.has(`g${n}`)) n++;
  return { id: `g${n}`, kind: 'gold', item_id: null, text: '', explanation: '' };
}

/** What keeps a quiz of choice questions and gold entries from being saved. */
export function quizEntryProblems(entries: readonly QuizEntryDraft[], passMark: number, maxAttempts: number, cooldown: number): string[] {
  // The shared checks (settings, unique ids) see a gold entry as a well-formed question, so
  // each problem keeps the entry's place in the list.
  const asChoice = entries.map<QuizQuestionDraft>((e) =>
    isGoldEntry(e) ? { id: e.id, text: 'gold', kind: 'single', options: ['a', 'b'], correct: [0], explanation: '' } : e,
  );
  const out = quizProblems(asChoice, passMark, maxAttempts, cooldown);
  const items = new Set<number>();
  entries.forEach((e, n) => {
    if (!isGoldEntry(e)) return;
    if (e.item_id === null) out.push(`Question ${n + 1}: pick a gold item.`);
    else if (items.has(e.item_id)) out.push(`Question ${n + 1}: this gold item is already in the quiz.`);
    else items.add(e.item_id);
  });
  return out;
}

/** The entries as the server takes them (what only the editor shows is left out). */
export function quizEntriesBody(entries: readonly QuizEntryDraft[]) {
  return entries.map((e) =>
    isGoldEntry(e) ? { id: e.id, kind: 'gold' as const, item_id: e.item_id ?? 0, text: e.text, explanation: e.explanation } : e,
  );
}

function describeValue(name: string, v: unknown): string {
  if (v === null || v === undefined) return 'none';
  if (typeof v !== 'object') return String(v);
  const o = v as Record<string, unknown>;
  if (Array.isArray(o.labels)) return o.labels.length ? o.labels.map(String).join(', ') : 'none';
  if ('value' in o) return String(o.value);
  if (typeof o.text === 'string') return `“${o.text.length > 40 ? `${o.text.slice(0, 39)}…` : o.text}”`;
  if ('choice' in o) return String(o.choice);
  if (Array.isArray(o.order)) return o.order.map(String).join(' > ');
  const list = Object.entries(o).find(([, x]) => Array.isArray(x));
  if (list) return `${(list[1] as unknown[]).length} ${list[0]}`;
  return name;
}

/** An expected answer in one line: "sentiment: neg · tags: irony, praise". */
export function describeAnswer(answer: Record<string, unknown> | null | undefined): string {
  if (!answer) return '';
  return Object.entries(answer)
    .map(([name, v]) => `${name}: ${describeValue(name, v)}`)
    .join(' · ');
}

/** A score in [0, 1] as a whole percentage. */
export function scorePercent(score: number): string {
  return `${Math.round(score * 100)}%`;
}
