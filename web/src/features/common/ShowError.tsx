// One way to show an API error: its message, its code, and any field-level details.
import { ApiError } from '../../api/client';

export function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.isNetwork ? 'You are offline or the server is unreachable.' : err.message;
  return err instanceof Error ? err.message : String(err);
}

export function ShowError({ error }: { error: unknown }) {
  if (!error) return null;
  const details = error instanceof ApiError ? error.details : {};
  const list = Array.isArray((details as { errors?: unknown }).errors) ? ((details as { errors: { path?: string; message?: string }[] }).errors ?? []) : [];
  return (
    <div className="error" role="alert" data-testid="error">
      {errorText(error)}
      {error instanceof ApiError && !error.isNetwork && <span className="muted small"> ({error.code})</span>}
      {list.length > 0 && (
        <ul>
          {list.map((e, i) => (
            <li key={i}>
              <code>{e.path}</code> {e.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
