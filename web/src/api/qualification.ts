// Guideline images, re-check of affected items, and qualification quizzes: endpoint functions
// and their types (written by hand until the generated client includes them).
import { api } from './client';
import type { Id, Item, User } from './types';

// ---- guideline images --------------------------------------------------------------------------
export interface GuidelineAsset {
  id: number;
  /** What Markdown names: `![alt](asset:<id>)`. */
  ref: string;
  url: string;
  content_type: string;
  size: number;
  width: number;
  height: number;
  filename: string;
  sha256: string;
  created_at: string;
}

/** The largest image the server accepts (bytes). */
export const MAX_ASSET_BYTES = 1_500_000;
export const ASSET_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'];

export const guidelineAssets = {
  list: (pid: Id) => api.get<GuidelineAsset[]>(`/projects/${pid}/guideline/assets`),
  upload(pid: Id, file: Blob, filename: string): Promise<GuidelineAsset> {
    const form = new FormData();
    form.append('file', file, filename);
    return api.upload<GuidelineAsset>(`/projects/${pid}/guideline/assets`, form);
  },
};

// ---- re-check ----------------------------------------------------------------------------------
export type RecheckStage = 'review' | 'annotate';

export interface RecheckBody {
  stage: RecheckStage;
  /** null: every listed (affected) item. */
  item_ids?: number[] | null;
  label?: string | null;
  /** One section (with its subsections), or the sections the version changed. */
  section?: string | null;
  changed_sections?: boolean;
}

export interface RecheckResult {
  stage: RecheckStage;
  sent: number;
  already_pending: number;
  in_progress: number;
  already_reviewed: number;
  up_to_date: number;
  truncated: boolean;
  item_ids: number[];
}

export const recheck = (pid: Id, version: number, body: RecheckBody) =>
  api.post<RecheckResult>(`/projects/${pid}/guideline/versions/${version}/recheck`, body);

// ---- quizzes -----------------------------------------------------------------------------------
export type QuestionKind = 'single' | 'multiple';

/** A question as a lead writes it (answers included). */
export interface QuizQuestion {
  id: string;
  text: string;
  kind: QuestionKind;
  options: string[];
  correct: number[];
  explanation: string;
}

/** A gold entry as a lead writes it: a gold item of the project, answered like a task. */
export interface GoldEntryBody {
  id: string;
  kind: 'gold';
  item_id: number;
  /** What to do with the item; may be empty. */
  text: string;
  explanation: string;
}

/** A saved gold entry: the answer the quiz expects (the gold answer when it was saved). */
export interface GoldEntry extends GoldEntryBody {
  external_id: string;
  answer: Record<string, unknown>;
  /** The item's gold answer changed (or it is gold no more) since the quiz was saved. */
  gold_changed: boolean;
}

export interface QuizBody {
  questions: (QuizQuestion | GoldEntryBody)[];
  pass_mark: number;
  max_attempts: number;
  cooldown_minutes: number;
  enabled: boolean;
}

export interface Quiz extends Omit<QuizBody, 'questions'> {
  questions: (QuizQuestion | GoldEntry)[];
  id: number;
  guideline_version: number;
  revision: number;
  updated_at: string;
}

/** A question as a taker sees it: no answers. */
export interface AskedQuestion {
  id: string;
  text: string;
  kind: QuestionKind;
  options: string[];
}

/** A gold entry as a taker sees it: the item to annotate, never its answer. */
export interface AskedGoldEntry {
  id: string;
  text: string;
  kind: 'gold';
  item: Item;
}

export interface AskedQuiz {
  id: number;
  guideline_version: number;
  pass_mark: number;
  max_attempts: number;
  cooldown_minutes: number;
  questions: (AskedQuestion | AskedGoldEntry)[];
}

/** A gold item a quiz may use, for the editor's picker. */
export interface GoldCandidate {
  item_id: number;
  external_id: string;
  preview: string;
  answer: Record<string, unknown>;
}

export interface Attempt {
  id: number;
  score: number;
  passed: boolean;
  created_at: string;
}

export interface QualificationState {
  quiz: AskedQuiz | null;
  required: boolean;
  passed: boolean;
  attempts_used: number;
  attempts_left: number;
  retry_at: string | null;
  last_attempt: Attempt | null;
}

export interface QuestionFeedback {
  id: string;
  correct: boolean;
  chosen: number[];
  explanation: string;
  /** Only once the quiz is passed. */
  correct_options: number[] | null;
}

export interface GoldEntryFeedback {
  id: string;
  kind: 'gold';
  correct: boolean;
  /** The kind's score against the gold answer, 0–1. */
  score: number;
  explanation: string;
}

export interface AttemptResult {
  attempt: Attempt;
  pass_mark: number;
  attempts_left: number;
  retry_at: string | null;
  questions: (QuestionFeedback | GoldEntryFeedback)[];
}

/** A choice question's options, or a gold entry's result keyed by question name. */
export type QuizAnswer = number[] | Record<string, unknown>;

export interface PersonResult {
  user: User;
  role: string;
  attempts: number;
  counted: number;
  best_score: number | null;
  passed: boolean;
  last_at: string | null;
}

export const qualification = {
  state: (pid: Id) => api.get<QualificationState>(`/projects/${pid}/qualification`),
  attempt: (pid: Id, quizId: number, answers: Record<string, QuizAnswer>) =>
    api.post<AttemptResult>(`/projects/${pid}/qualification/attempts`, { quiz_id: quizId, answers }),
  quizzes: (pid: Id) => api.get<Quiz[]>(`/projects/${pid}/qualification/quizzes`),
  save: (pid: Id, version: number, body: QuizBody) => api.put<Quiz>(`/projects/${pid}/qualification/quizzes/${version}`, body),
  goldItems: (pid: Id) => api.get<GoldCandidate[]>(`/projects/${pid}/qualification/gold-items`),
  results: (pid: Id, version: number) => api.get<PersonResult[]>(`/projects/${pid}/qualification/quizzes/${version}/results`),
  grant: (pid: Id, version: number, userId: number) =>
    api.post<{ set_aside: number }>(`/projects/${pid}/qualification/quizzes/${version}/grants`, { user_id: userId }),
};
