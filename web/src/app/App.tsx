// The app shell: who is signed in, the navigation bar, and which screen a path shows.
import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { matchPath, navigate, useLocation } from './router';
import { useSession } from '../stores/session';
import { SignInPage } from '../features/auth/SignInPage';
import { Link } from '../features/common/Link';
import { ListMyWork } from '../features/work/ListMyWork';
import { ShowNotifications } from '../features/questions/ShowNotifications';
import { startSubmitQueue } from '../features/workspace/offline';

// The canvas tools (konva) and the lead console load on first use.
const AnnotateItem = lazy(() => import('../features/workspace/AnnotateItem').then((m) => ({ default: m.AnnotateItem })));
const ReviewItem = lazy(() => import('../features/review/ReviewItem').then((m) => ({ default: m.ReviewItem })));
const ListRework = lazy(() => import('../features/work/ListRework').then((m) => ({ default: m.ListRework })));
const ListHistory = lazy(() => import('../features/history/ListHistory').then((m) => ({ default: m.ListHistory })));
const ListProjects = lazy(() => import('../features/lead/ListProjects').then((m) => ({ default: m.ListProjects })));
const ListQuestions = lazy(() => import('../features/questions/ListQuestions').then((m) => ({ default: m.ListQuestions })));
const ShowReports = lazy(() => import('../features/ops/ShowReports').then((m) => ({ default: m.ShowReports })));
const ManagePeople = lazy(() => import('../features/workforce/ManagePeople').then((m) => ({ default: m.ManagePeople })));
const ManageProject = lazy(() => import('../features/lead/ManageProject').then((m) => ({ default: m.ManageProject })));

function route(pathname: string): { screen: ReactNode; wide?: boolean } {
  let m: Record<string, string> | null;
  if ((m = matchPath('/projects/:id/annotate', pathname))) return { screen: <AnnotateItem key={`q${m.id}`} projectId={Number(m.id)} />, wide: true };
  if ((m = matchPath('/projects/:id/review', pathname))) return { screen: <ReviewItem key={`r${m.id}`} projectId={Number(m.id)} />, wide: true };
  if ((m = matchPath('/projects/:id/rework', pathname))) return { screen: <ListRework key={`w${m.id}`} projectId={Number(m.id)} /> };
  if ((m = matchPath('/projects/:id/items/:item/edit', pathname)))
    return { screen: <AnnotateItem key={`e${m.id}-${m.item}`} projectId={Number(m.id)} itemId={Number(m.item)} />, wide: true };
  if (matchPath('/history', pathname)) return { screen: <ListHistory /> };
  if (matchPath('/questions', pathname)) return { screen: <ListQuestions /> };
  if (matchPath('/reports', pathname)) return { screen: <ShowReports /> };
  if (matchPath('/people', pathname)) return { screen: <ManagePeople /> };
  if (matchPath('/lead/projects', pathname)) return { screen: <ListProjects /> };
  if ((m = matchPath('/lead/projects/:id', pathname))) return { screen: <ManageProject key={m.id} projectId={Number(m.id)} /> };
  if (pathname === '/' || pathname === '') return { screen: <ListMyWork /> };
  return {
    screen: (
      <div className="page">
        <h1>Not found</h1>
        <Link to="/">Back to my work</Link>
      </div>
    ),
  };
}

function NavBar() {
  const user = useSession((s) => s.user);
  const logout = useSession((s) => s.logout);
  const { pathname } = useLocation();
  const tab = (to: string, label: string, testId: string) => (
    <Link to={to} className={pathname === to || (to !== '/' && pathname.startsWith(to)) ? 'on' : ''} data-testid={testId}>
      {label}
    </Link>
  );
  return (
    <nav className="navbar" aria-label="Main">
      <span className="brand">Truthline</span>
      {tab('/', 'My work', 'nav-work')}
      {tab('/history', 'History', 'nav-history')}
      {tab('/questions', 'Questions', 'nav-questions')}
      {tab('/reports', 'Reports', 'nav-reports')}
      {tab('/lead/projects', 'Projects', 'nav-projects')}
      {tab('/people', 'People', 'nav-people')}
      <span className="grow" />
      <ShowNotifications />
      <span className="muted" data-testid="current-user">
        {user?.display_name || user?.username}
      </span>
      <button
        type="button"
        className="link"
        data-testid="sign-out"
        onClick={async () => {
          await logout();
          navigate('/login', { replace: true });
        }}
      >
        Sign out
      </button>
    </nav>
  );
}

export function App() {
  const status = useSession((s) => s.status);
  const load = useSession((s) => s.load);
  const { pathname } = useLocation();

  useEffect(() => {
    void load();
    void startSubmitQueue();
    const expired = () => useSession.getState().expired();
    window.addEventListener('tl:unauthorized', expired);
    return () => window.removeEventListener('tl:unauthorized', expired);
  }, [load]);

  useEffect(() => {
    if (status === 'signed_out' && pathname !== '/login') navigate(`/login?next=${encodeURIComponent(pathname + window.location.search)}`, { replace: true });
    if (status === 'signed_in' && pathname === '/login') navigate('/', { replace: true });
  }, [status, pathname]);

  if (status === 'unknown') return <div className="center muted">Loading…</div>;
  if (pathname === '/login' || status === 'signed_out') return <SignInPage />;
  const { screen, wide } = route(pathname);
  return (
    <div className={`app${wide ? ' wide' : ''}`}>
      <NavBar />
      <Suspense fallback={<div className="center muted">Loading…</div>}>{screen}</Suspense>
    </div>
  );
}
