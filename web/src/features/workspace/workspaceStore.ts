// The item being worked on, its answers, and their undo history.
import { create } from 'zustand';
import type { Item, Lease, Project } from '../../api/types';
import { UndoHistory, setKeyCommand } from '../../domain/history';
import type { ChangeOptions } from '../../kinds/types';

export type Result = Record<string, unknown>;

export interface Task {
  mode: 'queue' | 'edit';
  project: Project;
  item: Item;
  lease: Lease | null;
  /** Version this edit builds on (null for a first submit). */
  baseVersion: number | null;
  /** What the person started from (predictions), to tally what they kept. */
  initial: Result;
}

interface WorkspaceState {
  task: Task | null;
  result: Result;
  revision: number;
  savedRevision: number;
  canUndo: boolean;
  canRedo: boolean;
  active: string | null;
  begin(task: Task, result: Result): void;
  clear(): void;
  answer(question: string, value: unknown, opts?: ChangeOptions): void;
  undo(): void;
  redo(): void;
  setActive(question: string): void;
  markSaved(revision: number): void;
}

let history = new UndoHistory<Result>({ limit: 300 });

export const useWorkspace = create<WorkspaceState>((set, get) => ({
  task: null,
  result: {},
  revision: 0,
  savedRevision: 0,
  canUndo: false,
  canRedo: false,
  active: null,
  begin(task, result) {
    history = new UndoHistory<Result>({ limit: 300 });
    set({ task, result, revision: 0, savedRevision: 0, canUndo: false, canRedo: false, active: task.project.schema.questions[0]?.name ?? null });
  },
  clear() {
    history.clear();
    set({ task: null, result: {}, revision: 0, savedRevision: 0, canUndo: false, canRedo: false });
  },
  answer(question, value, opts) {
    const { result, revision } = get();
    const before = result[question];
    if (before === value) return;
    history.record(setKeyCommand<unknown>(question, before, value, opts?.coalesce));
    set({ result: { ...result, [question]: value }, revision: revision + 1, canUndo: true, canRedo: false });
  },
  undo() {
    const next = history.undo(get().result);
    if (next) set((s) => ({ result: next, revision: s.revision + 1, canUndo: history.canUndo, canRedo: history.canRedo }));
  },
  redo() {
    const next = history.redo(get().result);
    if (next) set((s) => ({ result: next, revision: s.revision + 1, canUndo: history.canUndo, canRedo: history.canRedo }));
  },
  setActive(question) {
    if (get().active !== question) {
      history.seal();
      set({ active: question });
    }
  },
  markSaved(revision) {
    set((s) => ({ savedRevision: Math.max(s.savedRevision, revision) }));
  },
}));
