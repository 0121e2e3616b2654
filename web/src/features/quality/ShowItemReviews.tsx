// In the lead's item view: the review verdicts on the item's annotations.
import { review } from '../../api/endpoints';
import type { Id, Project } from '../../api/types';
import { useLoad } from '../common/useLoad';

export function ShowItemReviews({ project, itemId }: { project: Project; itemId: Id }) {
  const { data } = useLoad(() => review.ofItem(project.id, itemId), [project.id, itemId]);
  if (!data || data.length === 0) return null;
  return (
    <div data-testid="item-reviews">
      <h3>Reviews</h3>
      <table className="grid small">
        <thead>
          <tr>
            <th>Verdict</th>
            <th>Codes</th>
            <th>Comment</th>
          </tr>
        </thead>
        <tbody>
          {data.map((v) => (
            <tr key={v.id}>
              <td title={new Date(v.created_at).toLocaleString()}>
                {v.verdict} <span className="muted">(annotation {v.annotation_id})</span>
              </td>
              <td>{v.error_codes.join(', ')}</td>
              <td className="pre">{v.comment}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
