// Active-time accounting as a pure state machine: time counts while the page is visible and the
// person gave input within the idle window. Fed with events and timestamps (ms).

export const IDLE_AFTER_MS = 60_000;

export interface ClockState {
  /** Active time accumulated before `since`. */
  accumulated: number;
  /** When the current active run started; null while paused. */
  since: number | null;
  lastInputAt: number;
  hidden: boolean;
  idleAfter: number;
}

export type ClockEvent =
  | { type: 'input'; at: number }
  | { type: 'hidden'; at: number }
  | { type: 'visible'; at: number }
  | { type: 'tick'; at: number }
  | { type: 'stop'; at: number };

export function startClock(at: number, opts: { hidden?: boolean; idleAfter?: number } = {}): ClockState {
  const hidden = opts.hidden ?? false;
  return { accumulated: 0, since: hidden ? null : at, lastInputAt: at, hidden, idleAfter: opts.idleAfter ?? IDLE_AFTER_MS };
}

/** Close the running interval at `at`, counting no further than the idle deadline. */
function pause(s: ClockState, at: number): ClockState {
  if (s.since === null) return s;
  const end = Math.min(at, s.lastInputAt + s.idleAfter);
  return { ...s, accumulated: s.accumulated + Math.max(0, end - s.since), since: null };
}

export function clockReducer(s: ClockState, e: ClockEvent): ClockState {
  switch (e.type) {
    case 'input': {
      if (s.hidden) return { ...s, lastInputAt: e.at };
      const settled = isIdle(s, e.at) ? pause(s, e.at) : s;
      return { ...settled, lastInputAt: e.at, since: settled.since ?? e.at };
    }
    case 'hidden':
      return { ...pause(s, e.at), hidden: true };
    case 'visible':
      // Coming back to the tab counts as input.
      return s.hidden ? { ...s, hidden: false, since: e.at, lastInputAt: e.at } : s;
    case 'tick':
      return isIdle(s, e.at) ? pause(s, e.at) : s;
    case 'stop':
      return pause(s, e.at);
  }
}

/** Visible but without input for the idle window (what heartbeats report as `idle`). */
export function isIdleAt(s: ClockState, at: number): boolean {
  return !s.hidden && isIdle(s, at);
}

function isIdle(s: ClockState, at: number): boolean {
  return at - s.lastInputAt >= s.idleAfter;
}

/** Active milliseconds as of `at`. */
export function activeMs(s: ClockState, at: number): number {
  if (s.since === null) return s.accumulated;
  const end = Math.min(at, s.lastInputAt + s.idleAfter);
  return s.accumulated + Math.max(0, end - s.since);
}

export function isRunning(s: ClockState, at: number): boolean {
  return s.since !== null && !s.hidden && !isIdle(s, at);
}

export function formatDuration(ms: number): string {
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(sec).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}
