// The change from one answer to another, one line per changed leaf.
import type { AnswerChange } from '../../domain/quality';
import { showValue } from '../../domain/quality';

export function ShowAnswerDiff({ changes }: { changes: AnswerChange[] }) {
  if (changes.length === 0) return <p className="muted small" data-testid="answer-diff">No change yet.</p>;
  return (
    <table className="grid small answer-diff" data-testid="answer-diff">
      <thead>
        <tr>
          <th>Where</th>
          <th>Before</th>
          <th>After</th>
        </tr>
      </thead>
      <tbody>
        {changes.map((c) => (
          <tr key={c.path} className={`diff-${c.type}`}>
            <td>
              <code>{c.path}</code>
            </td>
            <td className="del">{c.type === 'added' ? '—' : showValue(c.before)}</td>
            <td className="add">{c.type === 'removed' ? '—' : showValue(c.after)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
