// Lead console tab: the project's questions by SLA urgency, SLA policies, routing, report.
import type { Project } from '../../api/types';

export function ManageQuestions(_props: { project: Project }) {
  return null;
}
