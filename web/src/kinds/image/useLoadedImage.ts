// Load an image element for the canvas; keeps the previous one until the next is ready.
import { useEffect, useState } from 'react';
import { cachedImage } from './imageCache';

export type LoadState = { status: 'idle' | 'loading' | 'error'; img: null } | { status: 'ready'; img: HTMLImageElement };

export function useLoadedImage(url: string | null): LoadState {
  const [state, setState] = useState<LoadState>(() => {
    const ready = cachedImage(url);
    return ready ? { status: 'ready', img: ready } : { status: 'idle', img: null };
  });
  useEffect(() => {
    if (!url) {
      setState({ status: 'idle', img: null });
      return;
    }
    // A preloaded image (the prefetched next task) is shown without a loading state.
    const ready = cachedImage(url);
    if (ready) {
      setState((s) => (s.img === ready ? s : { status: 'ready', img: ready }));
      return;
    }
    let live = true;
    const img = new window.Image();
    img.decoding = 'async';
    setState({ status: 'loading', img: null });
    img.onload = () => live && setState({ status: 'ready', img });
    img.onerror = () => live && setState({ status: 'error', img: null });
    img.src = url;
    return () => {
      live = false;
    };
  }, [url]);
  return state;
}
