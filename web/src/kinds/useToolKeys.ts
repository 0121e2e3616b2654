// Keyboard handling for the active tool: single keys are ignored while typing in a text field.
import { useEffect, useRef } from 'react';
import { isTypingTarget } from '../domain/keymap';

export type KeyHandler = (e: KeyboardEvent) => boolean | void;

/** While `active`, call `handler` for key presses; returning true marks the event handled. */
export function useToolKeys(active: boolean, handler: KeyHandler, opts: { allowInText?: boolean } = {}): void {
  const ref = useRef(handler);
  ref.current = handler;
  const allowInText = opts.allowInText ?? false;
  useEffect(() => {
    if (!active) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented) return;
      if (!allowInText && isTypingTarget(e.target)) return;
      if (ref.current(e) === true) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [active, allowInText]);
}

/** The class key pressed (no modifiers), if any. */
export function plainKey(e: KeyboardEvent): string | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  return e.key.length === 1 ? e.key.toLowerCase() : null;
}
