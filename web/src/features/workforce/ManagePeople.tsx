// People: teams, skills, languages, schedules (admins and leads).

export function ManagePeople(_props: Record<string, never>) {
  return null;
}
