// Feeds the active-time state machine with the page's input and visibility events.
import { useCallback, useEffect, useRef, useState } from 'react';
import { activeMs, clockReducer, isIdleAt, isRunning, startClock, type ClockEvent, type ClockState } from '../../domain/activeClock';

export interface ActiveClock {
  ms: number;
  running: boolean;
  /** Active ms right now (for heartbeats and submits). */
  read(): number;
  hidden(): boolean;
  /** Visible but without input for the idle window. */
  idle(): boolean;
}

/** `idleAfter`: the project's idle window in ms (the default until the server has said). */
export function useActiveClock(resetKey: unknown, idleAfter?: number): ActiveClock {
  const state = useRef<ClockState>(startClock(performance.now(), { hidden: document.hidden, idleAfter }));
  const [, force] = useState(0);

  const dispatch = useCallback((e: ClockEvent) => {
    state.current = clockReducer(state.current, e);
  }, []);

  useEffect(() => {
    state.current = startClock(performance.now(), { hidden: document.hidden, idleAfter });
    force((n) => n + 1);
    // The window is read when a task starts; a change reaches the next task.
  }, [resetKey]);

  useEffect(() => {
    if (idleAfter !== undefined && idleAfter !== state.current.idleAfter) {
      state.current = { ...state.current, idleAfter };
    }
  }, [idleAfter]);

  useEffect(() => {
    let lastMove = 0;
    const input = () => dispatch({ type: 'input', at: performance.now() });
    const move = () => {
      const now = performance.now();
      if (now - lastMove > 1000) {
        lastMove = now;
        input();
      }
    };
    const visibility = () => dispatch({ type: document.hidden ? 'hidden' : 'visible', at: performance.now() });
    const tick = window.setInterval(() => {
      dispatch({ type: 'tick', at: performance.now() });
      force((n) => n + 1);
    }, 1000);
    window.addEventListener('keydown', input, true);
    window.addEventListener('mousedown', input, true);
    window.addEventListener('wheel', input, { capture: true, passive: true });
    window.addEventListener('mousemove', move, { capture: true, passive: true });
    document.addEventListener('visibilitychange', visibility);
    return () => {
      window.clearInterval(tick);
      window.removeEventListener('keydown', input, true);
      window.removeEventListener('mousedown', input, true);
      window.removeEventListener('wheel', input, true);
      window.removeEventListener('mousemove', move, true);
      document.removeEventListener('visibilitychange', visibility);
    };
  }, [dispatch]);

  const read = useCallback(() => activeMs(state.current, performance.now()), []);
  const hidden = useCallback(() => state.current.hidden, []);
  const idle = useCallback(() => isIdleAt(state.current, performance.now()), []);
  const now = performance.now();
  return { ms: activeMs(state.current, now), running: isRunning(state.current, now), read, hidden, idle };
}
