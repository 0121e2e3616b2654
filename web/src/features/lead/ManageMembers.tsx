// Members and their roles in the project.
import { useState } from 'react';
import { projects } from '../../api/endpoints';
import type { Project, Role } from '../../api/types';
import { ShowError } from '../common/ShowError';
import { useLoad } from '../common/useLoad';

const ROLES: Role[] = ['lead', 'reviewer', 'annotator', 'viewer'];

export function ManageMembers({ project }: { project: Project }) {
  const { data, error, reload } = useLoad(() => projects.members(project.id), [project.id]);
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<Role>('annotator');
  const [actionError, setActionError] = useState<unknown>(null);
  const act = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
      setActionError(null);
      reload();
    } catch (err) {
      setActionError(err);
    }
  };
  return (
    <div className="card" data-testid="members">
      <h2>Members</h2>
      <ShowError error={error ?? actionError} />
      <table className="grid">
        <thead>
          <tr>
            <th>User</th>
            <th>Role</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(data ?? []).map((m) => (
            <tr key={m.user.id} data-testid={`member-${m.user.username}`}>
              <td>
                {m.user.username}
                {m.user.display_name && <span className="muted"> ({m.user.display_name})</span>}
              </td>
              <td>
                <select aria-label={`Role of ${m.user.username}`} value={m.role} onChange={(e) => act(() => projects.setMember(project.id, { user_id: m.user.id }, e.target.value as Role))}>
                  {ROLES.map((r) => (
                    <option key={r}>{r}</option>
                  ))}
                </select>
              </td>
              <td>
                <button type="button" className="link" onClick={() => act(() => projects.removeMember(project.id, m.user.id))}>
                  remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        className="row"
        aria-label="Add member"
        onSubmit={(e) => {
          e.preventDefault();
          void act(async () => {
            await projects.setMember(project.id, { username: username.trim() }, role);
            setUsername('');
          });
        }}
      >
        <input placeholder="username" value={username} onChange={(e) => setUsername(e.target.value)} required aria-label="Username" data-testid="member-username" />
        <select value={role} onChange={(e) => setRole(e.target.value as Role)} aria-label="Role" data-testid="member-role">
          {ROLES.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
        <button type="submit" className="primary" data-testid="member-add">
          Add
        </button>
      </form>
    </div>
  );
}
