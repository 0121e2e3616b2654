// Framework-free helpers of the audit log screen: the filter form to query parameters, and how
// one event reads in the table.

/** The filter form as the person typed it; times come from `<input type="datetime-local">`. */
export interface AuditForm {
  action: string;
  user: string;
  since: string;
  until: string;
}

export const EMPTY_AUDIT_FORM: AuditForm = { action: '', user: '', since: '', until: '' };

export type AuditQuery = { action?: string; user?: string; since?: string; until?: string };

/**
 * Query parameters for the form, or the field that is wrong. A local date-time (as the browser
 * input gives it) is sent as an absolute time in `offsetMinutes` (Date#getTimezoneOffset: minutes
 * behind UTC), so "since 09:00" means the person's 09:00.
 */
export function auditQuery(form: AuditForm, offsetMinutes: number): { query: AuditQuery } | { field: keyof AuditForm; message: string } {
  const query: AuditQuery = {};
  const action = form.action.trim();
  if (action) query.action = action;
  const user = form.user.trim();
  if (user) query.user = user;
  for (const key of ['since', 'until'] as const) {
    const raw = form[key].trim();
    if (!raw) continue;
    const iso = localToIso(raw, offsetMinutes);
    if (!iso) return { field: key, message: `${key}: not a date and time` };
    query[key] = iso;
  }
  if (query.since && query.until && query.until < query.since) return { field: 'until', message: 'until: before since' };
  return { query };
}

/** "2026-03-01T09:30" (or with seconds) at `offsetMinutes` behind UTC -> "2026-03-01T09:30:00Z"-style UTC ISO. */
export function localToIso(local: string, offsetMinutes: number): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(local);
  if (!m) return null;
  const [y, mo, d, h = '0', mi = '0', s = '0'] = m.slice(1);
  const utc = Date.UTC(+y!, +mo! - 1, +d!, +h, +mi, +s) + offsetMinutes * 60_000;
  const date = new Date(utc);
  // Date.UTC rolls 2026-02-30 over into March; a date that does not round-trip is not a date.
  const back = new Date(utc - offsetMinutes * 60_000);
  if (back.getUTCMonth() !== +mo! - 1 || back.getUTCDate() !== +d! || +h > 23 || +mi > 59 || +s > 59) return null;
  return date.toISOString().replace('.000Z', 'Z');
}

/** An event's time as the person's local "YYYY-MM-DD HH:MM:SS". */
export function formatAt(iso: string, offsetMinutes: number): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return new Date(t - offsetMinutes * 60_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** What the event touched: "item 12", "user", or "" when nothing in particular. */
export function formatObject(objectType: string | null | undefined, objectId: string | null | undefined): string {
  return [objectType, objectId].filter((p) => p !== null && p !== undefined && p !== '').join(' ');
}

/** The details as short "key: value" text; nested values as compact JSON. */
export function formatDetails(details: Record<string, unknown> | null | undefined): string {
  if (!details) return '';
  return Object.entries(details)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
}
