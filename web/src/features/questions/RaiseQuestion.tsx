// Raise a question from a task (toolbar button): category, priority, text, an optional guideline
// section; the item and the current draft go with it, and the item can be parked so work goes on.
// Or from a section of the guideline ("Ask about this section"): the section is set and no item
// goes with it.
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { guideline } from '../../api/endpoints';
import { CATEGORIES, PRIORITIES, questionsApi, type QuestionCategory, type QuestionPriority } from '../../api/questions';
import type { Id } from '../../api/types';
import type { Section } from '../../domain/guideline';
import { Link } from '../common/Link';
import { ShowError } from '../common/ShowError';
import { useWorkspace } from '../workspace/workspaceStore';

export function RaiseQuestion({ projectId, itemId, leaseId, onParked }: { projectId: Id; itemId: Id | null; leaseId?: Id | null; onParked?: () => void }) {
  const [open, setOpen] = useState(false);
  const [sent, setSent] = useState<{ id: Id; parked: boolean } | null>(null);
  useEffect(() => {
    if (!sent) return;
    const t = window.setTimeout(() => setSent(null), 8000);
    return () => window.clearTimeout(t);
  }, [sent]);
  return (
    <>
      <button type="button" onClick={() => setOpen(true)} data-testid="raise-question" title="Ask a question about this item or the guideline">
        Ask
      </button>
      {open && (
        <QuestionDialog
          projectId={projectId}
          itemId={itemId}
          leaseId={leaseId ?? null}
          onClose={() => setOpen(false)}
          onSent={(id, parked) => {
            setOpen(false);
            setSent({ id, parked });
            if (parked) onParked?.();
          }}
        />
      )}
      {sent && <QuestionSent id={sent.id} parked={sent.parked} />}
    </>
  );
}

function QuestionSent({ id, parked }: { id: Id; parked: boolean }) {
  return (
    <div className="toast" role="status" data-testid="question-sent">
      Question #{id} sent{parked ? '; the item is parked until it is answered' : ''}. <Link to={`/questions?id=${id}`}>Follow it</Link>
    </div>
  );
}

/** The "Ask about this section" button at the end of a numbered heading. */
export function AskSectionButton({ section, onAsk }: { section: Section; onAsk(section: string): void }) {
  return (
    <button
      type="button"
      className="link small section-ask"
      title={`Ask a question about section ${section.number} (${section.title})`}
      aria-label={`Ask about section ${section.number}`}
      onClick={() => onAsk(section.number)}
      data-testid={`ask-section-${section.number}`}
    >
      Ask about this section
    </button>
  );
}

/** "Ask about this section" for a guideline shown on the page: `ask(section)` opens the question
 * form with that section and no item; `view` is the form (and the note once sent) to render. */
export function useAskAboutSection(projectId: Id | null): { ask(section: string): void; view: ReactNode } {
  const [asking, setAsking] = useState<string | null>(null);
  const [sent, setSent] = useState<Id | null>(null);
  useEffect(() => {
    if (sent === null) return;
    const t = window.setTimeout(() => setSent(null), 8000);
    return () => window.clearTimeout(t);
  }, [sent]);
  const ask = useCallback((section: string) => setAsking(section), []);
  const view = useMemo(
    () =>
      projectId === null ? null : (
        <>
          {asking !== null && (
            <QuestionDialog
              projectId={projectId}
              itemId={null}
              leaseId={null}
              presetSection={asking}
              onClose={() => setAsking(null)}
              onSent={(id) => {
                setAsking(null);
                setSent(id);
              }}
            />
          )}
          {sent !== null && <QuestionSent id={sent} parked={false} />}
        </>
      ),
    [projectId, asking, sent],
  );
  return { ask, view };
}

function QuestionDialog({
  projectId,
  itemId,
  leaseId,
  presetSection = '',
  onClose,
  onSent,
}: {
  projectId: Id;
  itemId: Id | null;
  leaseId: Id | null;
  presetSection?: string;
  onClose(): void;
  onSent(id: Id, parked: boolean): void;
}) {
  const [category, setCategory] = useState<QuestionCategory>('guideline');
  const [priority, setPriority] = useState<QuestionPriority>('normal');
  const [text, setText] = useState('');
  const [section, setSection] = useState(presetSection);
  const [park, setPark] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [sections, setSections] = useState<[string, string][]>([]);

  useEffect(() => {
    let live = true;
    guideline.state(projectId).then(
      (s) => {
        const found = Object.entries(s.current?.sections ?? {}).map(([k, v]) => [k, String((v as { title?: unknown }).title ?? '')] as [string, string]);
        if (live) setSections(found);
      },
      () => undefined, // the question can be raised without naming a section
    );
    return () => {
      live = false;
    };
  }, [projectId]);

  const send = async () => {
    setBusy(true);
    setError(null);
    try {
      const draft = itemId !== null ? useWorkspace.getState().result : null;
      const q = await questionsApi.raise(projectId, {
        category,
        priority,
        text: text.trim(),
        item_id: itemId,
        guideline_section: section || null,
        draft: draft && Object.keys(draft).length ? (draft as Record<string, unknown>) : null,
        park: park && leaseId !== null,
        lease_id: park ? leaseId : null,
      });
      onSent(q.id, park && leaseId !== null);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <div className="modal-backdrop" onClick={onClose}>
      <form
        className="modal raise-question"
        role="dialog"
        aria-modal="true"
        aria-label="Ask a question"
        data-testid="question-dialog"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            onClose();
          }
        }}
        onSubmit={(e) => {
          e.preventDefault();
          if (text.trim() && !busy) void send();
        }}
      >
        <h2>{presetSection && itemId === null ? `Ask about §${presetSection} of the guideline` : 'Ask a question'}</h2>
        <fieldset className="choices" aria-label="Category">
          {CATEGORIES.map((c) => (
            <label key={c.value} className={`choice small${category === c.value ? ' on' : ''}`}>
              <input type="radio" name="category" value={c.value} checked={category === c.value} onChange={() => setCategory(c.value)} data-testid={`question-category-${c.value}`} />
              {c.label}
            </label>
          ))}
        </fieldset>
        <label>
          Question
          <textarea autoFocus rows={4} maxLength={10000} required value={text} onChange={(e) => setText(e.target.value)} data-testid="question-text" />
        </label>
        <div className="row">
          <label>
            Priority{' '}
            <select value={priority} onChange={(e) => setPriority(e.target.value as QuestionPriority)} data-testid="question-priority">
              {PRIORITIES.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          </label>
          <label>
            Guideline section{' '}
            <select value={section} onChange={(e) => setSection(e.target.value)} data-testid="question-section">
              <option value="">(none)</option>
              {(presetSection && !sections.some(([k]) => k === presetSection) ? [[presetSection, ''] as [string, string], ...sections] : sections).map(([k, title]) => (
                <option key={k} value={k}>
                  §{k} {title}
                </option>
              ))}
            </select>
          </label>
        </div>
        {itemId !== null ? (
          <p className="muted small">The item and your current answers are attached.</p>
        ) : (
          presetSection && (
            <p className="muted small" data-testid="question-about-section">
              About guideline §{presetSection}; no item is attached.
            </p>
          )
        )}
        {leaseId !== null && (
          <label className="check">
            <input type="checkbox" checked={park} onChange={(e) => setPark(e.target.checked)} data-testid="question-park" />
            Park this item and continue with the next one (it comes back to you when the answer releases it)
          </label>
        )}
        <ShowError error={error} />
        <div className="row end">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={!text.trim() || busy} data-testid="question-send">
            {busy ? 'Sending…' : 'Send question'}
          </button>
        </div>
      </form>
    </div>
  );
}
