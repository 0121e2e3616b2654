// In-app notifications (navigation bar).

export function ShowNotifications(_props: Record<string, never>) {
  return null;
}
