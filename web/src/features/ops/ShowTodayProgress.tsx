// The annotator's progress against today's targets, live, in the workspace toolbar.
import type { Id } from '../../api/types';

export function ShowTodayProgress(_props: { projectId: Id }) {
  return null;
}
