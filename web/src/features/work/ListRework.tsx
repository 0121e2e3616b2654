// My open rework in one project: items a reviewer sent back, with their notes and error codes.
import { projects, review } from '../../api/endpoints';
import type { Id } from '../../api/types';
import { useLocation } from '../../app/router';
import { Link } from '../common/Link';
import { ShowError } from '../common/ShowError';
import { useLoad } from '../common/useLoad';

export function ListRework({ projectId }: { projectId: Id }) {
  const { search } = useLocation();
  const sent = search.get('sent');
  const { data, error } = useLoad(() => Promise.all([projects.get(projectId), review.rework(projectId)]), [projectId, sent]);
  const [project, rows] = data ?? [null, []];
  return (
    <div className="page">
      <header className="row">
        <h1 className="grow">
          <Link to="/">My work</Link> / {project?.name ?? '…'} / Rework
        </h1>
      </header>
      {sent && (
        <div className="notice" role="status" data-testid="rework-sent">
          Your corrected answer was sent back to review.
        </div>
      )}
      <ShowError error={error} />
      {data && rows.length === 0 && (
        <p className="muted" data-testid="rework-empty">
          Nothing to rework in this project.
        </p>
      )}
      {rows.length > 0 && (
        <table className="grid" data-testid="rework-list">
          <thead>
            <tr>
              <th>Item</th>
              <th>Error codes</th>
              <th>Reviewer's notes</th>
              <th>Sent back</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-testid={`rework-${r.item_id}`}>
                <td>#{r.item_id}</td>
                <td>{r.error_codes.map((c) => <code key={c} style={{ marginRight: 6 }}>{c}</code>)}</td>
                <td className="pre">{r.notes || <span className="muted">—</span>}</td>
                <td className="small">{new Date(r.created_at).toLocaleString()}</td>
                <td>
                  <Link
                    to={`/projects/${projectId}/items/${r.item_id}/edit?rework=${r.id}${r.base_version != null ? `&base=${r.base_version}` : ''}`}
                    className="button primary small"
                    data-testid={`rework-open-${r.item_id}`}
                  >
                    Rework
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
