// The person's questions and, for those who answer them, the queue across their projects by SLA
// urgency; the chosen question (?id=) shows beside the list with its thread.
import { useEffect, useState } from 'react';
import { questionsApi, type Question } from '../../api/questions';
import { setQuery, useLocation } from '../../app/router';
import { ShowError } from '../common/ShowError';
import { useLoad } from '../common/useLoad';
import { ShowQuestion } from './ShowQuestion';
import { ShowSla } from './ShowSla';
import { byUrgency } from './sla';

/** Re-renders every 30 s so that the time left on each clock stays true. */
export function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = window.setInterval(() => setNow(Date.now()), everyMs);
    return () => window.clearInterval(t);
  }, [everyMs]);
  return now;
}

export function ListQuestions(_props: Record<string, never>) {
  const { search } = useLocation();
  const chosen = Number(search.get('id')) || null;
  const queue = useLoad(() => questionsApi.mine('queue'), []);
  const mine = useLoad(() => questionsApi.mine('mine'), []);
  const now = useNow();
  const asked = search.get('view');
  const view = asked === 'mine' || asked === 'queue' ? asked : queue.data && queue.data.length > 0 ? 'queue' : 'mine';
  const list = view === 'queue' ? byUrgency(queue.data ?? []) : (mine.data ?? []);
  const reload = () => {
    queue.reload();
    mine.reload();
  };

  return (
    <div className="page questions-page" data-testid="questions-page">
      <h1>Questions</h1>
      <nav className="tabs" role="tablist" aria-label="Which questions">
        <button type="button" role="tab" aria-selected={view === 'queue'} className={view === 'queue' ? 'on' : ''} onClick={() => setQuery({ view: 'queue' })} data-testid="questions-tab-queue">
          To answer ({queue.data?.length ?? '…'})
        </button>
        <button type="button" role="tab" aria-selected={view === 'mine'} className={view === 'mine' ? 'on' : ''} onClick={() => setQuery({ view: 'mine' })} data-testid="questions-tab-mine">
          Asked by me ({mine.data?.length ?? '…'})
        </button>
      </nav>
      <ShowError error={queue.error ?? mine.error} />
      <div className="questions-layout">
        <div className="questions-list" role="tabpanel">
          {list.length === 0 && (view === 'queue' ? queue.data : mine.data) && <p className="muted">{view === 'queue' ? 'No open questions for you to answer.' : 'You have not asked anything yet. Use “Ask” in the workspace.'}</p>}
          <QuestionTable list={list} chosen={chosen} now={now} showAsker={view === 'queue'} onChoose={(id) => setQuery({ id: String(id) })} />
        </div>
        <div className="questions-detail">{chosen !== null ? <ShowQuestion key={chosen} id={chosen} now={now} onChanged={reload} /> : <p className="muted">Choose a question to read its thread.</p>}</div>
      </div>
    </div>
  );
}

export function QuestionTable({ list, chosen, now, showAsker, onChoose }: { list: Question[]; chosen: number | null; now: number; showAsker: boolean; onChoose(id: number): void }) {
  if (!list.length) return null;
  return (
    <table className="grid questions-table" data-testid="questions-table">
      <thead>
        <tr>
          <th>#</th>
          <th>Question</th>
          <th>Status</th>
          <th>SLA</th>
        </tr>
      </thead>
      <tbody>
        {list.map((q) => (
          <tr key={q.id} className={q.id === chosen ? 'on' : ''} data-testid="question-row" data-question={q.id}>
            <td className="num">{q.id}</td>
            <td>
              <button type="button" className="link question-open" onClick={() => onChoose(q.id)} aria-current={q.id === chosen ? 'true' : undefined}>
                {q.text.length > 90 ? `${q.text.slice(0, 89)}…` : q.text}
              </button>
              <div className="muted small">
                {q.project_name} · {q.category} · {q.priority}
                {showAsker && q.asker && ` · ${q.asker.display_name || q.asker.username}`}
                {q.parked && ' · parked'}
              </div>
            </td>
            <td>
              <span className={`pill status-${q.status}`}>{q.status}</span>
            </td>
            <td>
              <ShowSla q={q} now={now} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
