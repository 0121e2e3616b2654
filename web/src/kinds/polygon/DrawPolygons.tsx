// Polygons: click to add vertices, close on the first vertex or Enter; drag, insert (edge
// midpoints) and Alt-click-remove vertices of the selected polygon; holes when the schema allows.
import Konva from 'konva';
import { memo, useCallback, useRef, useState } from 'react';
import { Circle, Layer, Line } from 'react-konva';
import { clamp, distance, isSimplePolygon, pointInPolygon, pointInPolygonWithHoles, polygonArea, type Point } from '../../domain/geometry';
import { ImageStage, viewProps, type StageContext } from '../image/ImageStage';
import { imageFieldOf } from '../image/media';
import { ListShapes, PickClass } from '../image/ShapePanel';
import { useShapeTool } from '../image/useShapeTool';
import { colorOf, nextId, touched, type ShapeBase } from '../shapes';
import type { ToolProps } from '../types';

export type XY = [number, number];

export interface PolygonShape extends ShapeBase {
  points: XY[];
  holes?: XY[][];
}

export interface PolygonValue {
  polygons: PolygonShape[];
}

const flat = (ring: readonly XY[]) => ring.flat();
const round = (v: number) => Math.round(v * 100) / 100;

const StaticPolygon = memo(function StaticPolygon({ shape, color, dash }: { shape: PolygonShape; color: string; dash?: number[] }) {
  return (
    <>
      <Line points={flat(shape.points)} closed stroke={color} strokeWidth={2} strokeScaleEnabled={false} dash={dash} fill={`${color}2a`} listening={false} perfectDrawEnabled={false} />
      {(shape.holes ?? []).map((h, i) => (
        <Line key={i} points={flat(h)} closed stroke={color} strokeWidth={1} strokeScaleEnabled={false} dash={[4, 3]} listening={false} perfectDrawEnabled={false} />
      ))}
    </>
  );
});

/** The smallest visible polygon containing the point. */
export function polygonAt(polys: readonly PolygonShape[], p: Point, hidden: ReadonlySet<string>): PolygonShape | null {
  let best: PolygonShape | null = null;
  let bestArea = Infinity;
  for (const s of polys) {
    if (hidden.has(s.id) || !pointInPolygonWithHoles(p, s.points, s.holes ?? [])) continue;
    const a = polygonArea(s.points);
    if (a < bestArea) {
      best = s;
      bestArea = a;
    }
  }
  return best;
}

export function DrawPolygons({ question, item, value, onChange, active, readOnly, onActivate }: ToolProps<PolygonValue>) {
  const polygons = value?.polygons ?? [];
  const minPoints = typeof question.min_points === 'number' ? question.min_points : 3;
  const allowHoles = question.allow_holes === true;
  const setPolys = useCallback((next: PolygonShape[], coalesce?: string) => onChange({ polygons: next }, coalesce ? { coalesce } : undefined), [onChange]);
  const [drawing, setDrawing] = useState<{ points: XY[]; holeOf: string | null } | null>(null);
  const [hover, setHover] = useState<Point | null>(null);
  const [warning, setWarning] = useState<string | null>(null);
  const ctxRef = useRef<StageContext | null>(null);

  const close = (): void => {
    if (!drawing) return;
    if (drawing.points.length < (drawing.holeOf ? 3 : minPoints)) {
      setWarning(`A polygon needs at least ${drawing.holeOf ? 3 : minPoints} points`);
      return;
    }
    if (!isSimplePolygon(drawing.points)) {
      setWarning('The outline crosses itself: move or remove a point');
      return;
    }
    if (drawing.holeOf) {
      const owner = polygons.find((s) => s.id === drawing.holeOf);
      if (!owner || !drawing.points.every(([x, y]) => pointInPolygon({ x, y }, owner.points))) {
        setWarning('A hole must lie inside its polygon');
        return;
      }
      setPolys(polygons.map((s) => (s.id === owner.id ? touched({ ...s, holes: [...(s.holes ?? []), drawing.points] }) : s)));
    } else {
      const id = nextId('p', polygons);
      setPolys([...polygons, { id, label: tool.current ?? '', origin: 'human', points: drawing.points, holes: [] }]);
      tool.select(id);
    }
    setDrawing(null);
    setWarning(null);
  };

  const onKey = (e: KeyboardEvent): boolean => {
    if (drawing) {
      if (e.key === 'Enter') close();
      else if (e.key === 'Escape') {
        setDrawing(null);
        setWarning(null);
      } else if (e.key === 'Backspace') setDrawing({ ...drawing, points: drawing.points.slice(0, -1) });
      else return false;
      return true;
    }
    if (e.key === 'o' && allowHoles && tool.selected && !readOnly) {
      setDrawing({ points: [], holeOf: tool.selected });
      setWarning('Drawing a hole: click its points, Enter to close');
      return true;
    }
    return false;
  };
  const tool = useShapeTool<PolygonShape>({ question, shapes: polygons, setShapes: setPolys, active, readOnly, onKey });
  const selected = polygons.find((s) => s.id === tool.selected) ?? null;

  const onPointer = (kind: string, p: Point, e: Konva.KonvaEventObject<MouseEvent>, ctx: StageContext) => {
    onActivate?.();
    const pt: XY = [round(clamp(p.x, 0, ctx.width)), round(clamp(p.y, 0, ctx.height))];
    if (kind === 'move') {
      if (drawing) setHover(p);
      return;
    }
    if (kind !== 'down' || e.target.name() === 'vertex' || e.target.name() === 'midpoint') return;
    if (drawing) {
      const first = drawing.points[0];
      const nearFirst = first && distance({ x: first[0], y: first[1] }, p) * ctx.scale < 8;
      if (nearFirst && drawing.points.length >= 3) close();
      else setDrawing({ ...drawing, points: [...drawing.points, pt] });
      return;
    }
    const hit = polygonAt(polygons, p, tool.hidden);
    if (hit) {
      tool.select(hit.id);
      return;
    }
    if (tool.selected) {
      tool.select(null);
      return;
    }
    if (!readOnly) setDrawing({ points: [pt], holeOf: null });
  };

  /** Update one vertex of the selected polygon: ring -1 is the outline, >= 0 a hole. */
  const editRing = (ring: number, mutate: (pts: XY[]) => XY[] | null) => {
    if (!selected) return;
    const rings = [selected.points, ...(selected.holes ?? [])];
    const next = mutate(rings[ring + 1]!.slice());
    if (!next) return;
    const [outline, ...holes] = rings.map((r, i) => (i === ring + 1 ? next : r));
    setPolys(polygons.map((s) => (s.id === selected.id ? touched({ ...s, points: outline!, holes }) : s)));
  };

  const field = imageFieldOf(question, item);

  const renderSelected = (ctx: StageContext) => {
    if (!selected) return null;
    const color = colorOf(tool.classes, selected.label);
    const r = 5 / ctx.scale;
    const rings = [selected.points, ...(selected.holes ?? [])];
    return (
      <>
        <StaticPolygon shape={selected} color={color} />
        {rings.map((ring, ri) =>
          ring.map((pt, vi) => {
            const next = ring[(vi + 1) % ring.length]!;
            return (
              <Circle
                key={`m${ri}-${vi}`}
                name="midpoint"
                x={(pt[0] + next[0]) / 2}
                y={(pt[1] + next[1]) / 2}
                radius={r * 0.7}
                fill="#ffffff88"
                stroke={color}
                strokeWidth={1}
                strokeScaleEnabled={false}
                visible={!readOnly}
                onMouseDown={(e) => {
                  e.cancelBubble = true;
                  editRing(ri - 1, (pts) => [...pts.slice(0, vi + 1), [round((pt[0] + next[0]) / 2), round((pt[1] + next[1]) / 2)], ...pts.slice(vi + 1)]);
                }}
              />
            );
          }),
        )}
        {rings.map((ring, ri) =>
          ring.map((pt, vi) => (
            <Circle
              key={`v${ri}-${vi}`}
              name="vertex"
              x={pt[0]}
              y={pt[1]}
              radius={r}
              fill="#fff"
              stroke={color}
              strokeWidth={2}
              strokeScaleEnabled={false}
              draggable={!readOnly}
              onMouseDown={(e) => {
                if (!e.evt.altKey || readOnly) return;
                e.cancelBubble = true;
                editRing(ri - 1, (pts) => (pts.length > (ri === 0 ? minPoints : 3) ? pts.filter((_, i) => i !== vi) : null));
              }}
              onDragEnd={(e) => {
                const x = round(clamp(e.target.x(), 0, ctx.width));
                const y = round(clamp(e.target.y(), 0, ctx.height));
                editRing(ri - 1, (pts) => {
                  const moved = pts.map((q, i) => (i === vi ? ([x, y] as XY) : q));
                  if (isSimplePolygon(moved)) return moved;
                  e.target.position({ x: pt[0], y: pt[1] });
                  setWarning('That move would make the outline cross itself');
                  return null;
                });
              }}
            />
          )),
        )}
      </>
    );
  };

  return (
    <div className="image-tool">
      <ImageStage
        item={item}
        field={field}
        active={active}
        onPointer={onPointer}
        testId={`stage-${question.name}`}
        overlay={warning ? <div className="stage-warning" role="status">{warning}</div> : null}
      >
        {(ctx) => {
          ctxRef.current = ctx;
          const dash = [6 / ctx.scale, 4 / ctx.scale];
          return (
            <>
              <Layer listening={false} {...viewProps(ctx.view)}>
                {polygons.map((s) =>
                  s.id === tool.selected || tool.hidden.has(s.id) ? null : (
                    <StaticPolygon key={s.id} shape={s} color={colorOf(tool.classes, s.label)} dash={s.origin === 'prediction' ? dash : undefined} />
                  ),
                )}
                {drawing && (
                  <>
                    <Line points={[...flat(drawing.points), ...(hover ? [hover.x, hover.y] : [])]} stroke="#fff" strokeWidth={2} strokeScaleEnabled={false} dash={dash} />
                    {drawing.points.map((pt, i) => (
                      <Circle key={i} x={pt[0]} y={pt[1]} radius={(i === 0 ? 6 : 3) / ctx.scale} fill={i === 0 ? '#ffcc00' : '#fff'} />
                    ))}
                  </>
                )}
              </Layer>
              <Layer {...viewProps(ctx.view)}>{renderSelected(ctx)}</Layer>
            </>
          );
        }}
      </ImageStage>
      <aside className="tool-side">
        <PickClass classes={tool.classes} current={tool.current} onPick={tool.pickClass} name={question.name} />
        {drawing && (
          <div className="hint" data-testid="polygon-drawing">
            {drawing.points.length} point{drawing.points.length === 1 ? '' : 's'} — click the first point or press Enter to close, Esc to cancel
          </div>
        )}
        {selected && allowHoles && !drawing && !readOnly && (
          <button type="button" onClick={() => setDrawing({ points: [], holeOf: selected.id })}>
            Add hole (O)
          </button>
        )}
        <ListShapes
          shapes={polygons}
          classes={tool.classes}
          selected={tool.selected}
          hidden={tool.hidden}
          detail={(s) => {
            const p = s as PolygonShape;
            return `${p.points.length} pts${p.holes?.length ? `, ${p.holes.length} hole(s)` : ''}`;
          }}
          onSelect={tool.select}
          onToggleHidden={tool.toggleHidden}
          onDelete={tool.remove}
          readOnly={readOnly}
        />
      </aside>
    </div>
  );
}
