// In-app notifications (navigation bar): a bell with the unread count, read again every 30 s,
// and a list to open (which marks a notification read and follows its link).
import { useCallback, useEffect, useRef, useState } from 'react';
import { notificationsApi, type Notification } from '../../api/questions';
import { navigate } from '../../app/router';
import { useSession } from '../../stores/session';
import { ShowError } from '../common/ShowError';

const POLL_MS = 30_000;

export function ShowNotifications(_props: Record<string, never>) {
  const user = useSession((s) => s.user);
  const [unread, setUnread] = useState(0);
  const [open, setOpen] = useState(false);
  const [items, setItems] = useState<Notification[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const box = useRef<HTMLDivElement>(null);

  const count = useCallback(() => {
    notificationsApi.unread().then(
      (r) => setUnread(r.unread),
      () => undefined, // offline or signed out: the next poll tries again
    );
  }, []);

  useEffect(() => {
    if (!user) return;
    count();
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'visible') count();
    }, POLL_MS);
    const onFocus = () => count();
    window.addEventListener('focus', onFocus);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener('focus', onFocus);
    };
  }, [user, count]);

  const load = useCallback(async () => {
    try {
      const page = await notificationsApi.list();
      setItems(page.items);
      setUnread(page.unread);
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, []);

  useEffect(() => {
    if (!open) return;
    void load();
    const onDown = (e: MouseEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open, load]);

  if (!user) return null;

  const follow = async (n: Notification) => {
    if (!n.read_at) {
      try {
        await notificationsApi.markRead(n.id);
      } catch {
        // Following the link matters more than the read mark; it is tried again next time.
      }
    }
    setOpen(false);
    count();
    if (n.link) navigate(n.link);
  };

  return (
    <div
      className="notifications"
      ref={box}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          e.stopPropagation();
          setOpen(false);
        }
      }}
    >
      <button
        type="button"
        className="link bell"
        aria-haspopup="true"
        aria-expanded={open}
        aria-label={unread ? `Notifications, ${unread} unread` : 'Notifications'}
        data-testid="notifications-bell"
        onClick={() => setOpen((v) => !v)}
      >
        <svg aria-hidden="true" width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
          <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
          <path d="M13.7 21a2 2 0 0 1-3.4 0" />
        </svg>
        {unread > 0 && (
          <span className="bell-count" data-testid="notifications-count">
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </button>
      {open && (
        <div className="popover notifications-list" role="region" aria-label="Notifications" data-testid="notifications-list">
          <div className="row">
            <strong className="grow">Notifications</strong>
            <button
              type="button"
              className="link small"
              disabled={!unread}
              data-testid="notifications-read-all"
              onClick={async () => {
                try {
                  setUnread((await notificationsApi.markAllRead()).unread);
                  await load();
                } catch (err) {
                  setError(err);
                }
              }}
            >
              Mark all read
            </button>
          </div>
          <ShowError error={error} />
          {items && items.length === 0 && <p className="muted small">Nothing yet.</p>}
          <ul>
            {(items ?? []).map((n) => (
              <li key={n.id} className={n.read_at ? 'read' : 'unread'}>
                <button type="button" className="link" data-testid="notification-item" data-kind={n.kind} onClick={() => void follow(n)}>
                  <span className="title">{n.title}</span>
                  {n.body && <span className="muted small body">{n.body}</span>}
                  <span className="muted small">{new Date(n.created_at).toLocaleString()}</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
