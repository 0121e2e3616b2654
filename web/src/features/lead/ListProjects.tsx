// Lead console: the projects I lead, and a form to create one from a schema.
import { useState } from 'react';
import { projects } from '../../api/endpoints';
import type { LabelingSchema } from '../../api/types';
import { navigate } from '../../app/router';
import { Link } from '../common/Link';
import { ShowError } from '../common/ShowError';
import { useLoad } from '../common/useLoad';
import { EditSchema, STARTER_SCHEMA } from './EditSchema';

export function ListProjects() {
  const { data, error } = useLoad(() => projects.list(), []);
  const [creating, setCreating] = useState(false);
  return (
    <div className="page">
      <header className="row">
        <h1 className="grow">Projects</h1>
        <button type="button" className="primary" onClick={() => setCreating(!creating)} data-testid="new-project">
          {creating ? 'Close' : 'New project'}
        </button>
      </header>
      <ShowError error={error} />
      {creating && <CreateProject />}
      <table className="grid" data-testid="project-list">
        <thead>
          <tr>
            <th>Name</th>
            <th>My role</th>
            <th className="num">Overlap</th>
            <th className="num">Schema</th>
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          {(data ?? []).map((p) => (
            <tr key={p.id}>
              <td>
                <Link to={`/lead/projects/${p.id}`}>{p.name}</Link>
                {p.description && <div className="muted small">{p.description}</div>}
              </td>
              <td>{p.role ?? 'admin'}</td>
              <td className="num">{p.overlap}</td>
              <td className="num">v{p.schema_version ?? '—'}</td>
              <td>{p.created_at ? new Date(p.created_at).toLocaleDateString() : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function CreateProject() {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [overlap, setOverlap] = useState(1);
  const [instructions, setInstructions] = useState('');
  const [schemaText, setSchemaText] = useState(STARTER_SCHEMA);
  const [valid, setValid] = useState<LabelingSchema | null>(null);
  const [error, setError] = useState<unknown>(null);
  return (
    <form
      className="card"
      aria-label="Create project"
      data-testid="create-project"
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          const p = await projects.create({ name, description, overlap, instructions, schema_text: schemaText });
          navigate(`/lead/projects/${p.id}`);
        } catch (err) {
          setError(err);
        }
      }}
    >
      <div className="form-grid">
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} data-testid="project-name" />
        </label>
        <label>
          Overlap (annotators per item)
          <input type="number" min={1} max={50} value={overlap} onChange={(e) => setOverlap(Number(e.target.value))} />
        </label>
        <label className="wide">
          Description
          <input value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <label className="wide">
          Instructions (Markdown)
          <textarea rows={4} value={instructions} onChange={(e) => setInstructions(e.target.value)} data-testid="project-instructions" />
        </label>
      </div>
      <EditSchema text={schemaText} onText={setSchemaText} onValid={setValid} />
      <ShowError error={error} />
      <button type="submit" className="primary" disabled={!valid || !name.trim()} data-testid="create-project-submit">
        Create project
      </button>
    </form>
  );
}
