// Undo/redo as a stack of reversible commands over an immutable state value.

export interface Command<S> {
  label?: string;
  apply(state: S): S;
  revert(state: S): S;
  /** Commands with the same key pushed within the coalesce window merge into one undo step. */
  coalesceKey?: string;
}

interface Entry<S> {
  command: Command<S>;
  at: number;
}

export interface HistoryOptions {
  limit?: number;
  coalesceMs?: number;
  now?: () => number;
}

export class UndoHistory<S> {
  private done: Entry<S>[] = [];
  private undone: Entry<S>[] = [];
  private readonly limit: number;
  private readonly coalesceMs: number;
  private readonly now: () => number;

  constructor(opts: HistoryOptions = {}) {
    this.limit = opts.limit ?? 200;
    this.coalesceMs = opts.coalesceMs ?? 800;
    this.now = opts.now ?? (() => Date.now());
  }

  get canUndo(): boolean {
    return this.done.length > 0;
  }

  get canRedo(): boolean {
    return this.undone.length > 0;
  }

  get size(): number {
    return this.done.length;
  }

  /** Apply a command to `state`, record it, and return the new state. Clears the redo stack. */
  execute(state: S, command: Command<S>): S {
    const next = command.apply(state);
    this.record(command);
    return next;
  }

  /** Record a command whose effect is already in the state (e.g. a change made by a widget). */
  record(command: Command<S>): void {
    const at = this.now();
    this.undone = [];
    const top = this.done[this.done.length - 1];
    if (top && command.coalesceKey !== undefined && top.command.coalesceKey === command.coalesceKey && at - top.at <= this.coalesceMs) {
      this.done[this.done.length - 1] = { command: compose(top.command, command), at };
      return;
    }
    this.done.push({ command, at });
    if (this.done.length > this.limit) this.done.splice(0, this.done.length - this.limit);
  }

  undo(state: S): S | null {
    const entry = this.done.pop();
    if (!entry) return null;
    this.undone.push(entry);
    return entry.command.revert(state);
  }

  redo(state: S): S | null {
    const entry = this.undone.pop();
    if (!entry) return null;
    this.done.push({ command: entry.command, at: -Infinity });
    return entry.command.apply(state);
  }

  /** Stop the current coalescing run: the next command starts a new undo step. */
  seal(): void {
    const top = this.done[this.done.length - 1];
    if (top) top.at = -Infinity;
  }

  clear(): void {
    this.done = [];
    this.undone = [];
  }
}

function compose<S>(first: Command<S>, second: Command<S>): Command<S> {
  return {
    label: second.label ?? first.label,
    coalesceKey: second.coalesceKey,
    apply: (s) => second.apply(first.apply(s)),
    revert: (s) => first.revert(second.revert(s)),
  };
}

/** A command that sets one key of a record from `before` to `after`. */
export function setKeyCommand<V>(key: string, before: V, after: V, coalesceKey?: string): Command<Record<string, V>> {
  return {
    label: key,
    coalesceKey,
    apply: (s) => ({ ...s, [key]: after }),
    revert: (s) => ({ ...s, [key]: before }),
  };
}
