// Raise a question from a task (toolbar button).
import type { Id } from '../../api/types';

export function RaiseQuestion(_props: { projectId: Id; itemId: Id | null; leaseId?: Id | null }) {
  return null;
}
