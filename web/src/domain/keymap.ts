// Keyboard shortcuts: parsing "ctrl+shift+z", matching key events, class shortcut assignment.

export interface Shortcut {
  key: string; // lower-case key name: "z", "1", "enter", "arrowleft", "?", " "
  ctrl: boolean;
  shift: boolean;
  alt: boolean;
  meta: boolean;
}

export interface KeyEventLike {
  key: string;
  code?: string;
  ctrlKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  metaKey: boolean;
}

const ALIASES: Record<string, string> = {
  esc: 'escape',
  return: 'enter',
  space: ' ',
  spacebar: ' ',
  del: 'delete',
  left: 'arrowleft',
  right: 'arrowright',
  up: 'arrowup',
  down: 'arrowdown',
  plus: '+',
};

/** Parse "ctrl+shift+z", "Mod+Z", "?", "plus" ("mod" is Cmd on macOS, Ctrl elsewhere). */
export function parseShortcut(text: string, isMac = false): Shortcut {
  const parts = text.trim().toLowerCase().split('+');
  // "ctrl++" splits into [..., "", ""]: the key is "+".
  if (parts.length > 1 && parts[parts.length - 1] === '' && parts[parts.length - 2] === '') parts.splice(-2, 2, '+');
  const sc: Shortcut = { key: '', ctrl: false, shift: false, alt: false, meta: false };
  parts.forEach((raw, i) => {
    const p = raw.trim();
    const last = i === parts.length - 1;
    if (!last && (p === 'ctrl' || p === 'control')) sc.ctrl = true;
    else if (!last && p === 'shift') sc.shift = true;
    else if (!last && (p === 'alt' || p === 'option')) sc.alt = true;
    else if (!last && (p === 'meta' || p === 'cmd' || p === 'command')) sc.meta = true;
    else if (!last && p === 'mod') {
      if (isMac) sc.meta = true;
      else sc.ctrl = true;
    } else if (last) sc.key = ALIASES[p] ?? p;
    else throw new Error(`Unknown modifier "${p}" in shortcut "${text}"`);
  });
  if (!sc.key) throw new Error(`Shortcut "${text}" has no key`);
  return sc;
}

const DISPLAY: Record<string, string> = {
  ' ': 'Space',
  arrowleft: '←',
  arrowright: '→',
  arrowup: '↑',
  arrowdown: '↓',
  escape: 'Esc',
  enter: 'Enter',
  delete: 'Del',
  backspace: 'Backspace',
  tab: 'Tab',
};

export function formatShortcut(sc: Shortcut): string {
  const mods = [sc.ctrl && 'Ctrl', sc.alt && 'Alt', sc.shift && 'Shift', sc.meta && 'Cmd'].filter(Boolean) as string[];
  const key = DISPLAY[sc.key] ?? (sc.key.length === 1 ? sc.key.toUpperCase() : sc.key[0]!.toUpperCase() + sc.key.slice(1));
  return [...mods, key].join('+');
}

// Keys whose character already implies Shift on most layouts; Shift is not required to match.
const SHIFTED_SYMBOLS = new Set(['?', '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+', '{', '}', '|', ':', '"', '<', '>', '~']);

function eventKey(e: KeyEventLike): string {
  const k = e.key.toLowerCase();
  return k === 'spacebar' ? ' ' : k;
}

export function matchShortcut(sc: Shortcut, e: KeyEventLike): boolean {
  if (sc.ctrl !== e.ctrlKey || sc.alt !== e.altKey || sc.meta !== e.metaKey) return false;
  const key = eventKey(e);
  if (SHIFTED_SYMBOLS.has(sc.key)) return key === sc.key;
  if (sc.shift !== e.shiftKey) return false;
  if (key === sc.key) return true;
  // Shift+digit yields "!" etc. on the key; fall back to the physical code.
  if (/^[0-9]$/.test(sc.key) && e.code === `Digit${sc.key}`) return true;
  if (/^[a-z]$/.test(sc.key) && e.code === `Key${sc.key.toUpperCase()}`) return e.altKey || e.ctrlKey || e.metaKey;
  return false;
}

export function shortcutId(sc: Shortcut): string {
  return [sc.ctrl && 'ctrl', sc.alt && 'alt', sc.shift && 'shift', sc.meta && 'meta', sc.key].filter(Boolean).join('+');
}

export interface ClassLike {
  name: string;
  shortcut?: string | null;
}

const AUTO_KEYS = [...'123456789', ...'abcdefghijklmnopqrstuvwxyz'];

/**
 * Give each class a single-key shortcut: its own `shortcut` when set, else the next free key of
 * 1–9 then a–z, skipping `reserved` keys (tool and workspace shortcuts). Classes beyond the
 * available keys get none.
 */
export function assignClassShortcuts(classes: readonly ClassLike[], reserved: Iterable<string> = []): Map<string, string> {
  const taken = new Set<string>([...reserved].map((k) => k.toLowerCase()));
  const out = new Map<string, string>();
  for (const c of classes) {
    if (c.shortcut) {
      const k = c.shortcut.toLowerCase();
      out.set(c.name, k);
      taken.add(k);
    }
  }
  let next = 0;
  for (const c of classes) {
    if (out.has(c.name)) continue;
    while (next < AUTO_KEYS.length && taken.has(AUTO_KEYS[next]!)) next++;
    if (next >= AUTO_KEYS.length) break;
    out.set(c.name, AUTO_KEYS[next]!);
    taken.add(AUTO_KEYS[next]!);
  }
  return out;
}

export interface Binding {
  id: string;
  shortcut: string;
}

export interface Conflict {
  shortcut: string;
  ids: string[];
}

/** Bindings that share the same normalized shortcut. */
export function findConflicts(bindings: readonly Binding[], isMac = false): Conflict[] {
  const byKey = new Map<string, string[]>();
  for (const b of bindings) {
    const id = shortcutId(parseShortcut(b.shortcut, isMac));
    byKey.set(id, [...(byKey.get(id) ?? []), b.id]);
  }
  return [...byKey.entries()].filter(([, ids]) => ids.length > 1).map(([shortcut, ids]) => ({ shortcut, ids }));
}

/** True when the event comes from a text field, where single-key shortcuts must not fire. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as HTMLElement).tagName !== 'string') return false;
  const el = target as HTMLElement;
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (el as HTMLInputElement).type;
    return !['checkbox', 'radio', 'button', 'submit', 'range'].includes(type);
  }
  return el.isContentEditable === true;
}
