// The questions portal and in-app notifications: endpoint functions and their types.
import { api, API_PREFIX } from './client';
import type { Id } from './types';

export type QuestionCategory = 'guideline' | 'data' | 'tool' | 'other';
export type QuestionPriority = 'low' | 'normal' | 'high' | 'urgent';
export type QuestionStatus = 'open' | 'answered' | 'resolved' | 'escalated';

export const CATEGORIES: { value: QuestionCategory; label: string }[] = [
  { value: 'guideline', label: 'Guideline unclear' },
  { value: 'data', label: 'Data problem' },
  { value: 'tool', label: 'Tool problem' },
  { value: 'other', label: 'Other' },
];
export const PRIORITIES: QuestionPriority[] = ['low', 'normal', 'high', 'urgent'];

export interface Person {
  id: Id;
  username: string;
  display_name: string;
}

export interface Question {
  id: Id;
  project_id: Id;
  project_name: string;
  item_id: Id | null;
  item_external_id: string | null;
  guideline_section: string | null;
  guideline_version: number | null;
  asker: Person | null;
  assignee: Person | null;
  assignee_group: string | null;
  category: QuestionCategory;
  priority: QuestionPriority;
  status: QuestionStatus;
  text: string;
  parked: boolean;
  released_at: string | null;
  escalation_level: number;
  response_due_at: string;
  resolution_due_at: string;
  first_response_at: string | null;
  resolved_at: string | null;
  created_at: string;
  updated_at: string;
  clock: 'response' | 'resolution' | null;
  due_at: string | null;
  seconds_left: number | null;
  warning: boolean;
  breached: boolean;
}

export interface Reply {
  id: Id;
  author: Person | null;
  body: string;
  faq_version: number | null;
  created_at: string;
}

export interface QuestionDetail extends Question {
  draft: Record<string, unknown> | null;
  replies: Reply[];
  can_answer: boolean;
  can_manage: boolean;
}

export interface QuestionCreate {
  category: QuestionCategory;
  priority?: QuestionPriority;
  text: string;
  item_id?: Id | null;
  guideline_section?: string | null;
  draft?: Record<string, unknown> | null;
  park?: boolean;
  lease_id?: Id | null;
}

export interface ReplyCreate {
  body: string;
  resolve?: boolean;
  release_item?: boolean;
}

export interface Calendar {
  tz: string;
  hours: Record<string, [string, string][]>;
  holidays: string[];
}

export type EscalationStep = 'leads' | 'admins' | Id;

export interface SlaPolicy {
  category: QuestionCategory;
  priority: QuestionPriority;
  first_response_minutes: number;
  resolution_minutes: number;
  warn_before_minutes: number;
  escalation: EscalationStep[];
}

export interface QuestionSettings {
  calendar: Calendar;
  routing: Partial<Record<QuestionCategory, Id>>;
  policies: SlaPolicy[];
}

export interface QuestionSettingsUpdate {
  calendar?: Partial<Calendar>;
  routing?: Partial<Record<QuestionCategory, Id | null>>;
  policies?: SlaPolicy[];
}

export interface ReportPart {
  count: number;
  by_status: Record<QuestionStatus, number>;
  response_median_s: number | null;
  response_p90_s: number | null;
  resolution_median_s: number | null;
  resolution_p90_s: number | null;
  response_sla_pct: number | null;
  resolution_sla_pct: number | null;
}

export interface QuestionReport {
  start: string;
  end: string;
  total: ReportPart;
  by_category: Record<QuestionCategory, ReportPart>;
}

export interface Notification {
  id: Id;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  created_at: string;
  read_at: string | null;
}

const base = (project: Id) => `/projects/${project}/questions`;

export const questionsApi = {
  raise: (project: Id, body: QuestionCreate) => api.post<QuestionDetail>(base(project), body),
  list: (project: Id, query: { status?: QuestionStatus; category?: QuestionCategory; open?: boolean } = {}) =>
    api.get<Question[]>(base(project), { query }),
  mine: (scope: 'mine' | 'queue') => api.get<Question[]>('/questions', { query: { scope } }),
  get: (project: Id, id: Id) => api.get<QuestionDetail>(`${base(project)}/${id}`),
  /** By id alone, for links that name only the question. */
  byId: (id: Id) => api.get<QuestionDetail>(`/questions/${id}`),
  reply: (project: Id, id: Id, body: ReplyCreate) => api.post<QuestionDetail>(`${base(project)}/${id}/replies`, body),
  resolve: (project: Id, id: Id) => api.post<QuestionDetail>(`${base(project)}/${id}/resolve`),
  reopen: (project: Id, id: Id) => api.post<QuestionDetail>(`${base(project)}/${id}/reopen`),
  release: (project: Id, id: Id) => api.post<QuestionDetail>(`${base(project)}/${id}/release`),
  assign: (project: Id, id: Id, userId: Id | null) => api.put<QuestionDetail>(`${base(project)}/${id}/assignee`, { user_id: userId }),
  promote: (project: Id, id: Id, replyId: Id) =>
    api.post<{ reply_id: Id; guideline_version: number }>(`${base(project)}/${id}/replies/${replyId}/faq`),
  settings: (project: Id) => api.get<QuestionSettings>(`${base(project)}/settings`),
  saveSettings: (project: Id, body: QuestionSettingsUpdate) => api.put<QuestionSettings>(`${base(project)}/settings`, body),
  report: (project: Id, start: string, end: string) => api.get<QuestionReport>(`${base(project)}/report`, { query: { start, end } }),
  reportCsvUrl: (project: Id, start: string, end: string) =>
    `${API_PREFIX}${base(project)}/report?${new URLSearchParams({ start, end, format: 'csv' }).toString()}`,
};

export const notificationsApi = {
  list: (unread = false) => api.get<{ items: Notification[]; unread: number }>('/notifications', { query: { unread: unread || undefined } }),
  unread: () => api.get<{ unread: number }>('/notifications/unread'),
  markRead: (id: Id) => api.post<Notification>(`/notifications/${id}/read`),
  markAllRead: () => api.post<{ unread: number }>('/notifications/read-all'),
};
