// Above the tools of a rework: why the reviewer sent the item back (error codes and comment).
import { quality, review } from '../../api/endpoints';
import type { Id } from '../../api/types';
import { useLoad } from '../common/useLoad';

export function ShowReworkNotes({ projectId, reworkId }: { projectId: Id; reworkId: Id }) {
  const { data } = useLoad(async () => {
    const [open, settings] = await Promise.all([review.rework(projectId), quality.settings(projectId).catch(() => null)]);
    return { entry: open.find((r) => r.id === reworkId) ?? null, titles: new Map((settings?.error_taxonomy ?? []).map((t) => [t.code, t])) };
  }, [projectId, reworkId]);
  if (!data) return null;
  const { entry, titles } = data;
  if (!entry) return <div className="rework-notes" data-testid="rework-notes">This rework is no longer open.</div>;
  return (
    <div className="rework-notes" data-testid="rework-notes" role="note">
      <strong>Sent back by the reviewer</strong>
      {entry.error_codes.length > 0 && (
        <div>
          {entry.error_codes.map((c) => {
            const t = titles.get(c);
            return (
              <span key={c} className="badge warn" style={{ marginRight: 6 }} data-testid={`rework-code-${c}`}>
                {t ? t.title : c} <code className="small">{c}</code>
                {t?.section && <span className="muted small"> §{t.section}</span>}
              </span>
            );
          })}
        </div>
      )}
      {entry.notes && <div className="pre">{entry.notes}</div>}
    </div>
  );
}
