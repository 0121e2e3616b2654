// An item's fields, each rendered as plain text or media by its declared type (never as HTML).
import type { FieldSpec, Item } from '../../api/types';
import { mediaInfo, safeMediaUrl } from '../../kinds/image/media';
import { turnRole, turnText } from '../../kinds/rating/RateItem';
import { RenderMarkdown } from './RenderMarkdown';

function FieldValue({ field, item }: { field: FieldSpec; item: Item }) {
  const value = item.data[field.name];
  if (value === undefined || value === null) return <span className="muted">—</span>;
  switch (field.type) {
    case 'image': {
      const url = safeMediaUrl(mediaInfo(item, field.name).preview_url) ?? safeMediaUrl(mediaInfo(item, field.name).url);
      return url ? <img className="field-image" src={url} alt={field.title ?? field.name} /> : <span className="muted">no image</span>;
    }
    case 'audio': {
      const url = safeMediaUrl(mediaInfo(item, field.name).url);
      return url ? <audio controls src={url} preload="metadata" /> : null;
    }
    case 'video': {
      const url = safeMediaUrl(mediaInfo(item, field.name).url);
      return url ? <video className="field-video" controls src={url} preload="metadata" /> : null;
    }
    case 'markdown':
      return <RenderMarkdown source={String(value)} />;
    case 'conversation':
      return (
        <ol className="conversation">
          {(Array.isArray(value) ? value : []).map((turn, i) => (
            <li key={i}>
              <strong>{turnRole(turn)}</strong> <span className="pre">{turnText(turn)}</span>
            </li>
          ))}
        </ol>
      );
    case 'json':
      return <pre className="mono">{JSON.stringify(value, null, 2)}</pre>;
    default:
      return <div className="pre field-text">{String(value)}</div>;
  }
}

export function ShowItemFields({ fields, item, skip = [] }: { fields: readonly FieldSpec[]; item: Item; skip?: readonly string[] }) {
  const shown = fields.filter((f) => !skip.includes(f.name));
  if (!shown.length) return null;
  return (
    <div className="item-fields" data-testid="item-fields">
      {shown.map((f) => (
        <section key={f.name} className="item-field" data-field={f.name}>
          <h4>{f.title ?? f.name}</h4>
          <FieldValue field={f} item={item} />
        </section>
      ))}
    </div>
  );
}
