// The person's questions and, for leads, the questions queue by SLA urgency.

export function ListQuestions(_props: Record<string, never>) {
  return null;
}
