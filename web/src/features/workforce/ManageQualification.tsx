// Lead console tab: required skills and the qualification quiz.
import type { Project } from '../../api/types';

export function ManageQualification(_props: { project: Project }) {
  return null;
}
