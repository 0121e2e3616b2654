// A project's audit log for its leads: who read, exported or changed what, newest first, with
// filters, "Load more" paging and the whole filtered log as CSV.
import { useEffect, useState } from 'react';
import { audit, type AuditEvent } from '../../api/audit';
import type { Project } from '../../api/types';
import { type AuditForm, type AuditQuery, auditQuery, EMPTY_AUDIT_FORM, formatAt, formatDetails, formatObject } from '../../domain/audit';
import { ShowError } from '../common/ShowError';

const PAGE = 100;

export function ShowAuditLog({ project }: { project: Project }) {
  const offset = new Date().getTimezoneOffset();
  const [form, setForm] = useState<AuditForm>(EMPTY_AUDIT_FORM);
  const [applied, setApplied] = useState<AuditQuery>({});
  const [rows, setRows] = useState<AuditEvent[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [formError, setFormError] = useState<string | null>(null);

  const load = async (query: AuditQuery, after?: string) => {
    try {
      const page = await audit.list(project.id, { ...query, cursor: after, limit: PAGE });
      setRows((prev) => (after ? [...prev, ...page.items] : page.items));
      setCursor(page.next_cursor ?? null);
      setError(null);
    } catch (err) {
      setError(err);
    }
  };

  useEffect(() => {
    void load({});
  }, [project.id]);

  const apply = () => {
    const built = auditQuery(form, offset);
    if ('field' in built) {
      setFormError(built.message);
      return;
    }
    setFormError(null);
    setApplied(built.query);
    void load(built.query);
  };

  const input = (key: keyof AuditForm, label: string, type = 'text', placeholder = '') => (
    <label>
      {label}{' '}
      <input type={type} value={form[key]} placeholder={placeholder} onChange={(e) => setForm({ ...form, [key]: e.target.value })} data-testid={`audit-${key}`} />
    </label>
  );

  return (
    <section className="card" data-testid="audit">
      <header className="row">
        <h3 className="grow">Audit log</h3>
        <a href={audit.csvUrl(project.id, applied)} className="small" download data-testid="audit-csv">
          Download CSV
        </a>
      </header>
      <form
        className="row filters"
        onSubmit={(e) => {
          e.preventDefault();
          apply();
        }}
      >
        {input('action', 'Action', 'text', 'export. or item.read')}
        {input('user', 'User', 'text', 'username')}
        {input('since', 'Since', 'datetime-local')}
        {input('until', 'Until', 'datetime-local')}
        <button type="submit" className="primary" data-testid="audit-apply">
          Filter
        </button>
      </form>
      {formError && (
        <div className="error" role="alert" data-testid="audit-form-error">
          {formError}
        </div>
      )}
      <ShowError error={error} />
      <table className="grid small">
        <thead>
          <tr>
            <th>When</th>
            <th>User</th>
            <th>Action</th>
            <th>Object</th>
            <th>Details</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((e) => (
            <tr key={e.id} data-testid={`audit-row-${e.id}`}>
              <td title={e.at}>{formatAt(e.at, offset)}</td>
              <td>{e.user?.username ?? <span className="muted">system</span>}</td>
              <td>
                <code>{e.action}</code>
              </td>
              <td>{formatObject(e.object_type, e.object_id)}</td>
              <td className="small">{formatDetails(e.details)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && !error && <p className="muted">No events match.</p>}
      {cursor && (
        <button type="button" onClick={() => void load(applied, cursor)} data-testid="audit-more">
          Load more
        </button>
      )}
    </section>
  );
}
