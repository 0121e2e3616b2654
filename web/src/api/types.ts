// Shapes of the REST contract. Every server shape comes from the generated files in ./generated
// (`npm run gen:api`); what is written here only narrows them where the client knows more (the
// schema of a project, the probed media facts) or describes client-side things.
import type * as Api from './generated/openapi';
import type * as Kinds from './generated/kinds';

export type Id = number;
export type Role = 'lead' | 'reviewer' | 'annotator' | 'viewer';
export type Stage = Api.NextIn['stage'] & string;

export type User = Api.UserRead;
export type SessionInfo = Api.MeRead;

/** A page of a list endpoint; the generated pages are this with a concrete item type. */
export interface Page<T> {
  items: T[];
  next_cursor?: string | null;
}

// ---- schema (generated from the kinds' pydantic models) ------------------------------------

export type FieldSpec = Kinds.FieldSpec;
export type FieldType = FieldSpec['type'];
export type ClassSpec = Kinds.ClassSpec;
export type ShortcutSettings = Kinds.ShortcutSettings;
/** One question of a built-in kind, discriminated by `kind`. */
export type QuestionConfig = Kinds.LabelingSchema['questions'][number];
export type KindName = Kinds.KindName;
export type KindResults = Kinds.KindResults;

/**
 * A question as the tools read it: the fields every kind has, with the kind's own options looked
 * up by name (a plugin kind the client has no types for is still a question).
 */
export type QuestionSpec = Pick<QuestionConfig, 'name' | 'title' | 'help' | 'required' | 'field' | 'guideline_section'> & {
  kind: string;
  classes?: (string | ClassSpec)[];
  /** Client-side: false when the schema turns class shortcuts off (`shortcuts.enabled: false`). */
  class_keys?: boolean;
  [option: string]: unknown;
};

export type LabelingSchema = Omit<Kinds.LabelingSchema, 'questions'> & { questions: QuestionSpec[] };

export type SchemaValidation = Omit<Api.SchemaValidation, 'schema'> & { schema?: LabelingSchema | null };

// ---- projects ------------------------------------------------------------------------------

export type Project = Omit<Api.ProjectRead, 'schema' | 'role'> & { schema: LabelingSchema; role?: Role | null };
export type ProjectCreate = Omit<Api.ProjectCreate, 'schema'> & { schema?: LabelingSchema | null };
export type ProjectUpdate = Api.ProjectUpdate;
export type SchemaVersionInfo = Omit<Api.SchemaVersionRead, 'schema'> & { schema: LabelingSchema };
export type Member = Omit<Api.MemberRead, 'role'> & { role: Role };
export type WorkEntry = Omit<Api.WorkRead, 'project' | 'available'> & {
  project: Project;
  /** Items available per stage the person works. */
  available: Partial<Record<Stage, number>>;
};
export type ProjectStats = Api.ProjectStats;

// ---- items, leases, annotations ------------------------------------------------------------

/** Probed facts of a media field (width, height, duration ...), plus optional preview URL. */
export interface MediaInfo {
  url?: string;
  preview_url?: string | null;
  width?: number | null;
  height?: number | null;
  duration?: number | null;
  [extra: string]: unknown;
}

export type Prediction = Api.PredictionRead;
export type Annotation = Api.AnnotationRead;

/** An item as the queue and lists send it; the detail route adds predictions and annotations. */
export type Item = Omit<Api.ItemRead, 'media'> & {
  media?: Record<string, MediaInfo>;
  predictions?: Prediction[];
  annotations?: Annotation[];
};
export type Lease = Api.LeaseRead;
export type Draft = Api.DraftIn & { updated_at?: string };

type NextRead = Api.NextRead;
/** The queue's answer, narrowed by status (the generated shape has every member optional). */
export type QueueNext =
  | { status: 'assigned'; lease: Lease; item: Item; draft: Draft | null; predictions?: Prediction[]; schema_version?: NextRead['schema_version'] }
  | { status: 'empty' }
  | { status: 'all_leased'; retry_after: number };

export type SubmitBody = Api.SubmitIn;
export type HistoryEntry = Omit<Api.HistoryEntry, 'item'> & { item: Item };

// ---- imports, exports, jobs ----------------------------------------------------------------

export type ImportRecord = Omit<Api.ImportRead, 'kind' | 'status'> & {
  kind: 'items' | 'predictions';
  status: 'pending' | 'running' | 'done' | 'failed';
};
export type Job = Api.JobRead;

// ---- guidelines ----------------------------------------------------------------------------

export type GuidelineVersion = Api.GuidelineRead;
export type GuidelineState = Api.GuidelineState;
export type PendingAck = Api.PendingAckRead;
export type GuidelinePublish = Api.GuidelinePublish;
export type GuidelineDiff = Api.DiffRead;
export type GuidelineAck = Api.AckRead;
export type AckEntry = Omit<Api.AckEntry, 'role'> & { role: Role };
export type AffectedItem = Omit<Api.AffectedItem, 'item'> & { item: Item };

// ---- quality: settings, review, rework, gold, dashboard --------------------------------------

export type QualitySettings = Api.QualitySettings;
export type ReviewSettings = Api.ReviewSettings;
export type GoldSettings = Api.GoldSettings;
export type ErrorCode = Api.ErrorCode;
export type ReviewMode = NonNullable<ReviewSettings['mode']>;
export type Verdict = Api.ReviewIn['verdict'];
export type ReviewIn = Api.ReviewIn;
export type ReviewResult = Api.ReviewResult;
export type ReviewVerdict = Omit<Api.ReviewVerdictRead, 'verdict'> & { verdict: Verdict };
export type ReworkEntry = Api.ReworkRead;
export type GoldEntry = Api.GoldRead;

export interface GoldFeedback {
  score: number;
  passed: boolean;
  feedback: string | null;
}

/** What a submit answers with beside the stored annotation: `gold` only after a gold item's
 * submit in a project whose gold feedback is on (otherwise a gold submit looks like any other). */
export interface SubmitAnswer {
  version?: number;
  gold?: GoldFeedback | null;
  meta?: Record<string, unknown>;
  rework_done?: boolean;
}

/** A value with its 95% interval, as the quality views send it. */
export type Interval = [number | null, number | null] | null;

export interface LabelAgreement {
  label: string;
  chosen: number;
  value: number | null;
  ci: Interval;
}

export interface QuestionAgreement {
  question: string;
  kind: string;
  items: number;
  metric: string | null;
  value: number | null;
  ci: Interval;
  n_items: number;
  higher_is_better: boolean;
  percent_agreement: number | null;
  labels: LabelAgreement[];
  error?: string;
}

export interface ScoreSummary {
  n: number;
  mean: number | null;
  correct: number;
  accuracy: number | null;
  ci: Interval;
}

export interface GoldAnnotator {
  user_id: Id;
  username: string;
  scored: number;
  mean_score: number;
  passed: number;
  accuracy: number;
  ci: Interval;
  rolling_accuracy: number | null;
  flagged: boolean;
  paused: boolean;
}

export interface GoldSummary {
  gold_items: number;
  scored: number;
  accuracy: number | null;
  annotators: GoldAnnotator[];
}

export interface AnnotatorReliability {
  annotators: {
    user_id: Id;
    username: string | null;
    items: number;
    consensus: Record<string, ScoreSummary | null>;
    gold: GoldAnnotator | null;
    confusion: Record<string, number[][]>;
  }[];
  labels: Record<string, string[]>;
}

export interface ErrorFilters {
  annotator?: string;
  code?: string;
  label?: string;
  week?: string;
}

export interface ParetoRow {
  code: string;
  title: string | null;
  section: string | null;
  count: number;
  share: number;
  cumulative_share: number;
}

export interface VerdictCounts {
  reviewed: number;
  accepted: number;
  fixed: number;
  rejected: number;
  error_rate: number;
  codes: Record<string, number>;
}

export type ByAnnotatorRow = VerdictCounts & { annotator: string };
export type ByLabelRow = VerdictCounts & { label: string };
export type ByWeekRow = VerdictCounts & { week: string };
export type TrendRow = VerdictCounts & { annotator: string; week: string };
export interface BySectionRow {
  section: string;
  count: number;
  share: number;
}

export interface LabelConfusion {
  question: string;
  labels: string[];
  matrix: number[][];
}

export interface CoachingRow {
  verdict_id: Id;
  item_id: Id;
  annotator: string;
  verdict: Verdict;
  error_codes: string[];
  comment: string;
  fixed_annotation_id: Id | null;
  created_at: string;
}
