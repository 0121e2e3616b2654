// A guideline diff as text: every line numbered, added lines marked "+", removed lines "−",
// with a colour as well (the marker alone is enough to read it).
import { useMemo } from 'react';
import { readDiff } from '../../domain/guideline';

const MARK = { add: '+', remove: '−', same: ' ', hunk: '' } as const;
const SAY = { add: 'added', remove: 'removed', same: 'unchanged', hunk: '' } as const;

export function ShowDiff({ lines, testId = 'guideline-diff' }: { lines: readonly string[]; testId?: string }) {
  const diff = useMemo(() => readDiff(lines), [lines]);
  if (diff.lines.length === 0) return <p className="muted" data-testid={testId}>No text changed.</p>;
  return (
    <div className="diff-wrap" data-testid={testId}>
      <p className="small">
        <span className="diff-count add" data-testid="diff-added">+{diff.added} added</span>{' '}
        <span className="diff-count remove" data-testid="diff-removed">−{diff.removed} removed</span>
        <span className="muted"> lines</span>
      </p>
      <table className="diff">
        <tbody>
          {diff.lines.map((l, i) =>
            l.kind === 'hunk' ? (
              <tr key={i} className="diff-hunk">
                <td colSpan={4} title={l.text}>
                  ⋯ from line {l.new}
                </td>
              </tr>
            ) : (
              <tr key={i} className={`diff-${l.kind}`} data-kind={l.kind}>
                <td className="ln">{l.old ?? ''}</td>
                <td className="ln">{l.new ?? ''}</td>
                <td className="mark" aria-label={SAY[l.kind]} title={SAY[l.kind]}>
                  {MARK[l.kind]}
                </td>
                <td className="text">{l.text || ' '}</td>
              </tr>
            ),
          )}
        </tbody>
      </table>
    </div>
  );
}
