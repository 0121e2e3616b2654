// Item browser with filters (stage, annotator, label, text) and a read-only item view.
import { useEffect, useState } from 'react';
import { items, type ItemFilters } from '../../api/endpoints';
import type { Item, Project } from '../../api/types';
import { setQuery, useLocation } from '../../app/router';
import { ShowError } from '../common/ShowError';
import { ViewItem } from './ViewItem';

function preview(item: Item): string {
  for (const v of Object.values(item.data)) if (typeof v === 'string' && !v.startsWith('media:')) return v.length > 120 ? `${v.slice(0, 120)}…` : v;
  return '';
}

export function BrowseItems({ project }: { project: Project }) {
  const { search } = useLocation();
  const openId = Number(search.get('item')) || null;
  const [filters, setFilters] = useState<ItemFilters>({ stage: search.get('stage') ?? '', annotator: search.get('annotator') ?? '', label: search.get('label') ?? '', q: search.get('q') ?? '' });
  const [rows, setRows] = useState<Item[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = async (after?: string) => {
    try {
      const page = await items.list(project.id, { ...filters, cursor: after, limit: 50 });
      setRows((prev) => (after ? [...prev, ...page.items] : page.items));
      setCursor(page.next_cursor ?? null);
      setError(null);
    } catch (err) {
      setError(err);
    }
  };

  useEffect(() => {
    void load();
  }, [project.id]);

  if (openId) return <ViewItem project={project} itemId={openId} onClose={() => setQuery({ item: undefined })} />;

  const field = (k: keyof ItemFilters, label: string, opts?: string[]) => (
    <label>
      {label}{' '}
      {opts ? (
        <select value={filters[k] ?? ''} onChange={(e) => setFilters({ ...filters, [k]: e.target.value })} data-testid={`filter-${k}`}>
          <option value="">any</option>
          {opts.map((o) => (
            <option key={o}>{o}</option>
          ))}
        </select>
      ) : (
        <input value={filters[k] ?? ''} onChange={(e) => setFilters({ ...filters, [k]: e.target.value })} data-testid={`filter-${k}`} />
      )}
    </label>
  );

  return (
    <div className="card" data-testid="items">
      <form
        className="row filters"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery({ stage: filters.stage, annotator: filters.annotator, label: filters.label, q: filters.q });
          void load();
        }}
      >
        {field('stage', 'Stage', ['annotate', 'review', 'done'])}
        {field('annotator', 'Annotator')}
        {field('label', 'Label')}
        {field('q', 'Text')}
        <button type="submit" className="primary" data-testid="filter-apply">
          Filter
        </button>
      </form>
      <ShowError error={error} />
      <table className="grid">
        <thead>
          <tr>
            <th>Id</th>
            <th>External id</th>
            <th>Stage</th>
            <th className="num">Submitted</th>
            <th className="num">Priority</th>
            <th>Content</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((it) => (
            <tr key={it.id} className="clickable" onClick={() => setQuery({ item: String(it.id) })} data-testid={`item-row-${it.id}`}>
              <td>{it.id}</td>
              <td>{it.external_id}</td>
              <td>{it.stage}</td>
              <td className="num">{it.submitted_count}</td>
              <td className="num">{it.priority}</td>
              <td className="small">{preview(it)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && !error && <p className="muted">No items match.</p>}
      {cursor && (
        <button type="button" onClick={() => void load(cursor)}>
          More
        </button>
      )}
    </div>
  );
}
