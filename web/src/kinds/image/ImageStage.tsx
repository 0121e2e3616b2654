// The zoomable, pannable image canvas every image tool draws on. Shapes live in original-image
// pixels; a preview of a huge image is stretched to the original size so coordinates never change.
import Konva from 'konva';
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { Image as KImage, Layer, Stage } from 'react-konva';
import type { Item } from '../../api/types';
import { fitView, panBy, screenToImage, wheelZoomFactor, zoomAt, type Point, type View } from '../../domain/geometry';
import { isTypingTarget } from '../../domain/keymap';
import { imageSource } from './media';
import { useLoadedImage } from './useLoadedImage';

Konva.pixelRatio = Math.min(typeof window === 'undefined' ? 1 : window.devicePixelRatio || 1, 2);

export interface StageContext {
  view: View;
  width: number;
  height: number;
  /** Screen pixels per image pixel; divide handle sizes by it. */
  scale: number;
}

export type PointerKind = 'down' | 'move' | 'up' | 'dblclick';

export interface ImageStageProps {
  item: Item;
  field: string | null;
  active: boolean;
  cursor?: string;
  onPointer?(kind: PointerKind, p: Point, e: Konva.KonvaEventObject<MouseEvent>, ctx: StageContext): void;
  children(ctx: StageContext): ReactNode;
  overlay?: ReactNode;
  testId?: string;
}

export function ImageStage({ item, field, active, cursor = 'crosshair', onPointer, children, overlay, testId }: ImageStageProps) {
  const box = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ w: 800, h: 520 });
  const src = imageSource(item, field);
  const loaded = useLoadedImage(src.url);
  const width = src.width ?? (loaded.status === 'ready' ? loaded.img.naturalWidth : 0);
  const height = src.height ?? (loaded.status === 'ready' ? loaded.img.naturalHeight : 0);
  const [view, setView] = useState<View>({ scale: 1, x: 0, y: 0 });
  const pan = useRef<{ last: Point } | null>(null);
  const space = useRef(false);

  useLayoutEffect(() => {
    const el = box.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(([entry]) => {
      if (!entry) return;
      const w = Math.max(200, Math.floor(entry.contentRect.width));
      const h = Math.max(200, Math.floor(entry.contentRect.height));
      setSize((s) => (s.w === w && s.h === h ? s : { w, h }));
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const fit = useCallback(() => setView(fitView(width, height, size.w, size.h)), [width, height, size.w, size.h]);
  // Fit when a new image arrives or the viewport changes size.
  useEffect(() => {
    if (width && height) fit();
  }, [src.url, width, height, size.w, size.h]);

  const ctx: StageContext = { view, width, height, scale: view.scale };

  useEffect(() => {
    if (!active) return;
    const down = (e: KeyboardEvent) => {
      if (isTypingTarget(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      const centre = { x: size.w / 2, y: size.h / 2 };
      if (e.key === ' ') {
        space.current = true;
        e.preventDefault();
      } else if (e.key === 'f' || e.key === 'F') {
        fit();
        e.preventDefault();
      } else if (e.key === '+' || e.key === '=') {
        setView((v) => zoomAt(v, 1.25, centre));
        e.preventDefault();
      } else if (e.key === '-' || e.key === '_') {
        setView((v) => zoomAt(v, 0.8, centre));
        e.preventDefault();
      }
    };
    const up = (e: KeyboardEvent) => {
      if (e.key === ' ') space.current = false;
    };
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
    };
  }, [active, fit, size.w, size.h]);

  const pointer = (e: Konva.KonvaEventObject<MouseEvent>): Point | null => {
    const p = e.target.getStage()?.getPointerPosition();
    return p ? { x: p.x, y: p.y } : null;
  };

  const handle = (kind: PointerKind) => (e: Konva.KonvaEventObject<MouseEvent>) => {
    const p = pointer(e);
    if (!p) return;
    if (kind === 'down' && (space.current || e.evt.button === 1)) {
      pan.current = { last: p };
      e.evt.preventDefault();
      return;
    }
    if (pan.current) {
      if (kind === 'move') {
        const last = pan.current.last;
        pan.current.last = p;
        setView((v) => panBy(v, p.x - last.x, p.y - last.y));
      } else if (kind === 'up') pan.current = null;
      return;
    }
    if (kind === 'down' && e.evt.button !== 0) return;
    onPointer?.(kind, screenToImage(view, p), e, ctx);
  };

  const onWheel = (e: Konva.KonvaEventObject<WheelEvent>) => {
    e.evt.preventDefault();
    const p = e.target.getStage()?.getPointerPosition();
    if (!p) return;
    if (e.evt.ctrlKey || Math.abs(e.evt.deltaY) >= Math.abs(e.evt.deltaX)) setView((v) => zoomAt(v, wheelZoomFactor(e.evt.deltaY), p));
    else setView((v) => panBy(v, -e.evt.deltaX, 0));
  };

  return (
    <div className="stage-wrap" ref={box} data-testid={testId ?? 'image-stage'} style={{ cursor: space.current ? 'grab' : cursor }}>
      <Stage
        width={size.w}
        height={size.h}
        onMouseDown={handle('down')}
        onMouseMove={handle('move')}
        onMouseUp={handle('up')}
        onDblClick={handle('dblclick')}
        onWheel={onWheel}
        onContextMenu={(e) => e.evt.preventDefault()}
      >
        <Layer listening={false} x={view.x} y={view.y} scaleX={view.scale} scaleY={view.scale}>
          {loaded.status === 'ready' && <KImage image={loaded.img} x={0} y={0} width={width} height={height} perfectDrawEnabled={false} />}
        </Layer>
        {width > 0 && children(ctx)}
      </Stage>
      <div className="stage-hud">
        <span data-testid="zoom-level">{Math.round(view.scale * 100)}%</span>
        {src.isPreview && <span title="The original is large: a downscaled preview is shown; coordinates are in original pixels.">preview</span>}
        {loaded.status === 'loading' && <span>loading…</span>}
        {loaded.status === 'error' && <span className="bad">image failed to load</span>}
        <button type="button" className="link" onClick={fit} title="Fit (F)">
          fit
        </button>
      </div>
      {overlay}
    </div>
  );
}

/** Props that put a Layer (or Group) in image coordinates. */
export function viewProps(v: View): { x: number; y: number; scaleX: number; scaleY: number } {
  return { x: v.x, y: v.y, scaleX: v.scale, scaleY: v.scale };
}
