// Edit the project's schema: saving makes a new schema version (earlier annotations keep theirs).
import { useState } from 'react';
import { projects } from '../../api/endpoints';
import type { LabelingSchema, Project } from '../../api/types';
import { ShowError } from '../common/ShowError';
import { useLoad } from '../common/useLoad';
import { EditSchema } from './EditSchema';

export function ChangeSchema({ project, onSaved }: { project: Project; onSaved(): void }) {
  // The text as the lead wrote it (comments, order, YAML); a project stored before the server
  // kept it is edited as formatted JSON, which is valid YAML too.
  const [text, setText] = useState(() => project.schema_text ?? JSON.stringify(project.schema, null, 2));
  const [valid, setValid] = useState<LabelingSchema | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<number | null>(null);
  const versions = useLoad(() => projects.schemaVersions(project.id), [project.id, saved]);
  return (
    <div className="card" data-testid="schema-tab">
      <h2>Schema <span className="muted small">current version {project.schema_version ?? '—'}</span></h2>
      <EditSchema text={text} onText={setText} onValid={setValid} />
      <ShowError error={error} />
      <button
        type="button"
        className="primary"
        disabled={!valid}
        data-testid="save-schema"
        onClick={async () => {
          try {
            const v = await projects.setSchema(project.id, { schema_text: text });
            setSaved('version' in v && typeof v.version === 'number' ? v.version : Date.now());
            setError(null);
            onSaved();
          } catch (err) {
            setError(err);
          }
        }}
      >
        Save as new version
      </button>
      {saved !== null && <span className="ok"> Saved</span>}
      <h3>Versions</h3>
      <ul className="small">
        {(versions.data ?? []).map((v) => (
          <li key={v.id}>
            v{v.version} · {new Date(v.created_at).toLocaleString()} · {v.schema.questions.length} question(s)
          </li>
        ))}
      </ul>
    </div>
  );
}
