// One function per REST endpoint the app uses; the only place that knows URLs.
import { api, API_PREFIX } from './client';
import type { ExportCreate, SectionRead } from './generated/openapi';
import type { AgreementRead, AgreementWeekRow as AgreementWeek, AnnotatorReliabilityRead } from './generated/openapi';
import type {
  AckEntry,
  ErrorFilters,
  GoldEntry,
  GoldSummary,
  QualitySettings,
  ReviewIn,
  ReviewResult,
  ReviewVerdict,
  ReworkEntry,
  AffectedItem,
  Annotation,
  Draft,
  GuidelineAck,
  GuidelineDiff,
  GuidelinePublish,
  GuidelineState,
  GuidelineVersion,
  HistoryEntry,
  Id,
  ImportRecord,
  Item,
  Job,
  LabelingSchema,
  Member,
  Page,
  Project,
  ProjectCreate,
  ProjectStats,
  ProjectUpdate,
  QueueNext,
  Role,
  SchemaValidation,
  SchemaVersionInfo,
  SessionInfo,
  Stage,
  SubmitBody,
  User,
  WorkEntry,
} from './types';

/** Lists may come as a bare array or as a page; the app reads both. */
export function listOf<T>(value: T[] | Page<T> | { items: T[] } | null | undefined): T[] {
  if (!value) return [];
  return Array.isArray(value) ? value : value.items ?? [];
}

export const auth = {
  login: (username: string, password: string) => api.post<SessionInfo>('/auth/login', { username, password }),
  logout: () => api.post<void>('/auth/logout'),
  me: () => api.get<SessionInfo>('/auth/me'),
};

export const users = {
  list: () => api.get<User[] | Page<User>>('/users').then(listOf),
};

export const me = {
  work: () => api.get<WorkEntry[] | Page<WorkEntry>>('/me/work').then(listOf),
  history: (project: Id, cursor?: string) => api.get<Page<HistoryEntry>>('/me/history', { query: { project, cursor, limit: 50 } }),
};

export const projects = {
  list: () => api.get<Project[] | Page<Project>>('/projects').then(listOf),
  get: (pid: Id) => api.get<Project>(`/projects/${pid}`),
  create: (body: ProjectCreate) => api.post<Project>('/projects', body),
  update: (pid: Id, changes: ProjectUpdate) =>
    api.patch<Project>(`/projects/${pid}`, changes),
  setSchema: (pid: Id, body: { schema_text?: string; schema?: LabelingSchema }) =>
    api.put<SchemaVersionInfo | Project>(`/projects/${pid}/schema`, body),
  schemaVersions: (pid: Id) =>
    api.get<SchemaVersionInfo[] | Page<SchemaVersionInfo>>(`/projects/${pid}/schema-versions`).then(listOf),
  stats: (pid: Id) => api.get<ProjectStats>(`/projects/${pid}/stats`),
  members: (pid: Id) => api.get<Member[] | Page<Member>>(`/projects/${pid}/members`).then(listOf),
  setMember: (pid: Id, who: { username?: string; user_id?: Id }, role: Role) => api.put<Member>(`/projects/${pid}/members`, { ...who, role }),
  removeMember: (pid: Id, userId: Id) => api.del<void>(`/projects/${pid}/members/${userId}`),
};

export const schemas = {
  validate: (schemaText: string, signal?: AbortSignal) =>
    api.post<SchemaValidation>('/schemas/validate', { schema_text: schemaText }, { signal }),
};

export interface ItemFilters {
  stage?: string;
  annotator?: string;
  label?: string;
  q?: string;
  cursor?: string;
  limit?: number;
}

export const items = {
  list: (pid: Id, filters: ItemFilters) => api.get<Page<Item>>(`/projects/${pid}/items`, { query: { ...filters } }),
  get: (pid: Id, itemId: Id) => api.get<Item>(`/projects/${pid}/items/${itemId}`),
  versions: (pid: Id, itemId: Id) =>
    api
      .get<Annotation[] | Page<Annotation>>(`/projects/${pid}/items/${itemId}/annotations`, { query: { all_versions: true } })
      .then(listOf),
  getDraft: (pid: Id, itemId: Id) => api.get<Draft | null>(`/projects/${pid}/items/${itemId}/draft`),
  putDraft: (pid: Id, itemId: Id, draft: Draft, keepalive = false) =>
    api.put<Draft>(`/projects/${pid}/items/${itemId}/draft`, draft, { keepalive }),
  submitPath: (pid: Id, itemId: Id) => `/projects/${pid}/items/${itemId}/annotations`,
  submit: (path: string, body: SubmitBody) => api.post<Annotation>(path, body),
};

export const queue = {
  /** The next task; `exclude` asks for a second lease beside the ones held (prefetching). */
  next: (pid: Id, stage: Stage = 'annotate', exclude: readonly Id[] = []) =>
    api.post<QueueNext>(`/projects/${pid}/queue/next`, exclude.length ? { stage, exclude_item_ids: [...exclude] } : { stage }),
  /** `activeMs` null: this screen keeps no clock, the server accounts by its own. */
  heartbeat: (leaseId: Id, activeMs: number | null, hidden: boolean, idle = false) =>
    api.post<{ expires_at: string }>(`/leases/${leaseId}/heartbeat`, { active_ms: activeMs === null ? null : Math.round(activeMs), hidden, idle }),
  skip: (leaseId: Id, reason: string) => api.post<unknown>(`/leases/${leaseId}/skip`, { reason }),
  release: (leaseId: Id) => api.post<unknown>(`/leases/${leaseId}/release`),
};

export const guideline = {
  /** The current version and what I still have to confirm. */
  state: (pid: Id) => api.get<GuidelineState>(`/projects/${pid}/guideline`),
  versions: (pid: Id) => api.get<GuidelineVersion[]>(`/projects/${pid}/guideline/versions`),
  version: (pid: Id, version: number) => api.get<GuidelineVersion>(`/projects/${pid}/guideline/versions/${version}`),
  publish: (pid: Id, body: GuidelinePublish) => api.post<GuidelineVersion>(`/projects/${pid}/guideline/versions`, body),
  /** Unified diff lines from `from` (null: from nothing) to `to`. */
  diff: (pid: Id, from: number | null, to: number) => api.get<GuidelineDiff>(`/projects/${pid}/guideline/diff`, { query: { from, to } }),
  ack: (pid: Id, version: number) => api.post<GuidelineAck>(`/projects/${pid}/guideline/ack`, { version }),
  acks: (pid: Id, version: number) => api.get<AckEntry[]>(`/projects/${pid}/guideline/versions/${version}/acks`),
  /** `section`: one section and its subsections; `changed_sections`: those this version changed. */
  affected: (pid: Id, version: number, filter: AffectedFilter = {}) =>
    api.get<AffectedItem[]>(`/projects/${pid}/guideline/versions/${version}/affected`, {
      query: { label: filter.label, section: filter.section, changed_sections: filter.changed_sections || undefined },
    }),
  /** The version's sections, how it changed each, and the schema questions pointing at each. */
  sections: (pid: Id, version: number) => api.get<GuidelineSection[]>(`/projects/${pid}/guideline/versions/${version}/sections`),
};

/** Narrows the items annotated under older versions (the affected items, and a re-check). */
export interface AffectedFilter {
  label?: string | null;
  section?: string | null;
  changed_sections?: boolean;
}
export type GuidelineSection = SectionRead;

export const imports = {
  upload: (pid: Id, file: File, kind: 'items' | 'predictions', onProgress: (f: number) => void) => {
    const form = new FormData();
    form.append('file', file);
    return api.upload<ImportRecord>(`/projects/${pid}/imports?kind=${kind}`, form, onProgress);
  },
  get: (pid: Id, importId: Id) => api.get<ImportRecord>(`/projects/${pid}/imports/${importId}`),
  errorsUrl: (pid: Id, importId: Id) => `/api/v1/projects/${pid}/imports/${importId}/errors`,
};

/** The parts an export line can carry besides the item and its predictions. */
export type ExportPart = NonNullable<ExportCreate['include']>[number];

export const exports_ = {
  start: (pid: Id, versions: 'latest' | 'all', include: ExportPart[] = ['annotations']) =>
    api.post<Job>(`/projects/${pid}/exports`, { format: 'jsonl', versions, include }),
  streamUrl: (pid: Id, versions: 'latest' | 'all', include: ExportPart[] = ['annotations']) =>
    `/api/v1/projects/${pid}/export?versions=${versions}&include=${include.join(',')}`,
  jobDownloadUrl: (jobId: Id) => `/api/v1/jobs/${jobId}/download`,
};

export const jobs = {
  get: (jobId: Id) => api.get<Job>(`/jobs/${jobId}`),
  cancel: (jobId: Id) => api.post<Job>(`/jobs/${jobId}/cancel`),
};

let openApi: Promise<Record<string, unknown> | null> | null = null;

/** The server's OpenAPI document, fetched once (null when it cannot be read). */
export function serverContract(): Promise<Record<string, unknown> | null> {
  openApi ??= fetch('/api/v1/openapi.json', { credentials: 'same-origin' })
    .then((r) => (r.ok ? (r.json() as Promise<Record<string, unknown>>) : null))
    .catch(() => null);
  return openApi;
}

/** Whether the server takes `exclude_item_ids` on queue/next, i.e. hands out a second lease. */
export async function canPrefetch(): Promise<boolean> {
  return acceptsProperty(await serverContract(), 'NextIn', 'exclude_item_ids');
}

/** Whether the OpenAPI document's request schema `schema` has the property `name`. */
export function acceptsProperty(doc: Record<string, unknown> | null, schema: string, name: string): boolean {
  const schemas = (doc?.components as { schemas?: Record<string, { properties?: Record<string, unknown> }> } | undefined)?.schemas;
  return !!schemas?.[schema]?.properties && name in schemas[schema]!.properties!;
}

// ---- quality -------------------------------------------------------------------------------

/** The error-analysis views; every one also answers as CSV (`csvUrl`). */
export type ErrorView = 'pareto' | 'by-annotator' | 'by-label' | 'by-section' | 'by-week' | 'trend' | 'confusion' | 'coaching' | 'items';

/** What a drill-down lists (`items`): the error filters plus a guideline `section`, and with
 * `of` the items an annotator annotated, had scored (per `question`) or had gold-scored, or one
 * confusion cell (`given` label vs `consolidated` label). "(none)": no section / no label. */
export type DrillFilters = ErrorFilters & {
  section?: string;
  of?: 'reviewed' | 'annotated' | 'scored' | 'gold' | 'confusion';
  question?: string;
  given?: string;
  consolidated?: string;
};

/** The dashboard tables outside the error views that download as CSV (`tableCsvUrl`). */
export type QualityTable = 'quality/agreement' | 'quality/agreement/weekly' | 'quality/annotators' | 'quality/gold' | 'quality/reviewers' | 'gold' | 'review/lots' | `review/lots/${number}`;

function queryString(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export const quality = {
  settings: (pid: Id) => api.get<QualitySettings>(`/projects/${pid}/quality/settings`),
  saveSettings: (pid: Id, body: QualitySettings) => api.put<QualitySettings>(`/projects/${pid}/quality/settings`, body),
  consolidate: (pid: Id) => api.post<Job>(`/projects/${pid}/consolidate`),
  agreement: (pid: Id, nBoot = 1000) => api.get<AgreementRead>(`/projects/${pid}/quality/agreement`, { query: { n_boot: nBoot } }),
  /** Agreement per question and ISO week (the week of each item's latest answer). */
  agreementWeekly: (pid: Id, nBoot = 1000) => api.get<AgreementWeekPage>(`/projects/${pid}/quality/agreement/weekly`, { query: { n_boot: nBoot } }),
  annotators: (pid: Id) => api.get<AnnotatorReliabilityRead>(`/projects/${pid}/quality/annotators`),
  gold: (pid: Id) => api.get<GoldSummary>(`/projects/${pid}/quality/gold`),
  clearFlag: (pid: Id, userId: Id) => api.del<void>(`/projects/${pid}/quality/flags/${userId}`),
  errors: <T>(pid: Id, view: ErrorView, filters: DrillFilters = {}, extra: Record<string, string | number | undefined> = {}) =>
    api.get<T>(`/projects/${pid}/quality/errors/${view}`, { query: { ...filters, ...extra } }),
  /** The same view as a CSV download. */
  csvUrl: (pid: Id, view: ErrorView | 'agreement' | 'annotators', filters: DrillFilters = {}) =>
    `${API_PREFIX}/projects/${pid}/quality/${view === 'agreement' || view === 'annotators' ? view : `errors/${view}`}${queryString({ ...filters, format: 'csv' })}`,
  /** Any other dashboard table as a CSV download (lists come whole, not a page). */
  tableCsvUrl: (pid: Id, table: QualityTable, params: Record<string, string | number | undefined> = {}) =>
    `${API_PREFIX}/projects/${pid}/${table}${queryString({ ...params, format: 'csv' })}`,
};

type AgreementWeekPage = { items: AgreementWeek[] };

export const review = {
  submit: (pid: Id, itemId: Id, body: ReviewIn) => api.post<ReviewResult>(`/projects/${pid}/items/${itemId}/review`, body),
  ofItem: (pid: Id, itemId: Id) => api.get<ReviewVerdict[]>(`/projects/${pid}/items/${itemId}/reviews`),
  rework: (pid: Id) => api.get<Page<ReworkEntry>>(`/projects/${pid}/rework`, { query: { limit: 200 } }).then(listOf),
};

export const gold = {
  list: (pid: Id, cursor?: string) => api.get<Page<GoldEntry>>(`/projects/${pid}/gold`, { query: { cursor, limit: 200 } }),
  set: (pid: Id, itemId: Id, answer: Record<string, unknown>, feedback: string) => api.put<GoldEntry>(`/projects/${pid}/items/${itemId}/gold`, { answer, feedback }),
  promote: (pid: Id, itemId: Id, feedback: string) => api.post<GoldEntry>(`/projects/${pid}/items/${itemId}/gold/promote`, { feedback }),
  remove: (pid: Id, itemId: Id) => api.del<void>(`/projects/${pid}/items/${itemId}/gold`),
};
