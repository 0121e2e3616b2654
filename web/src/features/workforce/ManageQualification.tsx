// Lead console tab: the qualification quiz of the current guideline version (questions with
// their correct answers and explanations, gold items to annotate, pass mark, attempts,
// cool-down) and each member's results, with a way to grant fresh attempts.
import { useMemo, useState } from 'react';
import { guideline } from '../../api/endpoints';
import { qualification, type GoldCandidate, type PersonResult, type Quiz, type QuizBody } from '../../api/qualification';
import type { GuidelineVersion, Project } from '../../api/types';
import { newQuestion, removeOption, toggleChoice, type QuizQuestionDraft } from '../../domain/guideline';
import { describeAnswer, isGoldEntry, newGoldEntry, quizEntriesBody, quizEntryProblems, type GoldEntryDraft, type QuizEntryDraft } from '../../domain/quiz';
import { ShowError } from '../common/ShowError';
import { useLoad } from '../common/useLoad';

const GATED = new Set(['annotator', 'reviewer']);

export function ManageQualification({ project }: { project: Project }) {
  const versions = useLoad(() => guideline.versions(project.id), [project.id]);
  const quizzes = useLoad(() => qualification.quizzes(project.id), [project.id]);
  const list = versions.data ?? [];
  const current = list.length ? list[list.length - 1]! : null;
  const all = quizzes.data ?? [];
  const inForce = [...all].reverse().find((q) => q.enabled) ?? null;
  const ofCurrent = current ? (all.find((q) => q.guideline_version === current.version) ?? null) : null;
  const loaded = versions.data !== null && quizzes.data !== null;

  return (
    <div className="qualification-tab" data-testid="qualification-tab">
      <ShowError error={versions.error ?? quizzes.error} />
      {!loaded && <p className="muted">Loading…</p>}
      {loaded && !current && <p className="muted">Publish a guideline first (Guideline tab): a quiz belongs to a guideline version.</p>}
      {loaded && current && (
        <>
          <p className="small" data-testid="quiz-in-force">
            {inForce ? (
              <>
                The quiz of guideline <strong>version {inForce.guideline_version}</strong> is in force: annotators and reviewers must pass it before the queue gives
                them work. Leads, viewers and admins are exempt.
              </>
            ) : (
              <>No quiz is in force: the queue opens without one.</>
            )}
          </p>
          <EditQuiz
            key={current.version}
            project={project}
            version={current}
            quiz={ofCurrent}
            template={ofCurrent ? null : inForce}
            onSaved={quizzes.reload}
          />
          {all.length > 0 && <ShowResults project={project} quizzes={all} initial={inForce ?? all[all.length - 1]!} />}
        </>
      )}
    </div>
  );
}

function EditQuiz({ project, version, quiz, template, onSaved }: { project: Project; version: GuidelineVersion; quiz: Quiz | null; template: Quiz | null; onSaved(): void }) {
  const start = quiz ?? null;
  const [questions, setQuestions] = useState<QuizEntryDraft[]>(() => start?.questions.map((q) => ({ ...q })) ?? []);
  const gold = useLoad(() => qualification.goldItems(project.id), [project.id]);
  const [passMark, setPassMark] = useState(start?.pass_mark ?? 80);
  const [maxAttempts, setMaxAttempts] = useState(start?.max_attempts ?? 3);
  const [cooldown, setCooldown] = useState(start?.cooldown_minutes ?? 0);
  const [enabled, setEnabled] = useState(start?.enabled ?? true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const problems = useMemo(() => quizEntryProblems(questions, passMark, maxAttempts, cooldown), [questions, passMark, maxAttempts, cooldown]);

  const update = (i: number, q: QuizEntryDraft) => {
    setSaved(false);
    setQuestions((cur) => cur.map((x, n) => (n === i ? q : x)));
  };

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const body: QuizBody = { questions: quizEntriesBody(questions), pass_mark: passMark, max_attempts: maxAttempts, cooldown_minutes: cooldown, enabled };
      const out = await qualification.save(project.id, version.version, body);
      // The saved entries carry what the server knows of each gold item (its expected answer).
      setQuestions(out.questions.map((q) => ({ ...q })));
      setSaved(true);
      onSaved();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="card" data-testid="quiz-editor">
      <h2>
        Quiz of guideline version {version.version}{' '}
        <span className="muted small">{quiz ? `saved, revision ${quiz.revision}` : 'not saved yet'}</span>
      </h2>
      <p className="muted small">
        Publishing a later version without a quiz keeps this one in force; a quiz on a later version must be passed again. Editing a saved quiz does not
        undo anyone's pass. Takers never see the correct answers before they submit; afterwards they see which questions they missed and your explanation.
        A gold item is answered with the annotation tools and counts as right when it scores at least the project's gold pass mark (Quality tab); its
        expected answer is the gold answer as it is when you save the quiz.
      </p>
      {!quiz && template && (
        <p>
          <button
            type="button"
            onClick={() => {
              setQuestions(template.questions.map((q) => ({ ...q })));
              setPassMark(template.pass_mark);
              setMaxAttempts(template.max_attempts);
              setCooldown(template.cooldown_minutes);
            }}
            data-testid="quiz-copy"
          >
            Start from the quiz of version {template.guideline_version}
          </button>
        </p>
      )}
      <div className="row quiz-settings">
        <label>
          Pass mark (%)
          <input type="number" min={0} max={100} value={passMark} onChange={(e) => setPassMark(Number(e.target.value))} data-testid="quiz-pass-mark" />
        </label>
        <label>
          Attempts
          <input type="number" min={1} max={100} value={maxAttempts} onChange={(e) => setMaxAttempts(Number(e.target.value))} data-testid="quiz-max-attempts" />
        </label>
        <label>
          Cool-down after a failed attempt (minutes)
          <input type="number" min={0} max={10080} value={cooldown} onChange={(e) => setCooldown(Number(e.target.value))} data-testid="quiz-cooldown" />
        </label>
        <label className="check">
          <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} data-testid="quiz-enabled" />
          <span>Required (untick to lift the gate without deleting the quiz)</span>
        </label>
      </div>
      <ol className="quiz-edit-list">
        {questions.map((q, i) => {
          const remove = () => {
            setSaved(false);
            setQuestions((cur) => cur.filter((_, n) => n !== i));
          };
          return isGoldEntry(q) ? (
            <EditGoldEntry key={i} index={i} entry={q} candidates={gold.data ?? []} onChange={(next) => update(i, next)} onRemove={remove} />
          ) : (
            <EditQuestion key={i} index={i} question={q} onChange={(next) => update(i, next)} onRemove={remove} />
          );
        })}
      </ol>
      <div className="row">
        <button
          type="button"
          onClick={() => {
            setSaved(false);
            setQuestions((cur) => [...cur, newQuestion(cur)]);
          }}
          data-testid="quiz-add-question"
        >
          Add a question
        </button>
        <button
          type="button"
          disabled={!gold.data?.length}
          title={gold.data && !gold.data.length ? 'Mark items as gold first (Quality tab)' : undefined}
          onClick={() => {
            setSaved(false);
            setQuestions((cur) => [...cur, newGoldEntry(cur)]);
          }}
          data-testid="quiz-add-gold"
        >
          Add a gold item
        </button>
        {gold.data && !gold.data.length && <span className="muted small">No gold items yet: mark items as gold in the Quality tab to use them here.</span>}
        <ShowError error={gold.error} />
      </div>
      {problems.length > 0 && questions.length > 0 && (
        <ul className="warning small" data-testid="quiz-problems">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      <ShowError error={error} />
      <div className="row end">
        {saved && (
          <span className="ok small" role="status" data-testid="quiz-saved">
            Saved.
          </span>
        )}
        <button type="button" className="primary" disabled={busy || problems.length > 0} onClick={() => void save()} data-testid="quiz-save">
          Save the quiz
        </button>
      </div>
    </div>
  );
}

function EditQuestion({ index, question: q, onChange, onRemove }: { index: number; question: QuizQuestionDraft; onChange(q: QuizQuestionDraft): void; onRemove(): void }) {
  const n = index + 1;
  return (
    <li className="quiz-edit" data-testid={`quiz-edit-${n}`}>
      <div className="row">
        <label className="grow">
          Question {n}
          <textarea rows={2} value={q.text} maxLength={2000} onChange={(e) => onChange({ ...q, text: e.target.value })} data-testid="quiz-question-text" />
        </label>
        <label>
          Answers
          <select
            value={q.kind}
            onChange={(e) => {
              const kind = e.target.value as 'single' | 'multiple';
              onChange({ ...q, kind, correct: kind === 'single' ? q.correct.slice(0, 1) : q.correct });
            }}
            data-testid="quiz-question-kind"
          >
            <option value="single">one correct</option>
            <option value="multiple">several correct</option>
          </select>
        </label>
        <button type="button" className="small" onClick={onRemove} aria-label={`Remove question ${n}`}>
          Remove
        </button>
      </div>
      <fieldset className="quiz-options">
        <legend className="small muted">Options (tick the correct {q.kind === 'single' ? 'one' : 'ones'})</legend>
        {q.options.map((opt, i) => (
          <div key={i} className="row">
            <input
              type={q.kind === 'single' ? 'radio' : 'checkbox'}
              name={`correct-${index}`}
              checked={q.correct.includes(i)}
              onChange={() => onChange({ ...q, correct: toggleChoice(q.kind, q.correct, i) })}
              aria-label={`Option ${i + 1} is correct`}
              data-testid={`quiz-correct-${i}`}
            />
            <input
              className="grow"
              value={opt}
              maxLength={500}
              onChange={(e) => onChange({ ...q, options: q.options.map((o, k) => (k === i ? e.target.value : o)) })}
              aria-label={`Option ${i + 1}`}
              data-testid={`quiz-option-${i}`}
            />
            <button type="button" className="small" disabled={q.options.length <= 2} onClick={() => onChange(removeOption(q, i))} aria-label={`Remove option ${i + 1}`}>
              ×
            </button>
          </div>
        ))}
        <button type="button" className="small" disabled={q.options.length >= 12} onClick={() => onChange({ ...q, options: [...q.options, ''] })} data-testid="quiz-add-option">
          Add an option
        </button>
      </fieldset>
      <label>
        Explanation (shown to whoever misses this question)
        <textarea rows={2} value={q.explanation} maxLength={2000} onChange={(e) => onChange({ ...q, explanation: e.target.value })} data-testid="quiz-question-explanation" />
      </label>
    </li>
  );
}

function EditGoldEntry({
  index,
  entry,
  candidates,
  onChange,
  onRemove,
}: {
  index: number;
  entry: GoldEntryDraft;
  candidates: GoldCandidate[];
  onChange(e: GoldEntryDraft): void;
  onRemove(): void;
}) {
  const n = index + 1;
  const picked = candidates.find((c) => c.item_id === entry.item_id);
  const listed = entry.item_id === null || picked !== undefined;
  // The saved expected answer until another item is picked; then the pick's gold answer.
  const expected = entry.answer ?? picked?.answer;
  return (
    <li className="quiz-edit" data-testid={`quiz-edit-${n}`} data-kind="gold">
      <div className="row">
        <label className="grow">
          Question {n}: gold item
          <select
            value={entry.item_id ?? ''}
            onChange={(e) => {
              const id = e.target.value ? Number(e.target.value) : null;
              onChange({ ...entry, item_id: id, external_id: undefined, answer: undefined, gold_changed: undefined });
            }}
            data-testid="quiz-gold-item"
          >
            <option value="">Pick a gold item…</option>
            {!listed && (
              <option value={entry.item_id!}>
                {entry.external_id ?? `item ${entry.item_id}`} (no longer gold)
              </option>
            )}
            {candidates.map((c) => (
              <option key={c.item_id} value={c.item_id}>
                {c.external_id}
                {c.preview ? ` — ${c.preview}` : ''}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="small" onClick={onRemove} aria-label={`Remove question ${n}`}>
          Remove
        </button>
      </div>
      {expected && (
        <p className="small" data-testid="quiz-gold-expected">
          Expected answer: <span className="muted">{describeAnswer(expected)}</span>
        </p>
      )}
      {entry.gold_changed && (
        <p className="warning small" role="status" data-testid="quiz-gold-changed">
          {listed ? "This item's gold answer changed since the quiz was saved" : 'This item is no longer gold'}: takers are scored against the answer above
          until you {listed ? 'save the quiz again' : 'pick another item and save'}.
        </p>
      )}
      <label>
        What to do (optional, shown above the item)
        <input value={entry.text} maxLength={2000} onChange={(e) => onChange({ ...entry, text: e.target.value })} data-testid="quiz-gold-text" />
      </label>
      <label>
        Explanation (shown to whoever misses it; the gold item's feedback when empty)
        <textarea rows={2} value={entry.explanation} maxLength={2000} onChange={(e) => onChange({ ...entry, explanation: e.target.value })} data-testid="quiz-question-explanation" />
      </label>
    </li>
  );
}

function ShowResults({ project, quizzes, initial }: { project: Project; quizzes: Quiz[]; initial: Quiz }) {
  const [version, setVersion] = useState(initial.guideline_version);
  const results = useLoad(() => qualification.results(project.id, version), [project.id, version]);
  const [error, setError] = useState<unknown>(null);
  const [granted, setGranted] = useState<string | null>(null);
  const rows = results.data ?? [];
  const gated = rows.filter((r) => GATED.has(r.role));
  const passed = gated.filter((r) => r.passed).length;

  const grant = async (r: PersonResult) => {
    setError(null);
    try {
      const out = await qualification.grant(project.id, version, r.user.id);
      setGranted(`${r.user.username} has a fresh set of attempts (${out.set_aside} failed attempt${out.set_aside === 1 ? '' : 's'} set aside, still on record).`);
      results.reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <div className="card" data-testid="quiz-results">
      <div className="row">
        <h3 className="grow">Results</h3>
        <label className="row">
          Quiz of version
          <select value={version} onChange={(e) => setVersion(Number(e.target.value))} data-testid="quiz-results-version">
            {quizzes.map((q) => (
              <option key={q.id} value={q.guideline_version}>
                v{q.guideline_version}
                {q.enabled ? '' : ' (not required)'}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="small" onClick={results.reload}>
          Refresh
        </button>
      </div>
      <ShowError error={results.error ?? error} />
      {granted && (
        <p className="ok small" role="status">
          {granted}
        </p>
      )}
      {results.data && (
        <p className="small" data-testid="quiz-passed-count">
          {passed} of {gated.length} annotators and reviewers passed.
        </p>
      )}
      <table className="grid small">
        <thead>
          <tr>
            <th>Member</th>
            <th>Role</th>
            <th className="num">Attempts</th>
            <th className="num">Best score</th>
            <th>Result</th>
            <th>Last attempt</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.user.id} data-testid={`quiz-result-${r.user.username}`}>
              <td>
                {r.user.display_name || r.user.username} <span className="muted">{r.user.username}</span>
              </td>
              <td>{r.role}</td>
              <td className="num">
                {r.attempts}
                {r.counted !== r.attempts && <span className="muted"> ({r.counted} counted)</span>}
              </td>
              <td className="num">{r.best_score === null ? '—' : `${r.best_score}%`}</td>
              <td data-testid="quiz-result-status">
                {r.passed ? <span className="ok">passed</span> : !GATED.has(r.role) ? <span className="muted">not required</span> : r.attempts ? <span className="bad">not passed</span> : <span className="muted">not taken</span>}
              </td>
              <td>{r.last_at ? new Date(r.last_at).toLocaleString() : '—'}</td>
              <td>
                {!r.passed && r.counted > 0 && GATED.has(r.role) && (
                  <button type="button" className="small" onClick={() => void grant(r)} data-testid={`quiz-grant-${r.user.username}`}>
                    Grant new attempts
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
