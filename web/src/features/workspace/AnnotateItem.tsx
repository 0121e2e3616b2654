// The annotation workspace: item and tools, instructions beside them, clock, save state, keys.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { activity as activityApi } from '../../api/activity';
import { guideline as guidelineApi } from '../../api/endpoints';
import type { GuidelineVersion, Id } from '../../api/types';
import { navigate, useLocation } from '../../app/router';
import { formatDuration } from '../../domain/activeClock';
import { formatShortcut, isTypingTarget, matchShortcut, parseShortcut } from '../../domain/keymap';
import type { ShortcutHelp } from '../../kinds/types';
import { ShowError } from '../common/ShowError';
import { AnswerQuestions, type AnswerSource, type GuidelineLinks } from './AnswerQuestions';
import { ConfirmGuideline } from './ConfirmGuideline';
import { TakeQuiz } from './TakeQuiz';
import { ShowInstructions, type SectionFocus } from './ShowInstructions';
import { ShowSaveState } from './ShowSaveState';
import { ShowShortcuts } from './ShowShortcuts';
import { SkipItem } from './SkipItem';
import { useActiveClock } from './useActiveClock';
import { useTaskFlow, type TaskFlowHooks } from './useTaskFlow';
import { ShowGoldFeedback, goldToastOf, type GoldToast } from './ShowGoldFeedback';
import { ShowReworkNotes } from './ShowReworkNotes';
import { useWorkspace } from './workspaceStore';
import { useWorkspaceKeys } from './useWorkspaceKeys';
import { RaiseQuestion } from '../questions/RaiseQuestion';
import { ShowTodayProgress } from '../ops/ShowTodayProgress';

const useAnswer = (name: string) => useWorkspace((s) => s.result[name]);

/** The project's current guideline version, read again with every item (a minor version shows
 * from the next item on) and once work resumes after a confirmation. */
function useCurrentGuideline(projectId: Id, itemKey: Id | null, gated: boolean): GuidelineVersion | null {
  const [current, setCurrent] = useState<GuidelineVersion | null>(null);
  const asked = useRef(0); // only the newest answer is shown
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  useEffect(() => {
    if (gated) return;
    const n = ++asked.current;
    guidelineApi.state(projectId).then(
      (s) => mounted.current && n === asked.current && setCurrent(s.current),
      () => undefined, // shown without the guideline; read again with the next item
    );
  }, [projectId, itemKey, gated]);
  return current;
}

/** The project's idle window (ms), read once per project; undefined until it has come. */
function useIdleWindow(projectId: Id): number | undefined {
  const [ms, setMs] = useState<number | undefined>(undefined);
  useEffect(() => {
    let live = true;
    activityApi.progressToday(projectId).then(
      (p) => live && setMs(p.idle_after_s * 1000),
      () => undefined, // the default window serves
    );
    return () => {
      live = false;
    };
  }, [projectId]);
  return ms;
}

export function AnnotateItem({ projectId, itemId }: { projectId: Id; itemId?: Id }) {
  const mode = itemId === undefined ? 'queue' : 'edit';
  const task = useWorkspace((s) => s.task);
  const active = useWorkspace((s) => s.active);
  const canUndo = useWorkspace((s) => s.canUndo);
  const canRedo = useWorkspace((s) => s.canRedo);
  const clock = useActiveClock(task?.item.id, useIdleWindow(projectId));
  const { search } = useLocation();
  const reworkId = mode === 'edit' ? Number(search.get('rework')) || null : null;
  const reworkBase = reworkId !== null && search.get('base') ? Number(search.get('base')) : null;
  const [toast, setToast] = useState<GoldToast | null>(null);
  const hooks = useMemo<TaskFlowHooks>(
    () => ({
      baseVersion: reworkBase,
      onSubmitted: (answer, how) => {
        const shown = how === 'queue' ? goldToastOf(answer, Date.now()) : null;
        if (shown) setToast(shown);
        if (how === 'edit' && reworkId !== null) navigate(`/projects/${projectId}/rework?sent=${itemId}`);
      },
    }),
    [reworkBase, reworkId, projectId, itemId],
  );
  const flow = useTaskFlow(projectId, mode, itemId ?? null, clock, undefined, hooks);
  const [sheet, setSheet] = useState(false);
  const [skipping, setSkipping] = useState(false);
  const schema = task?.project.schema;
  const guideline = useCurrentGuideline(projectId, task?.item.id ?? null, flow.phase === 'ack_required');
  const [focus, setFocus] = useState<SectionFocus | null>(null);

  const shortcuts = useMemo(() => {
    const s = (schema?.shortcuts ?? {}) as Record<string, string>;
    return {
      submit: parseShortcut(s.submit ?? 'ctrl+enter'),
      skip: parseShortcut(s.skip ?? 'ctrl+shift+s'),
      undo: parseShortcut(s.undo ?? 'ctrl+z'),
      redo: parseShortcut(s.redo ?? 'ctrl+shift+z'),
    };
  }, [schema]);

  const general: ShortcutHelp[] = [
    { keys: formatShortcut(shortcuts.submit), does: 'submit and take the next item' },
    { keys: formatShortcut(shortcuts.skip), does: 'skip (asks for a reason)' },
    { keys: formatShortcut(shortcuts.undo), does: 'undo' },
    { keys: `${formatShortcut(shortcuts.redo)} / Ctrl+Y`, does: 'redo' },
    { keys: 'Alt+↓ / Alt+↑', does: 'next / previous question' },
    { keys: 'Ctrl+S', does: 'save the draft now' },
    { keys: '?', does: 'this sheet' },
  ];

  useWorkspaceKeys({
    enabled: flow.phase === 'working' && !skipping,
    onKey: (e) => {
      if (e.key === '?' && !isTypingTarget(e.target)) return setSheet((v) => !v), true;
      if (e.key === 'Escape' && sheet) return setSheet(false), true;
      if (matchShortcut(shortcuts.submit, e)) return void flow.submit(), true;
      if (matchShortcut(shortcuts.skip, e) && task?.lease) return setSkipping(true), true;
      if (matchShortcut(shortcuts.redo, e) || (e.ctrlKey && e.key.toLowerCase() === 'y')) return useWorkspace.getState().redo(), true;
      if (matchShortcut(shortcuts.undo, e)) return useWorkspace.getState().undo(), true;
      if (e.ctrlKey && e.key.toLowerCase() === 's') return void flow.saveDraft(), true;
      if (e.altKey && (e.key === 'ArrowDown' || e.key === 'ArrowUp') && schema) {
        const names = schema.questions.map((q) => q.name);
        const i = names.indexOf(useWorkspace.getState().active ?? '');
        const next = names[(i + (e.key === 'ArrowDown' ? 1 : -1) + names.length) % names.length];
        if (next) useWorkspace.getState().setActive(next);
        return true;
      }
      return false;
    },
  });

  const onAnswer = useCallback<AnswerSource['onAnswer']>((q, v, o) => useWorkspace.getState().answer(q, v, o), []);
  const onActivate = useCallback((q: string) => useWorkspace.getState().setActive(q), []);
  const links = useMemo<GuidelineLinks | null>(
    () => (guideline ? { version: guideline.version, sections: guideline.sections, open: (section) => setFocus({ section, at: Date.now() }) } : null),
    [guideline],
  );
  const source = useMemo<AnswerSource>(() => ({ useAnswer, onAnswer, active, onActivate, guideline: links }), [onAnswer, active, onActivate, links]);

  return (
    <div className="workspace" data-testid="workspace" data-phase={flow.phase}>
      <div className="toolbar">
        <div className="grow crumbs">
          <strong>{task?.project.name ?? 'Workspace'}</strong>
          {task && (
            <span className="muted" data-testid="item-id">
              {' '}
              · item {task.item.external_id ?? task.item.id}
              {mode === 'edit' && (reworkId !== null ? ` · rework of version ${task.baseVersion ?? '—'}` : ` · editing version ${task.baseVersion ?? '—'}`)}
            </span>
          )}
        </div>
        {guideline && flow.phase !== 'ack_required' && (
          <button
            type="button"
            className="link small"
            data-testid="guideline-version"
            title={`The guideline in force: version ${guideline.version}, published ${new Date(guideline.created_at).toLocaleString()}`}
            onClick={() => setFocus({ section: null, at: Date.now() })}
          >
            Guideline v{guideline.version}
          </button>
        )}
        <span className={`clock${clock.running ? '' : ' paused'}`} data-testid="active-clock" title="Active time on this item (pauses when the tab is hidden or after 60 s without input)">
          Active {formatDuration(clock.ms)}
          {!clock.running && ' paused'}
        </span>
        <ShowTodayProgress projectId={projectId} />
        <ShowSaveState draft={flow.draftState} />
        <button type="button" onClick={() => useWorkspace.getState().undo()} disabled={!canUndo} aria-label="Undo" data-testid="undo">
          ↶
        </button>
        <button type="button" onClick={() => useWorkspace.getState().redo()} disabled={!canRedo} aria-label="Redo" data-testid="redo">
          ↷
        </button>
        <button type="button" onClick={() => setSheet(true)} aria-label="Keyboard shortcuts">
          ?
        </button>
        <RaiseQuestion projectId={projectId} itemId={task?.item.id ?? null} leaseId={task?.lease?.id ?? null} onParked={flow.reload} />
        {mode === 'queue' && (
          <button type="button" onClick={() => setSkipping(true)} disabled={flow.phase !== 'working' || !task?.lease} data-testid="skip">
            Skip
          </button>
        )}
        <button type="button" className="primary" onClick={() => void flow.submit()} disabled={flow.phase !== 'working'} data-testid="submit">
          {reworkId !== null ? 'Send back to review' : mode === 'edit' ? 'Save new version' : 'Submit'} <kbd>{formatShortcut(shortcuts.submit)}</kbd>
        </button>
      </div>
      {flow.notice && <div className="notice" role="status">{flow.notice}</div>}
      {reworkId !== null && <ShowReworkNotes projectId={projectId} reworkId={reworkId} />}
      <ShowError error={flow.error} />
      <PhaseMessage flow={flow} mode={mode} />
      {flow.phase === 'ack_required' && flow.ack && <ConfirmGuideline projectId={projectId} ack={flow.ack} onConfirm={flow.confirmGuideline} />}
      {flow.phase === 'qualification_required' && flow.quiz && <TakeQuiz key={flow.quiz.quizId} projectId={projectId} onPassed={flow.resumeAfterQuiz} />}
      {task && schema && (flow.phase === 'working' || flow.phase === 'sending') && (
        <div className="workspace-body">
          <main className="item-pane" aria-busy={flow.phase === 'sending'}>
            <AnswerQuestions schema={schema} item={task.item} source={source} problems={flow.problems} />
          </main>
          <ShowInstructions source={String(task.project.instructions || schema.instructions || '')} guideline={guideline} focus={focus} />
        </div>
      )}
      {toast && <ShowGoldFeedback toast={toast} onClose={() => setToast(null)} />}
      {sheet && schema && <ShowShortcuts schema={schema} general={general} onClose={() => setSheet(false)} />}
      {skipping && (
        <SkipItem
          onCancel={() => setSkipping(false)}
          onSkip={(reason) => {
            setSkipping(false);
            void flow.skip(reason);
          }}
        />
      )}
    </div>
  );
}

function PhaseMessage({ flow, mode }: { flow: ReturnType<typeof useTaskFlow>; mode: string }) {
  switch (flow.phase) {
    case 'loading':
      return <div className="center muted">Loading…</div>;
    case 'waiting_upload':
      return (
        <div className="center" data-testid="waiting-upload">
          Your submitted work is saved on this device and will be sent as soon as the server can be reached.
        </div>
      );
    case 'empty':
      return (
        <div className="center" data-testid="queue-empty">
          <p>No more items for you in this project. Well done.</p>
          <button type="button" onClick={() => navigate('/')}>
            Back to my work
          </button>
        </div>
      );
    case 'all_leased':
      return (
        <div className="center" data-testid="queue-all-leased">
          All remaining items are being worked on by others. Trying again {flow.retryAt ? `at ${new Date(flow.retryAt).toLocaleTimeString()}` : 'soon'}…
        </div>
      );
    case 'error':
      return (
        <div className="center">
          <button type="button" onClick={flow.reload}>
            Try again
          </button>
          {mode === 'edit' && (
            <button type="button" onClick={() => navigate('/history')}>
              Back to history
            </button>
          )}
        </div>
      );
    default:
      return null;
  }
}
