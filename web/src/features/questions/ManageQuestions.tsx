// Lead console tab: the project's questions by SLA urgency, SLA policies, routing, calendar, report.
import { useState } from 'react';
import { questionsApi } from '../../api/questions';
import type { Project } from '../../api/types';
import { navigate } from '../../app/router';
import { ShowError } from '../common/ShowError';
import { useLoad } from '../common/useLoad';
import { EditQuestionSettings } from './EditQuestionSettings';
import { QuestionTable, useNow } from './ListQuestions';
import { ShowQuestionReport } from './ShowQuestionReport';
import { byUrgency } from './sla';

type Part = 'queue' | 'settings' | 'report';

export function ManageQuestions({ project }: { project: Project }) {
  const [part, setPart] = useState<Part>('queue');
  return (
    <div className="questions-tab" data-testid="questions-tab">
      <div className="subtabs" role="tablist" aria-label="Questions">
        {(
          [
            ['queue', 'Queue'],
            ['settings', 'SLA, routing and calendar'],
            ['report', 'Report'],
          ] as [Part, string][]
        ).map(([id, label]) => (
          <button key={id} type="button" role="tab" aria-selected={part === id} className={part === id ? 'on' : ''} onClick={() => setPart(id)} data-testid={`questions-part-${id}`}>
            {label}
          </button>
        ))}
      </div>
      {part === 'queue' && <ProjectQueue project={project} />}
      {part === 'settings' && <EditQuestionSettings project={project} />}
      {part === 'report' && <ShowQuestionReport project={project} />}
    </div>
  );
}

function ProjectQueue({ project }: { project: Project }) {
  const [openOnly, setOpenOnly] = useState(true);
  const list = useLoad(() => questionsApi.list(project.id, { open: openOnly }), [project.id, openOnly]);
  const now = useNow();
  const rows = byUrgency(list.data ?? []);
  return (
    <section className="card" aria-label="Question queue">
      <div className="row">
        <label className="check">
          <input type="checkbox" checked={openOnly} onChange={(e) => setOpenOnly(e.target.checked)} data-testid="questions-open-only" /> Unresolved only
        </label>
        <span className="grow" />
        <button type="button" onClick={list.reload}>
          Refresh
        </button>
      </div>
      <ShowError error={list.error} />
      {list.data && rows.length === 0 && <p className="muted">No questions{openOnly ? ' waiting' : ''}.</p>}
      <QuestionTable list={rows} chosen={null} now={now} showAsker onChoose={(id) => navigate(`/questions?view=queue&id=${id}`)} />
    </section>
  );
}
