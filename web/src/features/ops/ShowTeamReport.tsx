// Lead console tab: the team roll-up of daily status reports for one project and day.
import type { Project } from '../../api/types';

export function ShowTeamReport(_props: { project: Project }) {
  return null;
}
