// Sign in with a username and password; the server sets the session and CSRF cookies.
import { useState } from 'react';
import { navigate } from '../../app/router';
import { useSession } from '../../stores/session';
import { ShowError } from '../common/ShowError';

export function SignInPage() {
  const login = useSession((s) => s.login);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <div className="signin">
      <form
        className="card"
        aria-label="Sign in"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          try {
            await login(username, password);
            const next = new URLSearchParams(window.location.search).get('next');
            navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
          } catch (err) {
            setError(err);
          } finally {
            setBusy(false);
          }
        }}
      >
        <h1>Truthline</h1>
        <label>
          Username
          <input name="username" autoComplete="username" autoFocus value={username} onChange={(e) => setUsername(e.target.value)} required data-testid="login-username" />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required data-testid="login-password" />
        </label>
        <ShowError error={error} />
        <button type="submit" className="primary" disabled={busy} data-testid="login-submit">
          Sign in
        </button>
      </form>
    </div>
  );
}
