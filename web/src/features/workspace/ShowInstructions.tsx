// The project's guideline beside the item, collapsible (the choice is remembered).
import { useState } from 'react';
import { RenderMarkdown } from '../common/RenderMarkdown';

const KEY = 'truthline.instructions.collapsed';

export function ShowInstructions({ source }: { source: string }) {
  const [collapsed, setCollapsed] = useState(() => window.localStorage.getItem(KEY) === '1');
  const toggle = () => {
    window.localStorage.setItem(KEY, collapsed ? '0' : '1');
    setCollapsed(!collapsed);
  };
  return (
    <aside className={`instructions${collapsed ? ' collapsed' : ''}`} data-testid="instructions" aria-label="Instructions">
      <button type="button" className="instructions-toggle" aria-expanded={!collapsed} onClick={toggle} data-testid="toggle-instructions">
        {collapsed ? '« Instructions' : 'Instructions »'}
      </button>
      {!collapsed && (source.trim() ? <RenderMarkdown source={source} /> : <p className="muted">This project has no instructions.</p>)}
    </aside>
  );
}
