// Overview: items by stage, live leases and today's submits (refreshed), and project settings.
import { useEffect, useState } from 'react';
import { projects } from '../../api/endpoints';
import type { Project } from '../../api/types';
import { ShowError } from '../common/ShowError';
import { useLoad } from '../common/useLoad';

export function ShowQueueState({ project, onSaved }: { project: Project; onSaved(): void }) {
  const stats = useLoad(() => projects.stats(project.id), [project.id]);
  useEffect(() => {
    const t = window.setInterval(stats.reload, 5000);
    return () => window.clearInterval(t);
  }, [stats.reload]);
  const s = stats.data;
  return (
    <div className="columns">
      <section className="card" data-testid="queue-state">
        <h2>Queue</h2>
        <ShowError error={stats.error} />
        {s && (
          <>
            <dl className="stats">
              <dt>Items</dt>
              <dd data-testid="stat-items">{s.items}</dd>
              <dt>Live leases</dt>
              <dd data-testid="stat-leases">{s.live_leases}</dd>
              <dt>Annotations</dt>
              <dd>{s.annotations}</dd>
              <dt>Annotators</dt>
              <dd>{s.annotators}</dd>
              <dt>Submitted today</dt>
              <dd>{s.submitted_today}</dd>
            </dl>
            <table className="grid">
              <thead>
                <tr>
                  <th>Stage</th>
                  <th className="num">Items</th>
                  <th className="num">Open slots</th>
                </tr>
              </thead>
              <tbody>
                {s.stages.map((st) => (
                  <tr key={st.stage} data-testid={`stage-${st.stage}`}>
                    <td>{st.stage}</td>
                    <td className="num">{st.items}</td>
                    <td className="num">{st.open_slots}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </section>
      <EditSettings project={project} onSaved={onSaved} />
    </div>
  );
}

function EditSettings({ project, onSaved }: { project: Project; onSaved(): void }) {
  const [form, setForm] = useState({ name: project.name, description: project.description, instructions: project.instructions, overlap: project.overlap, lease_seconds: project.lease_seconds });
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const set = (k: keyof typeof form, v: string | number) => {
    setForm({ ...form, [k]: v });
    setSaved(false);
  };
  return (
    <form
      className="card"
      aria-label="Project settings"
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          await projects.update(project.id, form);
          setError(null);
          setSaved(true);
          onSaved();
        } catch (err) {
          setError(err);
        }
      }}
    >
      <h2>Settings</h2>
      <div className="form-grid">
        <label>
          Name
          <input value={form.name} onChange={(e) => set('name', e.target.value)} required />
        </label>
        <label>
          Overlap
          <input type="number" min={1} max={50} value={form.overlap} onChange={(e) => set('overlap', Number(e.target.value))} />
        </label>
        <label>
          Lease (seconds)
          <input type="number" min={10} value={form.lease_seconds} onChange={(e) => set('lease_seconds', Number(e.target.value))} />
        </label>
        <label className="wide">
          Description
          <input value={form.description} onChange={(e) => set('description', e.target.value)} />
        </label>
        <label className="wide">
          Instructions (Markdown)
          <textarea rows={8} value={form.instructions} onChange={(e) => set('instructions', e.target.value)} />
        </label>
      </div>
      <ShowError error={error} />
      <button type="submit" className="primary">
        Save settings
      </button>
      {saved && <span className="ok"> Saved</span>}
    </form>
  );
}
