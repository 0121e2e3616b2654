// Export the project's annotations as JSONL, as a background job with progress.
import { useEffect, useState } from 'react';
import { exports_, jobs } from '../../api/endpoints';
import type { Job, Project } from '../../api/types';
import { ShowError } from '../common/ShowError';

const FINISHED = ['succeeded', 'failed', 'cancelled', 'dead'];

export function ExportData({ project }: { project: Project }) {
  const [versions, setVersions] = useState<'latest' | 'all'>('latest');
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
          disabled={!!job && !FINISHED.includes(job.status)}
          onClick={async () => {
            try {
              setError(null);
              setJob(await exports_.start(project.id, versions));
            } catch (err) {
              setError(err);
            }
          }}
        >
          Start export (JSONL)
        </button>
        <a href={exports_.streamUrl(project.id, versions)} download>
          or download directly
        </a>
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
