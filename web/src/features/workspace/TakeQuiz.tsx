// The qualification gate: the queue hands out no work until the person has passed the quiz of
// the guideline version in force. Choice questions are ticked; gold items are annotated with the
// workspace's tools. After each attempt it shows the score, whether it passed and, for the
// entries missed, the lead's explanation; once passed, work resumes.
import { useEffect, useMemo, useRef, useState } from 'react';
import { qualification, type AskedGoldEntry, type AskedQuiz, type AttemptResult, type QuizAnswer } from '../../api/qualification';
import type { Id, LabelingSchema } from '../../api/types';
import { toggleChoice } from '../../domain/guideline';
import { isGoldEntry, scorePercent } from '../../domain/quiz';
import { guideline, projects } from '../../api/endpoints';
import { RenderMarkdown } from '../common/RenderMarkdown';
import { ShowError } from '../common/ShowError';
import { useLoad } from '../common/useLoad';
import { AnswerGoldEntry, createQuizAnswers, type QuizAnswers } from './AnswerGoldEntry';
import { finalResult, startingAnswers } from './answers';

export function TakeQuiz({ projectId, onPassed }: { projectId: Id; onPassed(): void }) {
  const state = useLoad(() => qualification.state(projectId), [projectId]);
  const [answers, setAnswers] = useState<Record<string, number[]>>({});
  const [result, setResult] = useState<AttemptResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [now, setNow] = useState(() => Date.now());
  const st = state.data;
  const quiz = st?.quiz ?? null;
  const [store] = useState(createQuizAnswers);
  const [round, setRound] = useState(0);
  const goldEntries = useMemo(() => (quiz?.questions ?? []).filter(isGoldEntry), [quiz]);
  const hasGold = goldEntries.length > 0;
  const project = useLoad(() => (hasGold ? projects.get(projectId) : Promise.resolve(null)), [projectId, hasGold]);
  const schema = project.data?.schema ?? null;
  const goldResults = store((s) => s.results);
  const retryAt = (result?.retry_at ?? st?.retry_at) ? Date.parse((result?.retry_at ?? st?.retry_at)!) : null;
  const waiting = retryAt !== null && retryAt > now;
  const attemptsLeft = result ? result.attempts_left : (st?.attempts_left ?? 0);

  // Nothing to pass (the lead lifted it, or it was passed in another tab): go back to work.
  useEffect(() => {
    if (st && !st.required) onPassed();
  }, [st, onPassed]);

  // Each gold item starts from the kind's empty answers, and again on every new attempt; a
  // reload of the state (which renews the media links) keeps what was done, hence the quiz id
  // rather than the entries among the dependencies.
  const quizId = quiz?.id;
  const entriesRef = useRef(goldEntries);
  entriesRef.current = goldEntries;
  useEffect(() => {
    if (!schema) return;
    store.getState().reset(Object.fromEntries(entriesRef.current.map((e) => [e.id, startingAnswers(schema, e.item, [])])));
  }, [store, schema, quizId, round]);

  const goldAnswers = (): Record<string, QuizAnswer> =>
    schema ? Object.fromEntries(goldEntries.map((e) => [e.id, finalResult(schema, goldResults[e.id] ?? {}).result])) : {};
  const answered =
    Object.keys(answers).filter((k) => answers[k]!.length).length + Object.values(goldAnswers()).filter((r) => Object.keys(r).length > 0).length;

  // Count down a cool-down so the retry button comes back by itself.
  useEffect(() => {
    if (!waiting) return;
    const t = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(t);
  }, [waiting]);

  const submit = async () => {
    if (!quiz) return;
    setBusy(true);
    setError(null);
    try {
      const r = await qualification.attempt(projectId, quiz.id, { ...answers, ...goldAnswers() });
      setResult(r);
      setNow(Date.now());
      window.scrollTo?.({ top: 0 });
    } catch (err) {
      setError(err);
      state.reload();
    } finally {
      setBusy(false);
    }
  };

  const retry = () => {
    setResult(null);
    setAnswers({});
    setRound((n) => n + 1);
    setError(null);
    state.reload();
  };

  return (
    <div className="gate" data-testid="quiz-gate" role="dialog" aria-modal="false" aria-labelledby="quiz-title">
      <div className="card gate-card quiz">
        <h2 id="quiz-title">Qualification quiz{quiz ? ` for guideline version ${quiz.guideline_version}` : ''}</h2>
        <ShowError error={state.error} />
        {!st && state.loading && <p className="muted">Loading…</p>}
        {quiz && !result && (
          <p data-testid="quiz-intro">
            Pass this quiz before your next task: answer at least {quiz.pass_mark}% of the questions correctly
            {hasGold && ' (an item counts when your annotation matches the expected one closely enough)'}. You have{' '}
            <strong data-testid="quiz-attempts-left">{attemptsLeft}</strong> attempt{attemptsLeft === 1 ? '' : 's'} left
            {quiz.cooldown_minutes > 0 && <>, and must wait {quiz.cooldown_minutes} minutes after a failed one</>}.
          </p>
        )}
        {quiz && <ReadGuideline projectId={projectId} />}
        {result && <ShowResult quiz={quiz} result={result} />}
        {quiz && !result && attemptsLeft > 0 && !waiting && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void submit();
            }}
          >
            <ShowError error={project.error} />
            <AskQuestions quiz={quiz} answers={answers} onChange={setAnswers} schema={schema} store={store} />
            <ShowError error={error} />
            <div className="row end">
              <span className="muted small grow" data-testid="quiz-answered">
                {answered} of {quiz.questions.length} answered
              </span>
              <button type="submit" className="primary" disabled={busy || (hasGold && !schema)} data-testid="quiz-submit">
                Submit answers
              </button>
            </div>
          </form>
        )}
        {!result && <ShowError error={error} />}
        {result?.attempt.passed ? (
          <div className="row end">
            <button type="button" className="primary" autoFocus onClick={onPassed} data-testid="quiz-continue">
              Start working
            </button>
          </div>
        ) : (
          (result || (st && st.required)) && (
            <Blocked waiting={waiting} retryAt={retryAt} attemptsLeft={attemptsLeft} canRetry={!!result && attemptsLeft > 0 && !waiting} onRetry={retry} />
          )
        )}
      </div>
    </div>
  );
}

function AskQuestions({
  quiz,
  answers,
  onChange,
  schema,
  store,
}: {
  quiz: AskedQuiz;
  answers: Record<string, number[]>;
  onChange(a: Record<string, number[]>): void;
  schema: LabelingSchema | null;
  store: QuizAnswers;
}) {
  return (
    <ol className="quiz-questions">
      {quiz.questions.map((q) => {
        if (isGoldEntry(q)) {
          return (
            <li key={q.id} data-testid={`quiz-q-${q.id}`} data-kind="gold">
              {schema ? <AnswerGoldEntry entry={q} schema={schema} store={store} /> : <p className="muted">Loading…</p>}
            </li>
          );
        }
        const chosen = answers[q.id] ?? [];
        return (
          <li key={q.id} data-testid={`quiz-q-${q.id}`}>
            <fieldset>
              <legend className="pre">
                {q.text} <span className="muted small">{q.kind === 'single' ? '(one answer)' : '(every answer that applies)'}</span>
              </legend>
              {q.options.map((opt, i) => (
                <label key={i} className="check">
                  <input
                    type={q.kind === 'single' ? 'radio' : 'checkbox'}
                    name={`quiz-${q.id}`}
                    checked={chosen.includes(i)}
                    onChange={() => onChange({ ...answers, [q.id]: toggleChoice(q.kind, chosen, i) })}
                    data-testid={`quiz-${q.id}-${i}`}
                  />
                  <span>{opt}</span>
                </label>
              ))}
            </fieldset>
          </li>
        );
      })}
    </ol>
  );
}

function MissedGoldEntry({ entry, score, explanation, id }: { entry: AskedGoldEntry | undefined; score: number; explanation: string; id: string }) {
  return (
    <li data-testid={`quiz-missed-${id}`}>
      <div className="pre">{entry?.text || `Item ${entry?.item.external_id ?? id}`}</div>
      <div className="small muted" data-testid="quiz-gold-score">
        Your annotation scored {scorePercent(score)} against the expected one: not close enough.
      </div>
      {explanation && (
        <div className="explanation pre" data-testid="quiz-explanation">
          {explanation}
        </div>
      )}
    </li>
  );
}

function ShowResult({ quiz, result }: { quiz: AskedQuiz | null; result: AttemptResult }) {
  const byId = new Map((quiz?.questions ?? []).map((q) => [q.id, q]));
  const missed = result.questions.filter((q) => !q.correct);
  return (
    <section aria-live="polite" data-testid="quiz-result">
      <p className={result.attempt.passed ? 'ok' : 'bad'} data-testid="quiz-verdict">
        <strong>{result.attempt.passed ? 'Passed' : 'Not passed'}</strong>: {result.attempt.score}% correct (pass mark {result.pass_mark}%).
      </p>
      {missed.length > 0 && (
        <>
          <h3>Missed questions</h3>
          <ul className="quiz-missed">
            {missed.map((m) => {
              const q = byId.get(m.id);
              if ('score' in m) return <MissedGoldEntry key={m.id} id={m.id} entry={q && isGoldEntry(q) ? q : undefined} score={m.score} explanation={m.explanation} />;
              const options = q && !isGoldEntry(q) ? q.options : [];
              return (
                <li key={m.id} data-testid={`quiz-missed-${m.id}`}>
                  <div className="pre">{q?.text ?? m.id}</div>
                  <div className="small muted">
                    Your answer: {m.chosen.length ? m.chosen.map((c) => options[c] ?? c).join(', ') : 'none'}
                    {m.correct_options && <> · correct: {m.correct_options.map((c) => options[c] ?? c).join(', ')}</>}
                  </div>
                  {m.explanation && (
                    <div className="explanation pre" data-testid="quiz-explanation">
                      {m.explanation}
                    </div>
                  )}
                </li>
              );
            })}
          </ul>
        </>
      )}
    </section>
  );
}

function Blocked({ waiting, retryAt, attemptsLeft, canRetry, onRetry }: { waiting: boolean; retryAt: number | null; attemptsLeft: number; canRetry: boolean; onRetry(): void }) {
  if (attemptsLeft <= 0) {
    return (
      <p className="warning" role="status" data-testid="quiz-exhausted">
        No attempts left. Ask a lead of this project for another attempt.
      </p>
    );
  }
  if (waiting && retryAt !== null) {
    return (
      <p className="muted" role="status" data-testid="quiz-cooldown">
        You can try again at {new Date(retryAt).toLocaleTimeString()}.
      </p>
    );
  }
  if (!canRetry) return null;
  return (
    <div className="row end">
      <span className="muted small grow">
        {attemptsLeft} attempt{attemptsLeft === 1 ? '' : 's'} left.
      </span>
      <button type="button" className="primary" autoFocus onClick={onRetry} data-testid="quiz-retry">
        Try again
      </button>
    </div>
  );
}

/** The guideline in force, to read while answering. */
function ReadGuideline({ projectId }: { projectId: Id }) {
  const [open, setOpen] = useState(false);
  const current = useLoad(() => (open ? guideline.state(projectId) : Promise.resolve(null)), [projectId, open]);
  const body = current.data?.current;
  return (
    <details className="quiz-guideline" onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)} data-testid="quiz-guideline">
      <summary>Read the guideline{body ? ` (version ${body.version})` : ''}</summary>
      <ShowError error={current.error} />
      {body ? (
        <div className="gate-text">
          <RenderMarkdown source={body.body} />
        </div>
      ) : (
        open && current.loading && <p className="muted">Loading…</p>
      )}
    </details>
  );
}
