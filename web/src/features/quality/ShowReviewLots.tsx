// The lead's view of the project's review lots: each Z1.4 lot (or sampling pool) with its plan
// and decision, and, for the lot picked (?lot= in the address), its items: sampled, judged,
// defective, their stage now and their rework, each opening the read-only item view; both
// tables download whole as CSV.
import { useState } from 'react';
import { quality } from '../../api/endpoints';
import { reviewLots, type LotItem, type ReviewLot } from '../../api/quality';
import type { Project } from '../../api/types';
import { navigate, setQuery, useLocation } from '../../app/router';
import { ShowError } from '../common/ShowError';
import { useLoad } from '../common/useLoad';

const STATUS_TEXT: Record<string, string> = {
  filling: 'filling',
  sampling: 'sample in review',
  sampled: 'sampled',
  accepted: 'accepted',
  rejected: 'rejected',
};

function statusClass(status: string): string {
  if (status === 'accepted') return 'badge good';
  if (status === 'rejected') return 'badge bad';
  return 'badge';
}

function when(at: string | null): string {
  return at ? new Date(at).toLocaleString() : '—';
}

function plan(lot: ReviewLot): string {
  if (lot.kind === 'pool') return lot.sample_size !== null ? `sample ${lot.sample_size}` : '—';
  if (lot.sample_size === null) return `AQL ${lot.aql}%`;
  return `AQL ${lot.aql}%: sample ${lot.sample_size}, accept ≤ ${lot.accept}, reject ≥ ${lot.reject}`;
}

export function ShowReviewLots({ project }: { project: Project }) {
  const { search } = useLocation();
  const picked = search.get('lot');
  const { data, error, reload } = useLoad(() => reviewLots.list(project.id), [project.id]);
  const [closeError, setCloseError] = useState<unknown>(null);
  if (picked) return <ShowReviewLot project={project} lotId={Number(picked)} />;
  if (error) return <ShowError error={error} />;
  if (!data) return <p className="muted">Loading…</p>;
  return (
    <section className="card" data-testid="lots">
      <header className="row">
        <h3 className="grow">Review lots</h3>
        <a href={quality.tableCsvUrl(project.id, 'review/lots')} className="small" download data-testid="lots-csv">
          Download CSV
        </a>
      </header>
      <ShowError error={closeError} />
      {data.items.length === 0 ? (
        <p className="muted">No lots yet. With an AQL in the review settings, finished items gather into lots whose sample decides the whole lot.</p>
      ) : (
        <table className="grid small">
          <thead>
            <tr>
              <th>Lot</th>
              <th>Status</th>
              <th className="num">Items</th>
              <th>Plan</th>
              <th className="num">Judged</th>
              <th className="num">Failures</th>
              <th>Decided</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((lot) => (
              <tr key={lot.id} className="clickable" onClick={() => setQuery({ lot: String(lot.id) })} data-testid={`lot-${lot.id}`}>
                <td>
                  {lot.kind === 'lot' ? 'Lot' : 'Pool'} #{lot.id}
                </td>
                <td>
                  <span className={statusClass(lot.status)} data-testid="lot-status">
                    {STATUS_TEXT[lot.status] ?? lot.status}
                  </span>
                </td>
                <td className="num">
                  {lot.item_count} of {lot.lot_size}
                </td>
                <td>{plan(lot)}</td>
                <td className="num">{lot.sample_size !== null ? `${lot.judged} of ${lot.sample_size}` : '—'}</td>
                <td className="num" data-testid="lot-failures">
                  {lot.failures}
                </td>
                <td>
                  {lot.status === 'filling' && project.role === 'lead' ? (
                    <button
                      type="button"
                      className="small"
                      data-testid={`lot-close-${lot.id}`}
                      onClick={async (e) => {
                        e.stopPropagation();
                        setCloseError(null);
                        try {
                          await reviewLots.close(project.id);
                          reload();
                        } catch (err) {
                          setCloseError(err);
                        }
                      }}
                    >
                      Draw the sample now
                    </button>
                  ) : (
                    when(lot.decided_at)
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function itemState(item: LotItem): string {
  if (item.rework_open) return `in rework (${item.rework_open} open)`;
  if (item.rework_done) return 'rework done';
  return '';
}

function ShowReviewLot({ project, lotId }: { project: Project; lotId: number }) {
  const { data, error } = useLoad(() => reviewLots.get(project.id, lotId), [project.id, lotId]);
  const back = (
    <button type="button" className="link small" onClick={() => setQuery({ lot: undefined })} data-testid="lots-back">
      ← all lots
    </button>
  );
  if (error)
    return (
      <>
        {back}
        <ShowError error={error} />
      </>
    );
  if (!data) return <p className="muted">Loading…</p>;
  const inRework = data.items.filter((i) => i.rework_open > 0).length;
  return (
    <section className="card" data-testid="lot-detail">
      <header className="row">
        <h3 className="grow">
          {data.kind === 'lot' ? 'Lot' : 'Pool'} #{data.id}{' '}
          <span className={statusClass(data.status)} data-testid="lot-detail-status">
            {STATUS_TEXT[data.status] ?? data.status}
          </span>
        </h3>
        <a href={quality.tableCsvUrl(project.id, `review/lots/${data.id}`)} className="small" download data-testid="lot-items-csv">
          Download CSV
        </a>{' '}
        {back}
      </header>
      <p className="small">
        {data.item_count} of {data.lot_size} items · {plan(data)} · {data.judged} judged · {data.failures} defective
        {data.decided_at && ` · decided ${when(data.decided_at)}`}
      </p>
      {data.status === 'rejected' && (
        <p className="bad small" data-testid="lot-rejected-note">
          The lot was rejected: its items went back to their annotators as rework ({inRework} still open on this page).
        </p>
      )}
      <table className="grid small">
        <thead>
          <tr>
            <th>Item</th>
            <th>Sampled</th>
            <th>Judged</th>
            <th>Defective</th>
            <th>Review</th>
            <th>Stage now</th>
            <th>Rework</th>
          </tr>
        </thead>
        <tbody>
          {data.items.map((i) => (
            <tr key={i.item_id} className="clickable" onClick={() => navigate(`/lead/projects/${project.id}?tab=items&item=${i.item_id}`)} data-testid={`lot-item-${i.external_id}`}>
              <td>
                {i.external_id} <span className="muted">#{i.item_id}</span>
              </td>
              <td>{i.sampled ? 'yes' : ''}</td>
              <td>{i.judged ? 'yes' : ''}</td>
              <td>{i.defective ? <span className="bad">defective</span> : ''}</td>
              <td>{i.review_outcome ?? ''}</td>
              <td data-testid="lot-item-stage">{i.stage}</td>
              <td data-testid="lot-item-rework">{itemState(i)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {data.next_cursor && <p className="muted small">The first 500 items of the lot are shown.</p>}
    </section>
  );
}
