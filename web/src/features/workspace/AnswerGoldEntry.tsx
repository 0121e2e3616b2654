// A quiz entry made of a gold item: the item with the workspace's tools, answered like a task.
// The answers of every gold entry of a quiz live in one small store, so that one question's
// change re-renders one tool and only one question at a time takes keyboard shortcuts.
import { useMemo } from 'react';
import { create, type StoreApi, type UseBoundStore } from 'zustand';
import type { AskedGoldEntry } from '../../api/qualification';
import type { LabelingSchema } from '../../api/types';
import { AnswerQuestions, type AnswerSource } from './AnswerQuestions';
import type { Result } from './workspaceStore';

interface QuizAnswersState {
  /** Entry id -> that entry's answers by question name. */
  results: Record<string, Result>;
  active: { entry: string; question: string } | null;
  answer(entry: string, question: string, value: unknown): void;
  activate(entry: string, question: string): void;
  reset(results: Record<string, Result>): void;
}

export type QuizAnswers = UseBoundStore<StoreApi<QuizAnswersState>>;

export function createQuizAnswers(): QuizAnswers {
  return create<QuizAnswersState>((set) => ({
    results: {},
    active: null,
    answer: (entry, question, value) =>
      set((s) => ({ results: { ...s.results, [entry]: { ...s.results[entry], [question]: value } }, active: { entry, question } })),
    activate: (entry, question) => set({ active: { entry, question } }),
    reset: (results) => set({ results, active: null }),
  }));
}

export function AnswerGoldEntry({ entry, schema, store }: { entry: AskedGoldEntry; schema: LabelingSchema; store: QuizAnswers }) {
  const active = store((s) => (s.active?.entry === entry.id ? s.active.question : null));
  const source = useMemo<AnswerSource>(
    () => ({
      useAnswer: (question) => store((s) => s.results[entry.id]?.[question]),
      onAnswer: (question, value) => store.getState().answer(entry.id, question, value),
      active,
      onActivate: (question) => store.getState().activate(entry.id, question),
      guideline: null,
    }),
    [store, entry.id, active],
  );
  return (
    <div className="quiz-gold">
      <p className="quiz-gold-title">
        {entry.text ? <span className="pre">{entry.text}</span> : 'Annotate this item as the guideline says.'}{' '}
        <span className="muted small">(item {entry.item.external_id || entry.item.id})</span>
      </p>
      <AnswerQuestions schema={schema} item={entry.item} source={source} />
    </div>
  );
}
