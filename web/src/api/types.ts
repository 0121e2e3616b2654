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
