// The queue-driven work loop: take the next item, autosave drafts, heartbeat the lease, submit
// through the offline queue, skip. Also opens one of my submitted items for an edit.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError } from '../../api/client';
import { canPrefetch, guideline, items, projects, queue } from '../../api/endpoints';
import type { Id, Item, LabelingSchema, PendingAck, Project, QueueNext, SubmitAnswer, SubmitBody } from '../../api/types';
import { ackRequired, qualificationRequired } from '../../domain/guideline';
import { NextTaskPrefetcher } from '../../domain/prefetch';
import { imageSource } from '../../kinds/image/media';
import { preloadImage } from '../../kinds/image/imageCache';
import { applyShortcutSettings } from '../../kinds/shapes';
import { tallyPredictions } from '../../kinds/shapes';
import { useSession } from '../../stores/session';
import { startingAnswers, withDraft, finalResult } from './answers';
import { clearLocalDraft, loadLocalDraft, pendingFor, saveLocalDraft, startSubmitQueue, submitQueue } from './offline';
import type { ActiveClock } from './useActiveClock';
import { useWorkspace, type Result } from './workspaceStore';

export type Phase = 'loading' | 'working' | 'sending' | 'waiting_upload' | 'empty' | 'all_leased' | 'ack_required' | 'qualification_required' | 'error';
export type DraftState = 'saved' | 'saving' | 'unsaved' | 'local';

export const AUTOSAVE_MS = 3000;
export const HEARTBEAT_MS = 30_000;

export interface TaskFlow {
  phase: Phase;
  error: unknown;
  notice: string | null;
  problems: Record<string, string>;
  draftState: DraftState;
  retryAt: number | null;
  /** The guideline version to confirm before the queue hands out work (phase `ack_required`). */
  ack: PendingAck | null;
  /** Confirms that version, then takes the next task; rejects when the server refuses. */
  confirmGuideline(version: number): Promise<void>;
  /** The quiz to pass before the queue hands out work (phase `qualification_required`). */
  quiz: { quizId: number; version: number } | null;
  /** After the quiz is passed: take the next task. */
  resumeAfterQuiz(): void;
  submit(): Promise<void>;
  skip(reason: string): Promise<void>;
  saveDraft(): Promise<void>;
  reload(): void;
}

function drainQueue(projectId: Id): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (pendingFor(submitQueue.getSnapshot(), projectId) === 0) {
        unsubscribe();
        resolve();
      }
    };
    const unsubscribe = submitQueue.subscribe(check);
    check();
  });
}

/** Fetch the images of an item the person will see next. */
function warmMedia(project: Project, item: Item): void {
  for (const f of project.schema.fields) {
    if (f.type !== 'image') continue;
    const url = imageSource(item, f.name).url;
    if (url) preloadImage(url);
  }
}

export interface TaskFlowHooks {
  /** Called with the server's answer after each acknowledged submit (gold feedback, rework). */
  onSubmitted?(answer: SubmitAnswer, mode: 'queue' | 'edit'): void;
  /** An edit starts from this version instead of my latest one (rework names it). */
  baseVersion?: number | null;
}

export function useTaskFlow(projectId: Id, mode: 'queue' | 'edit', itemId: Id | null, clock: ActiveClock, schemaOverride?: LabelingSchema, hooks?: TaskFlowHooks): TaskFlow {
  const hooksRef = useRef(hooks);
  hooksRef.current = hooks;
  const [phase, setPhase] = useState<Phase>('loading');
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [draftState, setDraftState] = useState<DraftState>('saved');
  const [retryAt, setRetryAt] = useState<number | null>(null);
  const [ack, setAck] = useState<PendingAck | null>(null);
  const [quiz, setQuiz] = useState<{ quizId: number; version: number } | null>(null);
  const [attempt, setAttempt] = useState(0);
  const user = useSession((s) => s.user);
  const task = useWorkspace((s) => s.task);
  const revision = useWorkspace((s) => s.revision);
  const savedRevision = useWorkspace((s) => s.savedRevision);
  const alive = useRef(true);
  const clockRef = useRef(clock);
  clockRef.current = clock;

  const projectRef = useRef<Project | null>(null);
  // The next task is leased while this one is worked on (when the server can hold two leases).
  const prefetcher = useMemo(
    () =>
      new NextTaskPrefetcher<QueueNext>({
        fetchNext: (exclude) => queue.next(projectId, 'annotate', exclude),
        release: (leaseId) => queue.release(leaseId),
        warm: (next) => projectRef.current && warmMedia(projectRef.current, next.item),
      }),
    [projectId],
  );
  useEffect(() => () => prefetcher.drop(), [prefetcher]);

  const show = useCallback((project: Project, next: QueueNext) => {
    setProblems({});
    if (next.status === 'assigned') {
      const preds = next.predictions ?? next.item.predictions ?? [];
      const initial = startingAnswers(project.schema, next.item, preds);
      const local = loadLocalDraft(project.id, next.item.id);
      const result = withDraft(withDraft(initial, next.draft), local?.result);
      useWorkspace.getState().begin({ mode: 'queue', project, item: next.item, lease: next.lease, baseVersion: null, initial }, result);
      setDraftState('saved');
      setPhase('working');
    } else if (next.status === 'empty') {
      useWorkspace.getState().clear();
      setPhase('empty');
    } else {
      useWorkspace.getState().clear();
      setRetryAt(Date.now() + next.retry_after * 1000);
      setPhase('all_leased');
    }
  }, []);

  const loadNext = useCallback(
    async (project: Project) => {
      const next = await queue.next(project.id);
      if (alive.current) show(project, next);
    },
    [show],
  );

  /** After a submit or skip of `done`: the prefetched task when there is one, else ask the queue. */
  const advance = useCallback(
    async (project: Project, done: Id) => {
      const next = await prefetcher.take(done);
      if (!alive.current) return;
      if (next) show(project, next);
      else await loadNext(project);
    },
    [prefetcher, show, loadNext],
  );

  const workingOn = phase === 'working' && task?.mode === 'queue' && task.lease ? task.item.id : null;
  useEffect(() => {
    if (workingOn === null || prefetcher.has(workingOn)) return;
    let live = true;
    void canPrefetch().then((ok) => ok && live && alive.current && prefetcher.start(workingOn));
    return () => {
      live = false;
    };
  }, [workingOn, prefetcher]);

  const loadEdit = useCallback(
    async (project: Awaited<ReturnType<typeof projects.get>>, id: Id) => {
      const [item, versions] = await Promise.all([items.get(project.id, id), items.versions(project.id, id)]);
      const own = versions.filter((v) => v.user_id === user?.id).sort((a, b) => b.version - a.version);
      const wanted = hooksRef.current?.baseVersion;
      const mine = (wanted != null ? own.find((v) => v.version === wanted) : undefined) ?? own[0];
      const initial = withDraft(startingAnswers(project.schema, item, []), mine?.result ?? null);
      const local = loadLocalDraft(project.id, id);
      useWorkspace.getState().begin({ mode: 'edit', project, item, lease: null, baseVersion: wanted ?? mine?.version ?? null, initial }, withDraft(initial, local?.result));
      setPhase('working');
    },
    [user?.id],
  );

  /** A failed queue request: the guideline gate, or an error to show. */
  const failed = useCallback((err: unknown) => {
    const pending = ackRequired(err);
    const needsQuiz = qualificationRequired(err);
    useWorkspace.getState().clear();
    if (pending) {
      setAck(pending);
      setError(null);
      setPhase('ack_required');
    } else if (needsQuiz) {
      setQuiz(needsQuiz);
      setError(null);
      setPhase('qualification_required');
    } else {
      setError(err);
      setPhase('error');
    }
  }, []);

  const confirmGuideline = useCallback(
    async (version: number) => {
      await guideline.ack(projectId, version);
      setAck(null);
      setAttempt((n) => n + 1);
    },
    [projectId],
  );

  const resumeAfterQuiz = useCallback(() => {
    setQuiz(null);
    setAttempt((n) => n + 1);
  }, []);

  // Load the project, send anything queued for it first (else the server hands back the same item), then take work.
  useEffect(() => {
    alive.current = true;
    setPhase('loading');
    setError(null);
    (async () => {
      try {
        await startSubmitQueue();
        const project = await projects.get(projectId);
        if (schemaOverride) project.schema = schemaOverride;
        project.schema = applyShortcutSettings(project.schema);
        projectRef.current = project;
        if (mode === 'edit' && itemId !== null) return await loadEdit(project, itemId);
        if (pendingFor(submitQueue.getSnapshot(), projectId) > 0) {
          setPhase('waiting_upload');
          await drainQueue(projectId);
        }
        await loadNext(project);
      } catch (err) {
        if (alive.current) failed(err);
      }
    })();
    return () => {
      alive.current = false;
    };
  }, [projectId, mode, itemId, attempt, loadNext, loadEdit, schemaOverride, failed]);

  // All items leased by others: ask again when the earliest lease may end.
  useEffect(() => {
    if (phase !== 'all_leased' || retryAt === null) return;
    const t = window.setTimeout(() => setAttempt((n) => n + 1), Math.max(1000, retryAt - Date.now()));
    return () => window.clearTimeout(t);
  }, [phase, retryAt]);

  const saveDraft = useCallback(
    async (keepalive = false) => {
      const s = useWorkspace.getState();
      if (!s.task || s.revision <= s.savedRevision) return;
      const rev = s.revision;
      setDraftState('saving');
      try {
        await items.putDraft(s.task.project.id, s.task.item.id, { result: s.result, base_version: s.task.baseVersion }, keepalive);
        useWorkspace.getState().markSaved(rev);
        setDraftState(useWorkspace.getState().revision > rev ? 'unsaved' : 'saved');
      } catch {
        setDraftState('local');
      }
    },
    [],
  );

  // Every change is copied locally at once; the server draft follows every few seconds.
  useEffect(() => {
    if (!task || revision === 0) return;
    saveLocalDraft(task.project.id, task.item.id, useWorkspace.getState().result);
    if (revision > savedRevision) setDraftState((d) => (d === 'local' ? 'local' : 'unsaved'));
  }, [task, revision, savedRevision]);

  useEffect(() => {
    const t = window.setInterval(() => void saveDraft(), AUTOSAVE_MS);
    const onBlur = () => void saveDraft();
    const onHide = () => {
      if (document.hidden) void saveDraft(true);
    };
    const onLeave = () => void saveDraft(true);
    window.addEventListener('blur', onBlur);
    document.addEventListener('visibilitychange', onHide);
    window.addEventListener('pagehide', onLeave);
    return () => {
      window.clearInterval(t);
      window.removeEventListener('blur', onBlur);
      document.removeEventListener('visibilitychange', onHide);
      window.removeEventListener('pagehide', onLeave);
    };
  }, [saveDraft]);

  // Heartbeats keep the lease and report active time.
  const leaseId = task?.lease?.id ?? null;
  useEffect(() => {
    if (leaseId === null) return;
    const beat = async () => {
      try {
        await queue.heartbeat(leaseId, clockRef.current.read(), clockRef.current.hidden(), clockRef.current.idle());
      } catch (err) {
        if (err instanceof ApiError && err.status === 409) setNotice('Your lease on this item has ended; a submit is still accepted.');
      }
    };
    const t = window.setInterval(beat, HEARTBEAT_MS);
    // A beat on every change between active, idle and hidden lets the server split the time
    // where the change happened rather than at the next periodic beat.
    const stateNow = () => (clockRef.current.hidden() ? 'hidden' : clockRef.current.idle() ? 'idle' : 'active');
    let last = stateNow();
    const watch = window.setInterval(() => {
      const now = stateNow();
      if (now !== last) {
        last = now;
        void beat();
      }
    }, 1000);
    return () => {
      window.clearInterval(t);
      window.clearInterval(watch);
    };
  }, [leaseId]);

  const submit = useCallback(async () => {
    const s = useWorkspace.getState();
    if (!s.task || phase !== 'working') return;
    const { task: t } = s;
    const { result, problems: found } = finalResult(t.project.schema, s.result);
    if (found.length) {
      setProblems(Object.fromEntries(found.map((p) => [p.question, p.message])));
      useWorkspace.getState().setActive(found[0]!.question);
      return;
    }
    setProblems({});
    setError(null);
    const key = crypto.randomUUID();
    const body: SubmitBody = {
      result,
      lease_id: t.lease?.id ?? null,
      idempotency_key: key,
      base_version: t.baseVersion,
      active_ms: Math.round(clockRef.current.read()),
      meta: { predictions: tallyPredictions(t.initial, result) },
    };
    const outcome = submitQueue.waitFor(key);
    setPhase(submitQueue.getSnapshot().online ? 'sending' : 'waiting_upload');
    await submitQueue.enqueue({ key, path: items.submitPath(t.project.id, t.item.id), body, label: `${t.project.name} · item ${t.item.external_id ?? t.item.id}` });
    // While retries run (offline, server down) the work is safe on this device.
    const slow = window.setTimeout(() => alive.current && setPhase('waiting_upload'), 1500);
    const done = await outcome;
    window.clearTimeout(slow);
    if (!alive.current) return;
    if (done.type === 'acknowledged') {
      clearLocalDraft(t.project.id, t.item.id);
      setNotice(null);
      try {
        hooksRef.current?.onSubmitted?.((done.response ?? {}) as SubmitAnswer, t.mode);
      } catch {
        // what a listener does with the answer never stops the work
      }
      if (t.mode === 'edit') {
        const a = done.response as { version?: number };
        useWorkspace.getState().begin({ ...t, baseVersion: a.version ?? (t.baseVersion ?? 0) + 1, initial: result }, s.result);
        setNotice(`Saved as version ${a.version ?? ''}.`);
        setPhase('working');
        return;
      }
      try {
        await advance(t.project, t.item.id);
      } catch (err) {
        if (alive.current) failed(err);
      }
    } else {
      await submitQueue.discard(key);
      setError(new ApiError(done.error.status, done.error.code, done.error.message));
      setPhase('working');
    }
  }, [phase, advance, failed]);

  const skip = useCallback(
    async (reason: string) => {
      const t = useWorkspace.getState().task;
      if (!t?.lease) return;
      try {
        await queue.skip(t.lease.id, reason);
        clearLocalDraft(t.project.id, t.item.id);
      } catch (err) {
        setError(err);
        return;
      }
      try {
        await advance(t.project, t.item.id);
      } catch (err) {
        if (alive.current) failed(err);
      }
    },
    [advance, failed],
  );

  return {
    phase,
    error,
    notice,
    problems,
    draftState,
    retryAt,
    ack,
    confirmGuideline,
    quiz,
    resumeAfterQuiz,
    submit,
    skip,
    saveDraft: () => saveDraft(),
    reload: () => setAttempt((n) => n + 1),
  };
}

export type { Result };
