// The acknowledgement gate: the queue hands out no work until the person has seen what changed
// in the guideline since the version they last confirmed (with the images those changes added),
// and confirmed the new one. A section that stays unclear can be asked about from the whole text.
import { useCallback, useMemo, useState } from 'react';
import { guideline } from '../../api/endpoints';
import type { Id, PendingAck } from '../../api/types';
import { addedImages, versionsBetween, type Section } from '../../domain/guideline';
import { RenderMarkdown } from '../common/RenderMarkdown';
import { ShowDiff } from '../common/ShowDiff';
import { ShowError } from '../common/ShowError';
import { useLoad } from '../common/useLoad';
import { AskSectionButton, useAskAboutSection } from '../questions/RaiseQuestion';

export function ConfirmGuideline({ projectId, ack, onConfirm }: { projectId: Id; ack: PendingAck; onConfirm(version: number): Promise<void> }) {
  const versions = useLoad(() => guideline.versions(projectId), [projectId, ack.version]);
  const diff = useLoad(() => guideline.diff(projectId, ack.since ?? null, ack.version), [projectId, ack.since, ack.version]);
  const [whole, setWhole] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const changes = versionsBetween(versions.data ?? [], ack.since, ack.version).reverse();
  const current = (versions.data ?? []).find((v) => v.version === ack.version);
  const images = useMemo(() => addedImages(diff.data?.lines ?? []), [diff.data]);
  const asking = useAskAboutSection(projectId);
  const { ask } = asking;
  const action = useCallback((section: Section) => <AskSectionButton section={section} onAsk={ask} />, [ask]);

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm(ack.version);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <div className="gate" data-testid="guideline-gate" role="dialog" aria-modal="false" aria-labelledby="gate-title">
      <div className="card gate-card">
        <h2 id="gate-title">The guideline has changed: please read version {ack.version}</h2>
        <p>
          Before your next task, read what changed and confirm it.{' '}
          {ack.since ? (
            <span data-testid="gate-since">You last confirmed version {ack.since}; the changes below are since then.</span>
          ) : (
            <span data-testid="gate-since">You have not confirmed a version of this guideline yet; all of it is new to you.</span>
          )}
        </p>
        <ShowError error={versions.error ?? diff.error} />

        <section aria-label="Change summaries">
          <h3>What changed</h3>
          {versions.loading && !versions.data && <p className="muted">Loading…</p>}
          <ul className="change-list" data-testid="gate-summaries">
            {changes.map((v) => (
              <li key={v.version}>
                <strong>v{v.version}</strong> <span className="muted small">{new Date(v.created_at).toLocaleString()}</span>
                <span className={`tag${v.requires_ack ? ' strong' : ''}`}>{v.requires_ack ? 'requires acknowledgement' : 'minor'}</span>
                <div className="pre">{v.change_summary || <span className="muted">No summary given.</span>}</div>
              </li>
            ))}
          </ul>
        </section>

        <section aria-label="Differences">
          <div className="row">
            <h3 className="grow">{ack.since ? `Differences from version ${ack.since} to version ${ack.version}` : `Version ${ack.version}`}</h3>
            {current && (
              <button type="button" className="small" onClick={() => setWhole(!whole)} aria-pressed={whole} data-testid="gate-whole">
                {whole ? 'Show the differences' : 'Show the whole guideline'}
              </button>
            )}
          </div>
          {whole && current ? (
            <div className="gate-text">
              <RenderMarkdown source={current.body} sectionAction={action} />
            </div>
          ) : diff.data ? (
            <>
              <ShowDiff lines={diff.data.lines} />
              {images.length > 0 && (
                <div className="gate-images" data-testid="gate-images">
                  <h4>Images in the changes</h4>
                  <RenderMarkdown source={images.join('\n\n')} />
                </div>
              )}
            </>
          ) : (
            diff.loading && <p className="muted">Loading…</p>
          )}
        </section>

        <ShowError error={error} />
        <div className="row end">
          <button type="button" className="primary" disabled={busy || !diff.data} onClick={() => void confirm()} data-testid="guideline-ack">
            I have read version {ack.version}
          </button>
        </div>
        {asking.view}
      </div>
    </div>
  );
}
