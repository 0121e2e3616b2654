// Lead console tab: the team's productivity against targets, charts and outliers.
import type { Project } from '../../api/types';

export function ShowTeam(_props: { project: Project }) {
  return null;
}
