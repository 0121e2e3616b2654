// The audit log endpoints: a project's events for its leads (admins: every project's), as pages
// or as a CSV download of the whole filtered log.
import { API_PREFIX, api, buildUrl } from './client';
import type { AuditEventRead, PageAuditEventRead } from './generated/openapi';
import type { Id } from './types';

export type AuditEvent = AuditEventRead;
export type AuditPage = PageAuditEventRead;
/** Query parameters of the audit routes (see `auditQuery` in domain/audit.ts). */
export type AuditParams = Record<string, string | number | undefined>;

export const audit = {
  list: (pid: Id, params: AuditParams) => api.get<AuditPage>(`/projects/${pid}/audit`, { query: params }),
  /** The whole filtered log as CSV (the cursor and limit do not apply). */
  csvUrl: (pid: Id, params: AuditParams) => buildUrl(API_PREFIX, `/projects/${pid}/audit`, { ...params, cursor: undefined, limit: undefined, format: 'csv' }),
};
