// Daily status reports: mine, and for leads anyone's and the team roll-up.

export function ShowReports(_props: Record<string, never>) {
  return null;
}
