// Import items or predictions from a file, with upload progress and the rejected-rows report.
import { useEffect, useState } from 'react';
import { imports } from '../../api/endpoints';
import type { ImportRecord, Project } from '../../api/types';
import { ShowError } from '../common/ShowError';

export function ImportData({ project }: { project: Project }) {
  const [file, setFile] = useState<File | null>(null);
  const [kind, setKind] = useState<'items' | 'predictions'>('items');
  const [progress, setProgress] = useState<number | null>(null);
  const [record, setRecord] = useState<ImportRecord | null>(null);
  const [error, setError] = useState<unknown>(null);

  // Large uploads run as a job: follow the import record until it is done.
  useEffect(() => {
    if (!record || record.status === 'done' || record.status === 'failed') return;
    const t = window.setTimeout(async () => {
      try {
        setRecord(await imports.get(project.id, record.id));
      } catch (err) {
        setError(err);
      }
    }, 1000);
    return () => window.clearTimeout(t);
  }, [record, project.id]);

  return (
    <div className="card" data-testid="import">
      <h2>Import</h2>
      <form
        className="row"
        onSubmit={async (e) => {
          e.preventDefault();
          if (!file) return;
          setError(null);
          setRecord(null);
          setProgress(0);
          try {
            setRecord(await imports.upload(project.id, file, kind, setProgress));
          } catch (err) {
            setError(err);
          } finally {
            setProgress(null);
          }
        }}
      >
        <label>
          What{' '}
          <select value={kind} onChange={(e) => setKind(e.target.value as 'items' | 'predictions')} data-testid="import-kind">
            <option value="items">Items</option>
            <option value="predictions">Predictions</option>
          </select>
        </label>
        <input type="file" accept=".json,.jsonl,.csv,.zip" onChange={(e) => setFile(e.target.files?.[0] ?? null)} data-testid="import-file" aria-label="File to import" />
        <button type="submit" className="primary" disabled={!file || progress !== null} data-testid="import-submit">
          Upload
        </button>
      </form>
      <p className="muted small">JSON, JSONL, CSV or ZIP. Each row is an item whose keys are the schema's fields.</p>
      {progress !== null && (
        <div className="progress" role="progressbar" aria-label="Upload" aria-valuenow={Math.round(progress * 100)} aria-valuemin={0} aria-valuemax={100} data-testid="upload-progress">
          <div style={{ width: `${progress * 100}%` }} />
        </div>
      )}
      <ShowError error={error} />
      {record && (
        <div data-testid="import-result">
          <p>
            <strong>{record.filename}</strong>: {record.status}
            {record.message && ` — ${record.message}`}
          </p>
          <dl className="stats">
            <dt>Rows received</dt>
            <dd>{record.received}</dd>
            <dt>Created</dt>
            <dd data-testid="import-created">{record.created}</dd>
            <dt>Duplicates</dt>
            <dd>{record.duplicates}</dd>
            <dt>Rejected</dt>
            <dd data-testid="import-rejected">{record.rejected}</dd>
          </dl>
          {record.rejected > 0 && (
            <>
              <a href={imports.errorsUrl(project.id, record.id)} download data-testid="import-errors-download">
                Download rejected rows (CSV)
              </a>
              {record.errors && record.errors.length > 0 && (
                <table className="grid small">
                  <thead>
                    <tr>
                      <th>Line</th>
                      <th>Field</th>
                      <th>Reason</th>
                    </tr>
                  </thead>
                  <tbody>
                    {record.errors.slice(0, 20).map((e, i) => (
                      <tr key={i}>
                        <td>{e.line}</td>
                        <td>{e.field}</td>
                        <td>{e.reason}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </>
          )}
        </div>
      )}
    </div>
  );
}
