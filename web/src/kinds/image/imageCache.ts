// A few images fetched and decoded ahead of use (the prefetched next task), by URL.

const MAX = 6;
const cache = new Map<string, HTMLImageElement>();

/** Start fetching and decoding `url`; a later `cachedImage(url)` returns it once loaded. */
export function preloadImage(url: string): void {
  if (cache.has(url)) return;
  const img = new window.Image();
  img.decoding = 'async';
  img.src = url;
  void img.decode?.().catch(() => cache.delete(url));
  cache.set(url, img);
  while (cache.size > MAX) cache.delete(cache.keys().next().value as string);
}

/** The preloaded image of `url` when it has fully loaded, else null. */
export function cachedImage(url: string | null): HTMLImageElement | null {
  if (!url) return null;
  const img = cache.get(url);
  return img && img.complete && img.naturalWidth > 0 ? img : null;
}
