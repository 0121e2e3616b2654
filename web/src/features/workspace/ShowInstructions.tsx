// The project's guideline beside the item, collapsible (the choice is remembered). Shows the
// current guideline version when the project has one, else the project's own instructions; a
// question's section link scrolls it to that section, and each numbered section can be asked
// about ("Ask about this section": a question on that section, with no item attached).
import { useCallback, useEffect, useRef, useState } from 'react';
import type { GuidelineVersion, Id } from '../../api/types';
import { sectionAnchor, type Section } from '../../domain/guideline';
import { RenderMarkdown } from '../common/RenderMarkdown';
import { AskSectionButton, useAskAboutSection } from '../questions/RaiseQuestion';
import { useWorkspace } from './workspaceStore';

const KEY = 'truthline.instructions.collapsed';

/** A request to show the pane (and a section); `at` makes a second click on the same link scroll again. */
export interface SectionFocus {
  section: string | null;
  at: number;
}

export function ShowInstructions({ source, guideline, focus, projectId }: { source: string; guideline?: GuidelineVersion | null; focus?: SectionFocus | null; projectId?: Id }) {
  const [collapsed, setCollapsed] = useState(() => window.localStorage.getItem(KEY) === '1');
  const pane = useRef<HTMLElement>(null);
  const taskProject = useWorkspace((s) => s.task?.project.id ?? null);
  const asking = useAskAboutSection(projectId ?? taskProject);
  const { ask } = asking;
  const action = useCallback((section: Section) => <AskSectionButton section={section} onAsk={ask} />, [ask]);
  const collapse = (value: boolean) => {
    window.localStorage.setItem(KEY, value ? '1' : '0');
    setCollapsed(value);
  };

  useEffect(() => {
    if (!focus) return;
    if (collapsed) return collapse(false); // runs again once the text is shown
    if (!focus.section) return;
    const el = pane.current?.querySelector<HTMLElement>(`#${sectionAnchor(focus.section)}`);
    if (!el) return;
    el.scrollIntoView?.({ block: 'start' });
    el.focus({ preventScroll: true });
    el.classList.add('flash');
    const t = window.setTimeout(() => el.classList.remove('flash'), 1500);
    return () => window.clearTimeout(t);
  }, [focus, collapsed]);

  const label = guideline ? `Guideline v${guideline.version}` : 'Instructions';
  return (
    <aside ref={pane} className={`instructions${collapsed ? ' collapsed' : ''}`} data-testid="instructions" aria-label={label}>
      <button type="button" className="instructions-toggle" aria-expanded={!collapsed} onClick={() => collapse(!collapsed)} data-testid="toggle-instructions">
        {collapsed ? `« ${label}` : `${label} »`}
      </button>
      {!collapsed &&
        (guideline ? (
          <>
            <p className="muted small" data-testid="guideline-pane-version">
              Version {guideline.version} · published {new Date(guideline.created_at).toLocaleDateString()}
              {guideline.change_summary && <> · {guideline.change_summary}</>}
            </p>
            <RenderMarkdown source={guideline.body} anchors className="guideline-text" sectionAction={projectId ?? taskProject ? action : undefined} />
            {source.trim() && (
              <details className="project-notes">
                <summary className="small">Project instructions</summary>
                <RenderMarkdown source={source} />
              </details>
            )}
          </>
        ) : source.trim() ? (
          <RenderMarkdown source={source} />
        ) : (
          <p className="muted">This project has no instructions.</p>
        ))}
      {asking.view}
    </aside>
  );
}
