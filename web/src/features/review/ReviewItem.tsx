// The review workspace: the queue's next item in the review stage, its annotations read-only,
// and a verdict per annotation: accept, fix (a new version, edited with the normal tools) or
// reject with error codes and a comment (the item goes back to its annotator).
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { projects, quality, queue, review, items } from '../../api/endpoints';
import type { Annotation, ErrorCode, Id, Item, Lease, Project, ReviewVerdict, Verdict } from '../../api/types';
import { navigate } from '../../app/router';
import { isTypingTarget } from '../../domain/keymap';
import { diffAnswers } from '../../domain/quality';
import { kindOf } from '../../kinds/registry';
import { applyShortcutSettings } from '../../kinds/shapes';
import type { ShortcutHelp } from '../../kinds/types';
import { useSession } from '../../stores/session';
import { ShowError } from '../common/ShowError';
import { AnswerQuestions, type AnswerSource } from '../workspace/AnswerQuestions';
import { finalResult, startingAnswers, withDraft } from '../workspace/answers';
import { ShowShortcuts } from '../workspace/ShowShortcuts';
import { useWorkspace } from '../workspace/workspaceStore';
import { useWorkspaceKeys } from '../workspace/useWorkspaceKeys';
import { ShowAnswerDiff } from './ShowAnswerDiff';

type Phase = 'loading' | 'working' | 'sending' | 'empty' | 'all_leased' | 'error';
type Mode = 'view' | 'fix' | 'reject';

interface Task {
  item: Item;
  lease: Lease;
  annotations: Annotation[];
  verdicts: ReviewVerdict[];
}

const HEARTBEAT_MS = 30_000;

/** The latest annotate-stage version of each annotator, oldest annotator first. */
export function latestPerAnnotator(all: readonly Annotation[]): Annotation[] {
  const best = new Map<Id, Annotation>();
  for (const a of all) {
    if (a.stage !== 'annotate') continue;
    const seen = best.get(a.user_id);
    if (!seen || a.version > seen.version) best.set(a.user_id, a);
  }
  return [...best.values()].sort((a, b) => a.user_id - b.user_id);
}

const useFixAnswer = (name: string) => useWorkspace((s) => s.result[name]);

export function ReviewItem({ projectId }: { projectId: Id }) {
  const me = useSession((s) => s.user);
  const [project, setProject] = useState<Project | null>(null);
  const [taxonomy, setTaxonomy] = useState<ErrorCode[]>([]);
  const [phase, setPhase] = useState<Phase>('loading');
  const [task, setTask] = useState<Task | null>(null);
  const [chosen, setChosen] = useState<Id | null>(null);
  const [mode, setMode] = useState<Mode>('view');
  const [codes, setCodes] = useState<string[]>([]);
  const [comment, setComment] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [sheet, setSheet] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const [retryAt, setRetryAt] = useState<number | null>(null);
  const fixResult = useWorkspace((s) => s.result);
  const alive = useRef(true);

  const loadTask = useCallback(
    async (p: Project) => {
      const next = await queue.next(p.id, 'review');
      if (!alive.current) return;
      setMode('view');
      setCodes([]);
      setComment('');
      if (next.status === 'empty') return setTask(null), setPhase('empty');
      if (next.status === 'all_leased') return setTask(null), setRetryAt(Date.now() + next.retry_after * 1000), setPhase('all_leased');
      const [item, verdicts] = await Promise.all([items.get(p.id, next.item.id), review.ofItem(p.id, next.item.id)]);
      if (!alive.current) return;
      setTask({ item, lease: next.lease, annotations: item.annotations ?? [], verdicts });
      setChosen(null);
      setPhase('working');
    },
    [],
  );

  useEffect(() => {
    alive.current = true;
    setPhase('loading');
    setError(null);
    (async () => {
      try {
        const p = await projects.get(projectId);
        p.schema = applyShortcutSettings(p.schema);
        setProject(p);
        quality.settings(projectId).then(
          (s) => alive.current && setTaxonomy(s.error_taxonomy ?? []),
          () => undefined,
        );
        await loadTask(p);
      } catch (err) {
        if (!alive.current) return;
        setError(err);
        setPhase('error');
      }
    })();
    return () => {
      alive.current = false;
    };
  }, [projectId, attempt, loadTask]);

  useEffect(() => {
    if (phase !== 'all_leased' || retryAt === null) return;
    const t = window.setTimeout(() => setAttempt((n) => n + 1), Math.max(1000, retryAt - Date.now()));
    return () => window.clearTimeout(t);
  }, [phase, retryAt]);

  const leaseId = task?.lease.id ?? null;
  useEffect(() => {
    if (leaseId === null) return;
    const t = window.setInterval(() => void queue.heartbeat(leaseId, null, document.hidden).catch(() => undefined), HEARTBEAT_MS);
    return () => window.clearInterval(t);
  }, [leaseId]);

  const latest = useMemo(() => latestPerAnnotator(task?.annotations ?? []), [task]);
  const judgedByMe = useMemo(() => new Map((task?.verdicts ?? []).filter((v) => v.reviewer_id === me?.id).map((v) => [v.annotation_id, v])), [task, me?.id]);
  const pending = latest.filter((a) => a.user_id !== me?.id && !judgedByMe.has(a.id));
  const shown = latest.find((a) => a.id === chosen) ?? pending[0] ?? latest[0] ?? null;
  const canJudge = !!shown && shown.user_id !== me?.id && !judgedByMe.has(shown.id);

  const original = useMemo(() => (project && task && shown ? withDraft(startingAnswers(project.schema, task.item, []), shown.result) : {}), [project, task, shown]);
  const viewSource = useMemo<AnswerSource>(() => ({ useAnswer: (q) => original[q], onAnswer: () => undefined, active: null, onActivate: () => undefined, readOnly: true }), [original]);
  const active = useWorkspace((s) => s.active);
  const onAnswer = useCallback<AnswerSource['onAnswer']>((q, v, o) => useWorkspace.getState().answer(q, v, o), []);
  const onActivate = useCallback((q: string) => useWorkspace.getState().setActive(q), []);
  const fixSource = useMemo<AnswerSource>(() => ({ useAnswer: useFixAnswer, onAnswer, active, onActivate }), [onAnswer, active, onActivate]);

  const startFix = useCallback(() => {
    if (!project || !task || !shown || !canJudge) return;
    useWorkspace.getState().begin({ mode: 'edit', project, item: task.item, lease: null, baseVersion: null, initial: original }, original);
    setError(null);
    setMode('fix');
  }, [project, task, shown, canJudge, original]);

  const cancel = useCallback(() => {
    setMode('view');
    setError(null);
    useWorkspace.getState().clear();
  }, []);

  const send = useCallback(
    async (verdict: Verdict) => {
      if (!project || !task || !shown || !canJudge || phase !== 'working') return;
      let fixed: Record<string, unknown> | null = null;
      if (verdict === 'fix') {
        const { result, problems } = finalResult(project.schema, useWorkspace.getState().result);
        if (problems.length) return setError(new Error(`${problems[0]!.question}: ${problems[0]!.message}`));
        if (diffAnswers(shown.result, result).length === 0) return setError(new Error('Nothing was changed: accept it instead, or change the answer.'));
        fixed = result;
      }
      if (verdict !== 'accept' && taxonomy.length > 0 && codes.length === 0) return setError(new Error('Choose at least one error code.'));
      setPhase('sending');
      setError(null);
      try {
        const out = await review.submit(project.id, task.item.id, {
          annotation_id: shown.id,
          verdict,
          error_codes: verdict === 'accept' ? [] : codes,
          comment: verdict === 'accept' ? '' : comment.trim(),
          fixed_result: fixed,
          idempotency_key: crypto.randomUUID(),
        });
        if (!alive.current) return;
        useWorkspace.getState().clear();
        setMode('view');
        setCodes([]);
        setComment('');
        const verdicts = [...task.verdicts, out.verdict as ReviewVerdict];
        const left = latest.filter((a) => a.user_id !== me?.id && !verdicts.some((v) => v.reviewer_id === me?.id && v.annotation_id === a.id));
        const said = verdict === 'accept' ? 'Accepted' : verdict === 'fix' ? 'Fixed' : 'Rejected';
        if (left.length === 0) {
          setNotice(`${said}. Item ${task.item.external_id ?? task.item.id} is now in ${out.item_stage}.`);
          setPhase('loading');
          await loadTask(project);
        } else {
          setNotice(`${said}. ${left.length} more annotation${left.length > 1 ? 's' : ''} of this item to judge.`);
          setTask({ ...task, verdicts });
          setChosen(left[0]!.id);
          setPhase('working');
        }
      } catch (err) {
        if (!alive.current) return;
        setError(err);
        setPhase('working');
      }
    },
    [project, task, shown, canJudge, phase, taxonomy.length, codes, comment, latest, me?.id, loadTask],
  );

  const general: ShortcutHelp[] = [
    { keys: 'A', does: 'accept the annotation' },
    { keys: 'F', does: 'fix it: edit the answer with the tools' },
    { keys: 'R', does: 'reject it: choose error codes, add a comment' },
    { keys: '1–9', does: 'while rejecting: toggle the n-th error code' },
    { keys: 'Ctrl+Enter', does: 'save the fix / send the rejection' },
    { keys: 'Esc', does: 'cancel the fix or rejection' },
    { keys: '?', does: 'this sheet' },
  ];

  useWorkspaceKeys({
    enabled: phase === 'working',
    onKey: (e) => {
      const typing = isTypingTarget(e.target);
      if (e.key === '?' && !typing) return setSheet((v) => !v), true;
      if (e.key === 'Escape') {
        if (sheet) return setSheet(false), true;
        if (mode !== 'view') return cancel(), true;
        return false;
      }
      if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
        if (mode === 'fix') return void send('fix'), true;
        if (mode === 'reject') return void send('reject'), true;
        return false;
      }
      if (mode === 'fix' && e.ctrlKey && e.key.toLowerCase() === 'z') return useWorkspace.getState().undo(), true;
      if (typing || e.ctrlKey || e.metaKey || e.altKey) return false;
      if (mode === 'reject' && /^[1-9]$/.test(e.key)) {
        const code = taxonomy[Number(e.key) - 1]?.code;
        if (code) setCodes((c) => (c.includes(code) ? c.filter((x) => x !== code) : [...c, code]));
        return !!code;
      }
      if (mode !== 'view' || !canJudge) return false;
      const k = e.key.toLowerCase();
      if (k === 'a') return void send('accept'), true;
      if (k === 'f') return startFix(), true;
      if (k === 'r') return setMode('reject'), true;
      return false;
    },
  });

  const schema = project?.schema;
  const diff = useMemo(() => (mode === 'fix' && shown ? diffAnswers(shown.result, finalResult(schema!, fixResult).result) : []), [mode, shown, fixResult, schema]);

  return (
    <div className="workspace" data-testid="review-workspace" data-phase={phase}>
      <div className="toolbar">
        <div className="grow crumbs">
          <strong>{project?.name ?? 'Review'}</strong> <span className="tag">review</span>
          {task && (
            <span className="muted" data-testid="item-id">
              {' '}
              · item {task.item.external_id ?? task.item.id}
            </span>
          )}
        </div>
        <button type="button" onClick={() => setSheet(true)} aria-label="Keyboard shortcuts">
          ?
        </button>
        {mode === 'view' ? (
          <>
            <button type="button" className="primary" disabled={!canJudge || phase !== 'working'} onClick={() => void send('accept')} data-testid="review-accept">
              Accept <kbd>A</kbd>
            </button>
            <button type="button" disabled={!canJudge || phase !== 'working'} onClick={startFix} data-testid="review-fix">
              Fix <kbd>F</kbd>
            </button>
            <button type="button" className="danger" disabled={!canJudge || phase !== 'working'} onClick={() => setMode('reject')} data-testid="review-reject">
              Reject <kbd>R</kbd>
            </button>
          </>
        ) : (
          <>
            <button type="button" onClick={cancel} data-testid="review-cancel">
              Cancel <kbd>Esc</kbd>
            </button>
            <button type="button" className="primary" disabled={phase !== 'working'} onClick={() => void send(mode)} data-testid={mode === 'fix' ? 'review-save-fix' : 'review-send-reject'}>
              {mode === 'fix' ? 'Save fix' : 'Send back'} <kbd>Ctrl+Enter</kbd>
            </button>
          </>
        )}
      </div>
      {notice && (
        <div className="notice" role="status" data-testid="review-notice">
          {notice}
        </div>
      )}
      <ShowError error={error} />
      {phase === 'loading' && <div className="center muted">Loading…</div>}
      {phase === 'empty' && (
        <div className="center" data-testid="review-empty">
          <p>Nothing to review in this project right now.</p>
          <button type="button" onClick={() => navigate('/')}>
            Back to my work
          </button>
        </div>
      )}
      {phase === 'all_leased' && <div className="center">Every item waiting for review is open with another reviewer. Trying again soon…</div>}
      {phase === 'error' && (
        <div className="center">
          <button type="button" onClick={() => setAttempt((n) => n + 1)}>
            Try again
          </button>
        </div>
      )}
      {task && schema && (phase === 'working' || phase === 'sending') && (
        <div className="workspace-body">
          <main className="item-pane" aria-busy={phase === 'sending'}>
            {shown && (
              <p className="muted small" data-testid="review-showing">
                {mode === 'fix' ? 'Fixing' : 'Reviewing'} {shown.annotator ?? `user ${shown.user_id}`} · version {shown.version} · {new Date(shown.created_at).toLocaleString()}
                {!canJudge && (judgedByMe.has(shown.id) ? ` · you ${judgedByMe.get(shown.id)!.verdict}ed it` : ' · your own annotation')}
              </p>
            )}
            {mode === 'reject' && (
              <RejectForm taxonomy={taxonomy} codes={codes} setCodes={setCodes} comment={comment} setComment={setComment} />
            )}
            {mode === 'fix' && (
              <div className="card">
                <FixNotes taxonomy={taxonomy} codes={codes} setCodes={setCodes} comment={comment} setComment={setComment} />
                <ShowAnswerDiff changes={diff} />
              </div>
            )}
            {latest.length === 0 && <p className="muted">This item has no annotations to review.</p>}
            {mode === 'fix' ? (
              <AnswerQuestions key={`fix-${shown?.id}`} schema={schema} item={task.item} source={fixSource} />
            ) : (
              <AnswerQuestions key={`view-${shown?.id}`} schema={schema} item={task.item} source={viewSource} />
            )}
          </main>
          <aside className="instructions review-side" data-testid="review-annotations">
            <h3>Annotations</h3>
            <ul className="plain">
              {latest.map((a) => {
                const v = judgedByMe.get(a.id);
                return (
                  <li key={a.id}>
                    <button
                      type="button"
                      className={`link${a.id === shown?.id ? ' strong' : ''}`}
                      disabled={mode !== 'view'}
                      onClick={() => setChosen(a.id)}
                      data-testid={`review-annotation-${a.id}`}
                    >
                      {a.annotator ?? `user ${a.user_id}`} · v{a.version}
                    </button>{' '}
                    {v ? <span className="tag">{v.verdict}</span> : a.user_id === me?.id ? <span className="tag">yours</span> : <span className="tag">to judge</span>}
                    <ul className="small muted">
                      {schema.questions.map((q) => (
                        <li key={q.name}>
                          {q.title ?? q.name}: {a.result[q.name] === undefined ? '—' : kindOf(q.kind).summarize(a.result[q.name] as never)}
                        </li>
                      ))}
                    </ul>
                  </li>
                );
              })}
            </ul>
            {task.verdicts.length > 0 && (
              <>
                <h3>Earlier verdicts</h3>
                <ul className="small">
                  {task.verdicts.map((v) => (
                    <li key={v.id}>
                      {v.verdict} {v.error_codes.length > 0 && <code>{v.error_codes.join(', ')}</code>} {v.comment}
                    </li>
                  ))}
                </ul>
              </>
            )}
          </aside>
        </div>
      )}
      {sheet && schema && <ShowShortcuts schema={schema} general={general} onClose={() => setSheet(false)} />}
    </div>
  );
}

interface NotesProps {
  taxonomy: ErrorCode[];
  codes: string[];
  setCodes(c: string[]): void;
  comment: string;
  setComment(c: string): void;
}

function CodePicker({ taxonomy, codes, setCodes }: Pick<NotesProps, 'taxonomy' | 'codes' | 'setCodes'>) {
  if (taxonomy.length === 0) return <p className="muted small">This project has no error codes; say what is wrong in the comment.</p>;
  return (
    <div className="choices" role="group" aria-label="Error codes" data-testid="error-codes">
      {taxonomy.map((t, i) => {
        const on = codes.includes(t.code);
        return (
          <label key={t.code} className={`choice${on ? ' on' : ''}`} title={t.section ? `Guideline §${t.section}` : undefined}>
            <input type="checkbox" checked={on} onChange={() => setCodes(on ? codes.filter((c) => c !== t.code) : [...codes, t.code])} data-testid={`code-${t.code}`} />
            {t.title} <code className="small">{t.code}</code>
            {i < 9 && <kbd>{i + 1}</kbd>}
          </label>
        );
      })}
    </div>
  );
}

function RejectForm(props: NotesProps) {
  return (
    <div className="card" data-testid="reject-form">
      <h3>Send back to the annotator</h3>
      <CodePicker {...props} />
      <label>
        Comment for the annotator
        <textarea rows={3} value={props.comment} onChange={(e) => props.setComment(e.target.value)} data-testid="review-comment" autoFocus />
      </label>
    </div>
  );
}

function FixNotes(props: NotesProps) {
  return (
    <>
      <h3>Fix the answer below; what you change is stored as a new version</h3>
      <CodePicker {...props} />
      <label>
        Comment (optional)
        <input value={props.comment} onChange={(e) => props.setComment(e.target.value)} data-testid="review-comment" />
      </label>
    </>
  );
}
