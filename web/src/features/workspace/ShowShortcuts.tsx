// The "?" sheet: every shortcut of the workspace and of each question's tool.
import type { LabelingSchema } from '../../api/types';
import { kindOf } from '../../kinds/registry';
import type { ShortcutHelp } from '../../kinds/types';

export function ShowShortcuts({ schema, general, onClose }: { schema: LabelingSchema; general: ShortcutHelp[]; onClose(): void }) {
  return (
    <div className="modal-backdrop" onClick={onClose}>
      <div className="modal" role="dialog" aria-modal="true" aria-label="Keyboard shortcuts" data-testid="shortcut-sheet" onClick={(e) => e.stopPropagation()}>
        <header className="row">
          <h2 className="grow">Keyboard shortcuts</h2>
          <button type="button" onClick={onClose} aria-label="Close">
            Esc
          </button>
        </header>
        <div className="shortcut-columns">
          <section>
            <h3>Workspace</h3>
            <ShortcutTable rows={general} />
          </section>
          {schema.questions.map((q) => {
            const rows = kindOf(q.kind).shortcuts?.(q) ?? [];
            return rows.length ? (
              <section key={q.name}>
                <h3>{q.title ?? q.name}</h3>
                <ShortcutTable rows={rows} />
              </section>
            ) : null;
          })}
        </div>
      </div>
    </div>
  );
}

function ShortcutTable({ rows }: { rows: ShortcutHelp[] }) {
  return (
    <table className="shortcuts">
      <tbody>
        {rows.map((r, i) => (
          <tr key={i}>
            <td>
              <kbd>{r.keys}</kbd>
            </td>
            <td>{r.does}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
