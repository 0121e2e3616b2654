// Shortcut descriptions shared by the image tools.
import type { ShortcutHelp } from '../types';
import type { ClassInfo } from '../shapes';

export function imageShortcuts(classes: readonly ClassInfo[]): ShortcutHelp[] {
  return [
    ...classes.filter((c) => c.key).map((c) => ({ keys: c.key!, does: `class “${c.name}” (relabels the selected shape)` })),
    { keys: 'click', does: 'select a shape' },
    { keys: 'Tab / Shift+Tab', does: 'select next / previous shape' },
    { keys: 'Del', does: 'delete the selected shape' },
    { keys: 'H / Shift+H', does: 'hide the selected shape / show all' },
    { keys: 'Esc', does: 'deselect, cancel drawing' },
    { keys: 'wheel, + / −', does: 'zoom' },
    { keys: 'Space+drag', does: 'pan' },
    { keys: 'F', does: 'fit the image' },
  ];
}
