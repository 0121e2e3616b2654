// Pure 2-D geometry for the image tools: boxes, polygons and the screen<->image view transform.

export interface Point {
  x: number;
  y: number;
}

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export type Handle = 'nw' | 'n' | 'ne' | 'e' | 'se' | 's' | 'sw' | 'w';
export const HANDLES: readonly Handle[] = ['nw', 'n', 'ne', 'e', 'se', 's', 'sw', 'w'];

/** A box with non-negative width and height, whatever corner it was drawn from. */
export function normalizeBox(b: Rect): Rect {
  const x = b.w < 0 ? b.x + b.w : b.x;
  const y = b.h < 0 ? b.y + b.h : b.y;
  return { x, y, w: Math.abs(b.w), h: Math.abs(b.h) };
}

export function boxFromPoints(a: Point, b: Point): Rect {
  return normalizeBox({ x: a.x, y: a.y, w: b.x - a.x, h: b.y - a.y });
}

export function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/** Clip a box to the image [0,width]x[0,height]; the result may be empty (w or h 0). */
export function clampBox(b: Rect, width: number, height: number): Rect {
  const n = normalizeBox(b);
  const x1 = clamp(n.x, 0, width);
  const y1 = clamp(n.y, 0, height);
  const x2 = clamp(n.x + n.w, 0, width);
  const y2 = clamp(n.y + n.h, 0, height);
  return { x: x1, y: y1, w: x2 - x1, h: y2 - y1 };
}

/** Move a box by (dx, dy) without letting it leave the image; its size is kept. */
export function moveBoxWithin(b: Rect, dx: number, dy: number, width: number, height: number): Rect {
  const x = clamp(b.x + dx, 0, Math.max(0, width - b.w));
  const y = clamp(b.y + dy, 0, Math.max(0, height - b.h));
  return { x, y, w: b.w, h: b.h };
}

export function handlePoint(b: Rect, h: Handle): Point {
  const cx = b.x + b.w / 2;
  const cy = b.y + b.h / 2;
  const x = h.includes('w') ? b.x : h.includes('e') ? b.x + b.w : cx;
  const y = h.startsWith('n') ? b.y : h.startsWith('s') ? b.y + b.h : cy;
  return { x, y };
}

/** Which part of a box is under a point: a resize handle, the inside, or nothing. */
export function hitTestBox(b: Rect, p: Point, tolerance = 4): Handle | 'inside' | null {
  for (const h of HANDLES) {
    const hp = handlePoint(b, h);
    if (Math.abs(hp.x - p.x) <= tolerance && Math.abs(hp.y - p.y) <= tolerance) return h;
  }
  if (p.x >= b.x && p.x <= b.x + b.w && p.y >= b.y && p.y <= b.y + b.h) return 'inside';
  return null;
}

/**
 * Drag a handle by (dx, dy). Dragging past the opposite edge flips the box instead of producing a
 * negative size; the result is normalized and at least minSize wide and high.
 */
export function resizeBox(b: Rect, handle: Handle, dx: number, dy: number, minSize = 1): Rect {
  let x1 = b.x;
  let y1 = b.y;
  let x2 = b.x + b.w;
  let y2 = b.y + b.h;
  if (handle.includes('w')) x1 += dx;
  if (handle.includes('e')) x2 += dx;
  if (handle.startsWith('n')) y1 += dy;
  if (handle.startsWith('s')) y2 += dy;
  const n = normalizeBox({ x: x1, y: y1, w: x2 - x1, h: y2 - y1 });
  return { x: n.x, y: n.y, w: Math.max(n.w, minSize), h: Math.max(n.h, minSize) };
}

export function boxContains(outer: Rect, p: Point): boolean {
  return p.x >= outer.x && p.x <= outer.x + outer.w && p.y >= outer.y && p.y <= outer.y + outer.h;
}

export function boxIoU(a: Rect, b: Rect): number {
  const ix = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  const inter = ix * iy;
  const union = a.w * a.h + b.w * b.h - inter;
  return union > 0 ? inter / union : 0;
}

// ---- polygons -------------------------------------------------------------------------------

export type Ring = ReadonlyArray<readonly [number, number]>;

/** Shoelace area (always >= 0). */
export function polygonArea(ring: Ring): number {
  let twice = 0;
  for (let i = 0; i < ring.length; i++) {
    const [x1, y1] = ring[i]!;
    const [x2, y2] = ring[(i + 1) % ring.length]!;
    twice += x1 * y2 - x2 * y1;
  }
  return Math.abs(twice) / 2;
}

/** Even-odd ray casting; points exactly on an edge count as inside. */
export function pointInPolygon(p: Point, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (onSegment(p, xi, yi, xj, yj)) return true;
    if (yi > p.y !== yj > p.y && p.x < ((xj - xi) * (p.y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Inside the outer ring and outside every hole. */
export function pointInPolygonWithHoles(p: Point, outer: Ring, holes: readonly Ring[] = []): boolean {
  return pointInPolygon(p, outer) && !holes.some((h) => pointInPolygon(p, h) && !onRing(p, h));
}

function onRing(p: Point, ring: Ring): boolean {
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    if (onSegment(p, ring[i]![0], ring[i]![1], ring[j]![0], ring[j]![1])) return true;
  }
  return false;
}

function cross(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

function onSegment(p: Point, x1: number, y1: number, x2: number, y2: number): boolean {
  if (Math.abs(cross(x1, y1, x2, y2, p.x, p.y)) > 1e-9) return false;
  return p.x >= Math.min(x1, x2) && p.x <= Math.max(x1, x2) && p.y >= Math.min(y1, y2) && p.y <= Math.max(y1, y2);
}

export function segmentsIntersect(
  a: readonly [number, number],
  b: readonly [number, number],
  c: readonly [number, number],
  d: readonly [number, number],
): boolean {
  const d1 = cross(c[0], c[1], d[0], d[1], a[0], a[1]);
  const d2 = cross(c[0], c[1], d[0], d[1], b[0], b[1]);
  const d3 = cross(a[0], a[1], b[0], b[1], c[0], c[1]);
  const d4 = cross(a[0], a[1], b[0], b[1], d[0], d[1]);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
  const on = (p: readonly [number, number], s: readonly [number, number], e: readonly [number, number]) =>
    onSegment({ x: p[0], y: p[1] }, s[0], s[1], e[0], e[1]);
  return (d1 === 0 && on(a, c, d)) || (d2 === 0 && on(b, c, d)) || (d3 === 0 && on(c, a, b)) || (d4 === 0 && on(d, a, b));
}

/** A closed ring of >= 3 distinct vertices whose non-adjacent edges never touch, with area > 0. */
export function isSimplePolygon(ring: Ring): boolean {
  const n = ring.length;
  if (n < 3 || polygonArea(ring) === 0) return false;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (ring[i]![0] === ring[j]![0] && ring[i]![1] === ring[j]![1]) return false;
    }
  }
  for (let i = 0; i < n; i++) {
    const a = ring[i]!;
    const b = ring[(i + 1) % n]!;
    for (let j = i + 1; j < n; j++) {
      const adjacent = j === i + 1 || (i === 0 && j === n - 1);
      if (adjacent) continue;
      if (segmentsIntersect(a, b, ring[j]!, ring[(j + 1) % n]!)) return false;
    }
  }
  return true;
}

export function ringBounds(ring: Ring): Rect {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const [x, y] of ring) {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  }
  return ring.length ? { x: minX, y: minY, w: maxX - minX, h: maxY - minY } : { x: 0, y: 0, w: 0, h: 0 };
}

export function distance(a: Point, b: Point): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

// ---- view transform (zoom and pan) ----------------------------------------------------------

/** screen = image * scale + offset */
export interface View {
  scale: number;
  x: number;
  y: number;
}

export const MIN_SCALE = 0.01;
export const MAX_SCALE = 64;

export function screenToImage(v: View, p: Point): Point {
  return { x: (p.x - v.x) / v.scale, y: (p.y - v.y) / v.scale };
}

export function imageToScreen(v: View, p: Point): Point {
  return { x: p.x * v.scale + v.x, y: p.y * v.scale + v.y };
}

/** Zoom by factor keeping the image point under `anchor` (screen coordinates) fixed. */
export function zoomAt(v: View, factor: number, anchor: Point, min = MIN_SCALE, max = MAX_SCALE): View {
  const scale = clamp(v.scale * factor, min, max);
  const img = screenToImage(v, anchor);
  return { scale, x: anchor.x - img.x * scale, y: anchor.y - img.y * scale };
}

export function panBy(v: View, dx: number, dy: number): View {
  return { scale: v.scale, x: v.x + dx, y: v.y + dy };
}

/** The view that shows the whole image centred in the viewport with some padding. */
export function fitView(imgW: number, imgH: number, viewW: number, viewH: number, padding = 16): View {
  if (imgW <= 0 || imgH <= 0 || viewW <= 0 || viewH <= 0) return { scale: 1, x: 0, y: 0 };
  const scale = clamp(Math.min((viewW - 2 * padding) / imgW, (viewH - 2 * padding) / imgH), MIN_SCALE, MAX_SCALE);
  return { scale, x: (viewW - imgW * scale) / 2, y: (viewH - imgH * scale) / 2 };
}

/** Wheel delta (pixels) to a zoom factor; smooth for trackpads, one notch ~ 10%. */
export function wheelZoomFactor(deltaY: number): number {
  return Math.exp(-clamp(deltaY, -100, 100) / 1000);
}
