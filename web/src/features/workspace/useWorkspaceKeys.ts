// Workspace-level shortcuts, handled before the tools' (capture phase) so undo/submit always work.
import { useEffect, useRef } from 'react';

export function useWorkspaceKeys({ enabled, onKey }: { enabled: boolean; onKey(e: KeyboardEvent): boolean }): void {
  const ref = useRef(onKey);
  ref.current = onKey;
  useEffect(() => {
    if (!enabled) return;
    const handler = (e: KeyboardEvent) => {
      if (ref.current(e)) {
        e.preventDefault();
        e.stopPropagation();
      }
    };
    window.addEventListener('keydown', handler, true);
    return () => window.removeEventListener('keydown', handler, true);
  }, [enabled]);
}
