// One question with its thread: the SLA clock, the attached item and draft, replies, and the
// actions the viewer may take (reply, resolve, reopen, release the parked item, promote to FAQ).
import { useState } from 'react';
import { questionsApi, type QuestionDetail, type Reply } from '../../api/questions';
import type { Id } from '../../api/types';
import { Link } from '../common/Link';
import { ShowError } from '../common/ShowError';
import { useLoad } from '../common/useLoad';
import { ShowSla } from './ShowSla';

const CATEGORY_LABEL: Record<string, string> = { guideline: 'Guideline unclear', data: 'Data problem', tool: 'Tool problem', other: 'Other' };

export function ShowQuestion({ id, now, onChanged }: { id: Id; now: number; onChanged(): void }) {
  const loaded = useLoad(() => questionsApi.byId(id), [id]);
  const [shown, setShown] = useState<QuestionDetail | null>(null);
  const q = shown && shown.id === id ? shown : loaded.data;
  if (loaded.error && !q) return <ShowError error={loaded.error} />;
  if (!q) return <p className="muted">Loading…</p>;
  const changed = (next: QuestionDetail) => {
    setShown(next);
    onChanged();
  };
  return (
    <article className="card question-detail" data-testid="question-detail" data-status={q.status}>
      <header className="row">
        <h2 className="grow">
          Question #{q.id} <span className="tag">{CATEGORY_LABEL[q.category] ?? q.category}</span>
          <span className="tag">{q.priority}</span>
        </h2>
        <span className={`pill status-${q.status}`} data-testid="question-status">
          {q.status}
        </span>
        <ShowSla q={q} now={now} />
      </header>
      <p className="muted small">
        {q.project_name} · asked by {q.asker?.display_name || q.asker?.username || 'someone'} on {new Date(q.created_at).toLocaleString()} · for{' '}
        {q.assignee ? q.assignee.display_name || q.assignee.username : `the ${q.assignee_group ?? 'leads'}`}
        {q.escalation_level > 0 && ` · escalation level ${q.escalation_level}`}
        {q.item_id !== null && ` · item ${q.item_external_id ?? q.item_id}`}
        {q.parked && ' · item parked'}
        {q.released_at && ' · item released to the asker'}
        {q.guideline_section && ` · guideline §${q.guideline_section} (v${q.guideline_version ?? '?'})`}
      </p>
      <p className="question-text" data-testid="question-text-shown">
        {q.text}
      </p>
      {q.draft && (
        <details>
          <summary>Answers attached when it was asked</summary>
          <pre className="pre small">{JSON.stringify(q.draft, null, 2)}</pre>
        </details>
      )}
      <ol className="thread" aria-label="Replies">
        {q.replies.map((r) => (
          <ShowReply key={r.id} q={q} reply={r} onPromoted={changed} />
        ))}
      </ol>
      <ReplyForm q={q} onDone={changed} />
      {q.released_at && q.item_id !== null && (
        <p className="small">
          <Link to={`/projects/${q.project_id}/annotate`}>Continue working in {q.project_name}</Link>
        </p>
      )}
    </article>
  );
}

function ShowReply({ q, reply, onPromoted }: { q: QuestionDetail; reply: Reply; onPromoted(next: QuestionDetail): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const promote = async () => {
    setBusy(true);
    setError(null);
    try {
      await questionsApi.promote(q.project_id, q.id, reply.id);
      onPromoted(await questionsApi.get(q.project_id, q.id));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const mine = reply.author?.id === q.asker?.id;
  return (
    <li className={`reply${mine ? ' from-asker' : ''}`} data-testid="question-reply">
      <div className="muted small">
        {reply.author?.display_name || reply.author?.username || 'someone'} · {new Date(reply.created_at).toLocaleString()}
        {reply.faq_version !== null && (
          <span className="tag strong" data-testid="reply-faq">
            in guideline v{reply.faq_version} FAQ
          </span>
        )}
      </div>
      <div className="reply-body">{reply.body}</div>
      {q.can_manage && !mine && reply.faq_version === null && (
        <button type="button" className="small" disabled={busy} onClick={() => void promote()} data-testid="promote-faq">
          Add to the guideline FAQ
        </button>
      )}
      <ShowError error={error} />
    </li>
  );
}

function ReplyForm({ q, onDone }: { q: QuestionDetail; onDone(next: QuestionDetail): void }) {
  const [body, setBody] = useState('');
  const [resolve, setResolve] = useState(false);
  const [release, setRelease] = useState(q.parked);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (action: () => Promise<QuestionDetail>) => {
    setBusy(true);
    setError(null);
    try {
      onDone(await action());
      setBody('');
      setResolve(false);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const resolved = q.status === 'resolved';
  return (
    <form
      className="reply-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (body.trim()) void run(() => questionsApi.reply(q.project_id, q.id, { body: body.trim(), resolve, release_item: q.can_answer && q.parked && release }));
      }}
    >
      {!resolved && (
        <>
          <label>
            {q.can_answer ? 'Answer' : 'Reply'}
            <textarea
              rows={3}
              maxLength={10000}
              value={body}
              onChange={(e) => setBody(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && e.ctrlKey) e.currentTarget.form?.requestSubmit();
              }}
              data-testid="reply-body"
            />
          </label>
          <div className="row">
            <label className="check">
              <input type="checkbox" checked={resolve} onChange={(e) => setResolve(e.target.checked)} data-testid="reply-resolve" /> Resolve with this reply
            </label>
            {q.can_answer && q.parked && (
              <label className="check">
                <input type="checkbox" checked={release} onChange={(e) => setRelease(e.target.checked)} data-testid="reply-release" /> Release the parked item to the asker
              </label>
            )}
            <span className="grow" />
            <button type="submit" className="primary" disabled={busy || !body.trim()} data-testid="reply-send">
              Send <kbd>Ctrl+Enter</kbd>
            </button>
          </div>
        </>
      )}
      <div className="row">
        {!resolved && (
          <button type="button" disabled={busy} onClick={() => void run(() => questionsApi.resolve(q.project_id, q.id))} data-testid="question-resolve">
            Mark resolved
          </button>
        )}
        {resolved && (
          <button type="button" disabled={busy} onClick={() => void run(() => questionsApi.reopen(q.project_id, q.id))} data-testid="question-reopen">
            Reopen
          </button>
        )}
        {q.can_answer && q.parked && (
          <button type="button" disabled={busy} onClick={() => void run(() => questionsApi.release(q.project_id, q.id))} data-testid="question-release">
            Release the item now
          </button>
        )}
      </div>
      <ShowError error={error} />
    </form>
  );
}
