// Shapes of the REST contract (docs/api.md). Replaced by the generated schema.d.ts once the
// OpenAPI document is stable; keep names aligned with it.

export type Id = number;
export type Role = 'lead' | 'reviewer' | 'annotator' | 'viewer';
export type Stage = 'annotate' | 'review';

export interface User {
  id: Id;
  username: string;
  display_name: string;
  is_admin: boolean;
}

export interface SessionInfo {
  user: User;
  csrf_token: string;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

// ---- schema ----------------------------------------------------------------------------------

export type FieldType = 'text' | 'image' | 'audio' | 'video' | 'conversation' | 'markdown' | 'number' | 'json';

export interface FieldSpec {
  name: string;
  type: FieldType;
  title?: string | null;
  required?: boolean;
}

export interface ClassSpec {
  name: string;
  shortcut?: string | null;
  color?: string | null;
  description?: string | null;
}

export interface QuestionSpec {
  name: string;
  kind: string;
  title?: string | null;
  help?: string | null;
  required?: boolean;
  field?: string | null;
  guideline_section?: string | null;
  classes?: (string | ClassSpec)[];
  [option: string]: unknown;
}

export interface LabelingSchema {
  fields: FieldSpec[];
  questions: QuestionSpec[];
  [extra: string]: unknown;
}

export interface SchemaValidation {
  valid: boolean;
  errors: { path: string; message: string }[];
  schema: LabelingSchema | null;
}

// ---- projects ------------------------------------------------------------------------------

export interface Project {
  id: Id;
  name: string;
  description: string;
  instructions: string;
  overlap: number;
  lease_seconds: number;
  schema: LabelingSchema;
  schema_version?: number | null;
  schema_text?: string | null;
  role?: Role | null;
  created_at?: string;
}

export interface SchemaVersionInfo {
  id: Id;
  version: number;
  schema: LabelingSchema;
  source_text?: string | null;
  created_at: string;
}

export interface Member {
  user: User;
  role: Role;
}

export interface WorkEntry {
  project: Project;
  done_today: number;
  done_total: number;
  /** Items available per stage the person works. */
  available: Partial<Record<Stage, number>>;
}

export interface ProjectStats {
  items: number;
  stages: { stage: string; items: number; open_slots: number }[];
  live_leases: number;
  annotations: number;
  annotators: number;
  submitted_today: number;
}

export interface LeaseInfo {
  id: Id;
  item_id: Id;
  user_id?: Id;
  username?: string;
  stage?: string;
  expires_at: string;
  leased_at?: string;
}

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

export interface Prediction {
  id: Id;
  source: string;
  score?: number | null;
  result: Record<string, unknown>;
}

export interface Annotation {
  id: Id;
  item_id: Id;
  user_id: Id;
  annotator?: string | null;
  version: number;
  base_version?: number | null;
  stage?: string;
  result: Record<string, unknown>;
  meta?: Record<string, unknown>;
  active_ms: number;
  lease_expired?: boolean;
  created_at: string;
}

export interface Item {
  id: Id;
  project_id?: Id;
  external_id?: string;
  data: Record<string, unknown>;
  media?: Record<string, MediaInfo>;
  /** Short-lived signed URLs per media field. */
  media_urls?: Record<string, string>;
  meta?: Record<string, unknown>;
  predictions?: Prediction[];
  annotations?: Annotation[];
  stage?: string;
  state?: string;
  priority?: number;
  submitted_count?: number;
  created_at?: string;
}

export interface Lease {
  id: Id;
  item_id: Id;
  stage: string;
  status?: string;
  leased_at?: string;
  expires_at: string;
  active_ms?: number;
}

export interface Draft {
  result: Record<string, unknown>;
  base_version?: number | null;
  updated_at?: string;
}

export type QueueNext =
  | { status: 'assigned'; lease: Lease; item: Item; draft: Draft | null; predictions?: Prediction[]; schema_version?: number | null }
  | { status: 'empty' }
  | { status: 'all_leased'; retry_after: number };

export interface SubmitBody {
  result: Record<string, unknown>;
  lease_id: Id | null;
  idempotency_key: string;
  base_version: number | null;
  active_ms: number;
  meta?: Record<string, unknown>;
}

export interface HistoryEntry {
  annotation: Annotation;
  item: Item;
}

// ---- imports, exports, jobs ----------------------------------------------------------------

export interface ImportRecord {
  id: Id;
  kind: 'items' | 'predictions';
  filename: string;
  status: 'pending' | 'running' | 'done' | 'failed';
  received: number;
  created: number;
  duplicates: number;
  rejected: number;
  message?: string | null;
  job_id?: Id | null;
  created_at?: string;
  finished_at?: string | null;
  errors?: { line: number; source: string; field: string | null; reason: string; value: string | null }[];
}

export interface Job {
  id: Id;
  kind: string;
  status: string;
  attempts?: number;
  progress_done: number;
  progress_total: number | null;
  result: Record<string, unknown> | null;
  error: string | null;
  cancel_requested?: boolean;
  created_at?: string;
  finished_at?: string | null;
}
