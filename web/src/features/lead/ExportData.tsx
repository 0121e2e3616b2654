// Export the project as JSONL, with the parts the lead picks, as a background job with progress.
import { useEffect, useState } from 'react';
import { exports_, jobs, type ExportPart } from '../../api/endpoints';
import type { Job, Project } from '../../api/types';
import { ShowError } from '../common/ShowError';

const FINISHED = ['succeeded', 'failed', 'cancelled', 'dead'];

/** Every line carries the item and its predictions; these parts are added as picked. */
const PARTS: { part: ExportPart; label: string }[] = [
  { part: 'annotations', label: 'Raw annotations' },
  { part: 'consolidated', label: 'Consolidated results with confidence' },
  { part: 'agreement', label: 'Agreement per item' },
  { part: 'review', label: 'Reviewer verdicts and error codes' },
  { part: 'gold', label: 'Gold answers' },
];

export function ExportData({ project }: { project: Project }) {
  const [versions, setVersions] = useState<'latest' | 'all'>('latest');
  const [parts, setParts] = useState<ExportPart[]>(['annotations']);
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (!job || FINISHED.includes(job.status)) return;
    const t = window.setTimeout(async () => {
      try {
        setJob(await jobs.get(job.id));
      } catch (err) {
        setError(err);
      }
    }, 1000);
    return () => window.clearTimeout(t);
  }, [job]);

  const fraction = job?.progress_total ? job.progress_done / job.progress_total : null;
  return (
    <div className="card" data-testid="export">
      <h2>Export</h2>
      <p className="muted small">Each line holds one item with its model predictions, and the parts picked here.</p>
      <div className="choices" role="group" aria-label="Parts to export" data-testid="export-parts">
        {PARTS.map(({ part, label }) => {
          const on = parts.includes(part);
          return (
            <label key={part} className={`choice${on ? ' on' : ''}`}>
              <input
                type="checkbox"
                checked={on}
                onChange={() => setParts(on ? parts.filter((p) => p !== part) : PARTS.map((x) => x.part).filter((p) => p === part || parts.includes(p)))}
                data-testid={`export-part-${part}`}
              />
              {label}
            </label>
          );
        })}
      </div>
      {parts.length === 0 && <p className="muted small">Pick at least one part to export.</p>}
      <div className="row">
        <label>
          Versions{' '}
          <select value={versions} onChange={(e) => setVersions(e.target.value as 'latest' | 'all')} data-testid="export-versions">
            <option value="latest">latest per annotator</option>
            <option value="all">all versions</option>
          </select>
        </label>
        <button
          type="button"
          className="primary"
          data-testid="export-start"
          disabled={parts.length === 0 || (!!job && !FINISHED.includes(job.status))}
          onClick={async () => {
            try {
              setError(null);
              setJob(await exports_.start(project.id, versions, parts));
            } catch (err) {
              setError(err);
            }
          }}
        >
          Start export (JSONL)
        </button>
        {parts.length > 0 && (
          <a href={exports_.streamUrl(project.id, versions, parts)} download data-testid="export-direct">
            or download directly
          </a>
        )}
      </div>
      <ShowError error={error} />
      {job && (
        <div data-testid="export-job">
          <p>
            Job #{job.id}: <strong data-testid="export-status">{job.status}</strong>
            {job.progress_total ? ` · ${job.progress_done} / ${job.progress_total}` : job.progress_done ? ` · ${job.progress_done}` : ''}
          </p>
          <div className="progress" role="progressbar" aria-label="Export" aria-valuenow={fraction !== null ? Math.round(fraction * 100) : undefined}>
            <div className={fraction === null && !FINISHED.includes(job.status) ? 'indeterminate' : ''} style={{ width: `${(job.status === 'succeeded' ? 1 : fraction ?? 0) * 100}%` }} />
          </div>
          {job.error && <div className="error">{job.error}</div>}
          {job.status === 'succeeded' && (
            <a className="button primary" href={exports_.jobDownloadUrl(job.id)} download data-testid="export-download">
              Download
            </a>
          )}
          {!FINISHED.includes(job.status) && (
            <button type="button" onClick={async () => setJob(await jobs.cancel(job.id))}>
              Cancel
            </button>
          )}
        </div>
      )}
    </div>
  );
}
