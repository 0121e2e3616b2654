// Lead console for one project: tabs for queue state, import, members, items, schema, guideline,
// quality, questions, team productivity, reports, qualification, required skills, export, audit log.
import type { Id } from '../../api/types';
import { projects } from '../../api/endpoints';
import { setQuery, useLocation } from '../../app/router';
import { Link } from '../common/Link';
import { ShowError } from '../common/ShowError';
import { useLoad } from '../common/useLoad';
import { BrowseItems } from './BrowseItems';
import { ChangeSchema } from './ChangeSchema';
import { ExportData } from './ExportData';
import { ImportData } from './ImportData';
import { ManageGuideline } from './ManageGuideline';
import { ManageMembers } from './ManageMembers';
import { ShowAuditLog } from './ShowAuditLog';
import { ShowQueueState } from './ShowQueueState';
import { ManageQuality } from '../quality/ManageQuality';
import { ManageQuestions } from '../questions/ManageQuestions';
import { ShowTeam } from '../ops/ShowTeam';
import { ShowTeamReport } from '../ops/ShowTeamReport';
import { ManageQualification } from '../workforce/ManageQualification';
import { ManageRequirements } from '../workforce/ManageRequirements';

const TABS = [
  ['overview', 'Overview'],
  ['import', 'Import'],
  ['members', 'Members'],
  ['items', 'Items'],
  ['schema', 'Schema'],
  ['guideline', 'Guideline'],
  ['quality', 'Quality'],
  ['questions', 'Questions'],
  ['team', 'Team'],
  ['reports', 'Reports'],
  ['qualification', 'Qualification'],
  ['requirements', 'Skills'],
  ['export', 'Export'],
  ['audit', 'Audit'],
] as const;

export function ManageProject({ projectId }: { projectId: Id }) {
  const { search } = useLocation();
  const tab = search.get('tab') ?? 'overview';
  const { data: project, error, reload } = useLoad(() => projects.get(projectId), [projectId]);
  return (
    <div className="page">
      <header className="row">
        <h1 className="grow">
          <Link to="/lead/projects">Projects</Link> / {project?.name ?? '…'}
        </h1>
        {project && (
          <Link to={`/projects/${project.id}/annotate`} className="button">
            Open workspace
          </Link>
        )}
      </header>
      <nav className="tabs" role="tablist">
        {TABS.map(([id, label]) => (
          <button key={id} type="button" role="tab" aria-selected={tab === id} className={tab === id ? 'on' : ''} data-testid={`tab-${id}`} onClick={() => setQuery({ tab: id, item: undefined, version: undefined, affected_label: undefined, view: undefined, f_annotator: undefined, f_code: undefined, f_label: undefined, f_week: undefined })}>
            {label}
          </button>
        ))}
      </nav>
      <ShowError error={error} />
      {project && (
        <div role="tabpanel">
          {tab === 'overview' && <ShowQueueState project={project} onSaved={reload} />}
          {tab === 'import' && <ImportData project={project} />}
          {tab === 'members' && <ManageMembers project={project} />}
          {tab === 'items' && <BrowseItems project={project} />}
          {tab === 'schema' && <ChangeSchema project={project} onSaved={reload} />}
          {tab === 'guideline' && <ManageGuideline project={project} />}
          {tab === 'quality' && <ManageQuality project={project} />}
          {tab === 'questions' && <ManageQuestions project={project} />}
          {tab === 'team' && <ShowTeam project={project} />}
          {tab === 'reports' && <ShowTeamReport project={project} />}
          {tab === 'qualification' && <ManageQualification project={project} />}
          {tab === 'requirements' && <ManageRequirements projectId={project.id} />}
          {tab === 'export' && <ExportData project={project} />}
          {tab === 'audit' && <ShowAuditLog project={project} />}
        </div>
      )}
    </div>
  );
}
