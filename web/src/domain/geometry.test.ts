import { describe, expect, it } from 'vitest';
import {
  boxFromPoints,
  boxIoU,
  clampBox,
  fitView,
  hitTestBox,
  imageToScreen,
  isSimplePolygon,
  moveBoxWithin,
  normalizeBox,
  pointInPolygon,
  pointInPolygonWithHoles,
  polygonArea,
  resizeBox,
  screenToImage,
  zoomAt,
} from './geometry';

describe('boxes', () => {
  it('normalizes boxes drawn from any corner', () => {
    expect(normalizeBox({ x: 10, y: 10, w: -4, h: -6 })).toEqual({ x: 6, y: 4, w: 4, h: 6 });
    expect(boxFromPoints({ x: 5, y: 9 }, { x: 1, y: 2 })).toEqual({ x: 1, y: 2, w: 4, h: 7 });
  });

  it('clamps to the image', () => {
    expect(clampBox({ x: -5, y: 90, w: 20, h: 20 }, 100, 100)).toEqual({ x: 0, y: 90, w: 15, h: 10 });
    expect(clampBox({ x: 200, y: 0, w: 5, h: 5 }, 100, 100).w).toBe(0);
  });

  it('moves within the image keeping the size', () => {
    expect(moveBoxWithin({ x: 90, y: 0, w: 20, h: 10 }, 50, -5, 100, 100)).toEqual({ x: 80, y: 0, w: 20, h: 10 });
  });

  it('hit-tests handles before the inside', () => {
    const b = { x: 10, y: 10, w: 100, h: 50 };
    expect(hitTestBox(b, { x: 11, y: 9 })).toBe('nw');
    expect(hitTestBox(b, { x: 110, y: 60 })).toBe('se');
    expect(hitTestBox(b, { x: 60, y: 10 })).toBe('n');
    expect(hitTestBox(b, { x: 60, y: 30 })).toBe('inside');
    expect(hitTestBox(b, { x: 200, y: 30 })).toBeNull();
  });

  it('resizes by handle and flips past the opposite edge', () => {
    const b = { x: 0, y: 0, w: 10, h: 10 };
    expect(resizeBox(b, 'se', 5, 5)).toEqual({ x: 0, y: 0, w: 15, h: 15 });
    expect(resizeBox(b, 'w', 3, 100)).toEqual({ x: 3, y: 0, w: 7, h: 10 });
    expect(resizeBox(b, 'e', -15, 0)).toEqual({ x: -5, y: 0, w: 5, h: 10 });
    expect(resizeBox(b, 'n', 0, 10, 2)).toEqual({ x: 0, y: 10, w: 10, h: 2 });
  });

  it('computes IoU', () => {
    expect(boxIoU({ x: 0, y: 0, w: 2, h: 2 }, { x: 1, y: 0, w: 2, h: 2 })).toBeCloseTo(1 / 3);
    expect(boxIoU({ x: 0, y: 0, w: 1, h: 1 }, { x: 5, y: 5, w: 1, h: 1 })).toBe(0);
  });
});

describe('polygons', () => {
  const square: [number, number][] = [[0, 0], [10, 0], [10, 10], [0, 10]];
  const bowtie: [number, number][] = [[0, 0], [10, 10], [10, 0], [0, 10]];

  it('computes area regardless of winding', () => {
    expect(polygonArea(square)).toBe(100);
    expect(polygonArea([...square].reverse())).toBe(100);
    expect(polygonArea([[0, 0], [4, 0], [0, 3]])).toBe(6);
  });

  it('tests points inside, outside and on the edge', () => {
    expect(pointInPolygon({ x: 5, y: 5 }, square)).toBe(true);
    expect(pointInPolygon({ x: 15, y: 5 }, square)).toBe(false);
    expect(pointInPolygon({ x: 10, y: 5 }, square)).toBe(true);
    const hole: [number, number][] = [[4, 4], [6, 4], [6, 6], [4, 6]];
    expect(pointInPolygonWithHoles({ x: 5, y: 5 }, square, [hole])).toBe(false);
    expect(pointInPolygonWithHoles({ x: 2, y: 2 }, square, [hole])).toBe(true);
  });

  it('detects simple polygons', () => {
    expect(isSimplePolygon(square)).toBe(true);
    expect(isSimplePolygon(bowtie)).toBe(false);
    expect(isSimplePolygon([[0, 0], [1, 1]])).toBe(false);
    expect(isSimplePolygon([[0, 0], [5, 0], [10, 0]])).toBe(false); // collinear, zero area
    expect(isSimplePolygon([[0, 0], [10, 0], [10, 10], [10, 0], [0, 10]])).toBe(false); // repeated vertex
    // A concave "C" shape is simple.
    expect(isSimplePolygon([[0, 0], [10, 0], [10, 2], [2, 2], [2, 8], [10, 8], [10, 10], [0, 10]])).toBe(true);
  });
});

describe('view transform', () => {
  it('round-trips screen and image coordinates', () => {
    const v = { scale: 2.5, x: 30, y: -12 };
    const p = { x: 17, y: 41 };
    const back = screenToImage(v, imageToScreen(v, p));
    expect(back.x).toBeCloseTo(17);
    expect(back.y).toBeCloseTo(41);
  });

  it('keeps the anchor fixed when zooming', () => {
    const v = { scale: 1, x: 0, y: 0 };
    const anchor = { x: 100, y: 50 };
    const before = screenToImage(v, anchor);
    const z = zoomAt(v, 2, anchor);
    expect(z.scale).toBe(2);
    const after = screenToImage(z, anchor);
    expect(after.x).toBeCloseTo(before.x);
    expect(after.y).toBeCloseTo(before.y);
    expect(zoomAt(v, 1e9, anchor).scale).toBe(64);
  });

  it('fits a huge image into the viewport, centred', () => {
    const v = fitView(10000, 10000, 800, 600, 0);
    expect(v.scale).toBeCloseTo(0.06);
    expect(v.y).toBeCloseTo(0);
    expect(v.x).toBeCloseTo(100);
  });
});
