// Where an item's image comes from, and which copy to load (a preview for huge originals).
import type { Item, MediaInfo } from '../../api/types';

/** The parts of an item that say where its media are. */
export type ItemMedia = Pick<Item, 'data' | 'media' | 'media_urls'>;

export const PREVIEW_ABOVE = 4096;

export interface ImageSource {
  url: string | null;
  /** Original size when the server probed it; null until the image loads. */
  width: number | null;
  height: number | null;
  isPreview: boolean;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null;
}

export function mediaInfo(item: ItemMedia, field: string | null | undefined): Partial<MediaInfo> {
  if (!field) return {};
  const fromMedia = item.media?.[field];
  const raw = item.data[field];
  const url =
    item.media_urls?.[field] ??
    fromMedia?.url ??
    (typeof raw === 'string' ? raw : typeof (raw as { url?: unknown })?.url === 'string' ? (raw as { url: string }).url : undefined);
  return {
    ...fromMedia,
    url,
    preview_url: item.media_urls?.[`${field}.preview`] ?? fromMedia?.preview_url,
    width: num(fromMedia?.width),
    height: num(fromMedia?.height),
  } as Partial<MediaInfo>;
}

/** Only http(s), same-origin paths and blob/data images may be loaded. */
export function safeMediaUrl(url: unknown): string | null {
  if (typeof url !== 'string') return null;
  const u = url.trim();
  if (/^https?:\/\//i.test(u) || /^\/(?!\/)/.test(u) || /^blob:/.test(u) || /^data:image\//.test(u)) return u;
  return null;
}

export function imageSource(item: ItemMedia, field: string | null | undefined): ImageSource {
  const m = mediaInfo(item, field);
  const width = num(m.width);
  const height = num(m.height);
  const huge = (width ?? 0) > PREVIEW_ABOVE || (height ?? 0) > PREVIEW_ABOVE;
  const preview = safeMediaUrl(m.preview_url);
  if (huge && preview) return { url: preview, width, height, isPreview: true };
  return { url: safeMediaUrl(m.url), width, height, isPreview: false };
}

/** The first image field a question points at, or the first image field of the schema. */
export function imageFieldOf(question: { field?: string | null }, item: ItemMedia): string | null {
  if (question.field) return question.field;
  const m = item.media_urls ? Object.keys(item.media_urls)[0] : item.media ? Object.keys(item.media)[0] : undefined;
  return m ?? null;
}
