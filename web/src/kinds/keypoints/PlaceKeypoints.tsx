// Keypoints: place each configured point of an instance in order (click = visible,
// Alt+click = occluded, X = skip), skeleton drawn between placed points; drag to adjust.
import Konva from 'konva';
import { memo, useCallback, useMemo, useState } from 'react';
import { Circle, Group, Layer, Line } from 'react-konva';
import { clamp, distance, type Point } from '../../domain/geometry';
import { ImageStage, viewProps, type StageContext } from '../image/ImageStage';
import { imageFieldOf } from '../image/media';
import { ListShapes, PickClass } from '../image/ShapePanel';
import { useShapeTool } from '../image/useShapeTool';
import { colorOf, nextId, touched, type ShapeBase } from '../shapes';
import type { QuestionSpec } from '../../api/types';
import type { ToolProps } from '../types';

export interface Keypoint {
  x: number;
  y: number;
  v: 0 | 1 | 2;
}

export interface Instance extends ShapeBase {
  points: (Keypoint | null)[];
}

export interface KeypointsValue {
  instances: Instance[];
}

const round = (v: number) => Math.round(v * 100) / 100;

export function pointNames(question: QuestionSpec): string[] {
  return Array.isArray(question.points) ? question.points.filter((p): p is string => typeof p === 'string') : [];
}

export function skeletonOf(question: QuestionSpec, names: readonly string[]): [number, number][] {
  if (!Array.isArray(question.skeleton)) return [];
  return question.skeleton
    .map((edge) => (Array.isArray(edge) ? ([names.indexOf(String(edge[0])), names.indexOf(String(edge[1]))] as [number, number]) : null))
    .filter((e): e is [number, number] => !!e && e[0] >= 0 && e[1] >= 0);
}

const Skeleton = memo(function Skeleton({ inst, edges, color, r, dash }: { inst: Instance; edges: [number, number][]; color: string; r: number; dash?: number[] }) {
  return (
    <Group listening={false}>
      {edges.map(([a, b], i) => {
        const p = inst.points[a];
        const q = inst.points[b];
        return p && q && p.v > 0 && q.v > 0 ? <Line key={i} points={[p.x, p.y, q.x, q.y]} stroke={color} strokeWidth={2} strokeScaleEnabled={false} dash={dash} perfectDrawEnabled={false} /> : null;
      })}
      {inst.points.map((p, i) =>
        p && p.v > 0 ? <Circle key={i} x={p.x} y={p.y} radius={r} fill={p.v === 1 ? '#ffffff' : color} stroke={color} strokeWidth={1} strokeScaleEnabled={false} perfectDrawEnabled={false} /> : null,
      )}
    </Group>
  );
});

export function PlaceKeypoints({ question, item, value, onChange, active, readOnly, onActivate }: ToolProps<KeypointsValue>) {
  const instances = value?.instances ?? [];
  const names = useMemo(() => pointNames(question), [question]);
  const edges = useMemo(() => skeletonOf(question, names), [question, names]);
  const setInstances = useCallback((next: Instance[], coalesce?: string) => onChange({ instances: next }, coalesce ? { coalesce } : undefined), [onChange]);
  const [placing, setPlacing] = useState<number | null>(null);

  const create = (): Instance => {
    const inst: Instance = { id: nextId('k', instances), label: tool.current ?? '', origin: 'human', points: names.map(() => null) };
    return inst;
  };

  const onKey = (e: KeyboardEvent): boolean => {
    if (readOnly) return false;
    if (e.key === 'n') {
      const inst = create();
      setInstances([...instances, inst]);
      tool.select(inst.id);
      setPlacing(0);
      return true;
    }
    if (e.key === 'x' && selected && placing !== null) {
      setPlacing(advance(selected.points, placing));
      return true;
    }
    if (e.key === 'Backspace' && selected && placing !== null) {
      const back = (placing - 1 + names.length) % names.length;
      setInstances(instances.map((s) => (s.id === selected.id ? touched({ ...s, points: s.points.map((p, i) => (i === back ? null : p)) }) : s)));
      setPlacing(back);
      return true;
    }
    if (e.key === 'Escape' && placing !== null) {
      setPlacing(null);
      return true;
    }
    return false;
  };
  const tool = useShapeTool<Instance>({ question, shapes: instances, setShapes: setInstances, active, readOnly, onKey });
  const selected = instances.find((s) => s.id === tool.selected) ?? null;

  /** Index of the next point to place after `i`, skipping placed ones; null when done. */
  const advance = (points: readonly (Keypoint | null)[], i: number): number | null => {
    for (let k = i + 1; k < points.length; k++) if (!points[k]) return k;
    return null;
  };

  const onPointer = (kind: string, p: Point, e: Konva.KonvaEventObject<MouseEvent>, ctx: StageContext) => {
    onActivate?.();
    if (kind !== 'down' || e.target.name() === 'keypoint') return;
    const kp: Keypoint = { x: round(clamp(p.x, 0, ctx.width)), y: round(clamp(p.y, 0, ctx.height)), v: e.evt.altKey ? 1 : 2 };
    if (!readOnly && selected && placing !== null) {
      const points = selected.points.map((q, i) => (i === placing ? kp : q));
      setInstances(instances.map((s) => (s.id === selected.id ? touched({ ...s, points }) : s)));
      setPlacing(advance(points, placing));
      return;
    }
    // Select the instance with a point near the click.
    const hit = instances.find((s) => !tool.hidden.has(s.id) && s.points.some((q) => q && q.v > 0 && distance(q, p) * ctx.scale < 10));
    if (hit) {
      tool.select(hit.id);
      setPlacing(advance(hit.points, -1));
      return;
    }
    if (readOnly || names.length === 0) return;
    const inst = create();
    inst.points[0] = kp;
    setInstances([...instances, inst]);
    tool.select(inst.id);
    setPlacing(advance(inst.points, 0));
  };

  const field = imageFieldOf(question, item);
  const nextName = placing !== null ? names[placing] : null;

  return (
    <div className="image-tool">
      <ImageStage item={item} field={field} active={active} onPointer={onPointer} testId={`stage-${question.name}`}>
        {(ctx) => {
          const r = 4 / ctx.scale;
          const dash = [6 / ctx.scale, 4 / ctx.scale];
          return (
            <>
              <Layer listening={false} {...viewProps(ctx.view)}>
                {instances.map((s) =>
                  s.id === tool.selected || tool.hidden.has(s.id) ? null : (
                    <Skeleton key={s.id} inst={s} edges={edges} color={colorOf(tool.classes, s.label)} r={r} dash={s.origin === 'prediction' ? dash : undefined} />
                  ),
                )}
              </Layer>
              <Layer {...viewProps(ctx.view)}>
                {selected && (
                  <>
                    <Skeleton inst={selected} edges={edges} color={colorOf(tool.classes, selected.label)} r={0} />
                    {selected.points.map((q, i) =>
                      q && q.v > 0 ? (
                        <Circle
                          key={i}
                          name="keypoint"
                          x={q.x}
                          y={q.y}
                          radius={r * 1.5}
                          fill={q.v === 1 ? '#fff' : colorOf(tool.classes, selected.label)}
                          stroke="#000"
                          strokeWidth={1}
                          strokeScaleEnabled={false}
                          draggable={!readOnly}
                          onDragEnd={(e) => {
                            const moved: Keypoint = { ...q, x: round(clamp(e.target.x(), 0, ctx.width)), y: round(clamp(e.target.y(), 0, ctx.height)) };
                            setInstances(instances.map((s) => (s.id === selected.id ? touched({ ...s, points: s.points.map((pp, j) => (j === i ? moved : pp)) }) : s)));
                          }}
                        />
                      ) : null,
                    )}
                  </>
                )}
              </Layer>
            </>
          );
        }}
      </ImageStage>
      <aside className="tool-side">
        <PickClass classes={tool.classes} current={tool.current} onPick={tool.pickClass} name={question.name} />
        {!readOnly && (
          <button
            type="button"
            data-testid={`new-instance-${question.name}`}
            onClick={() => {
              const inst = create();
              setInstances([...instances, inst]);
              tool.select(inst.id);
              setPlacing(0);
            }}
          >
            New instance (N)
          </button>
        )}
        {selected && (
          <ol className="keypoint-list" data-testid="keypoint-list">
            {names.map((n, i) => {
              const q = selected.points[i];
              return (
                <li key={n} className={i === placing ? 'on' : ''}>
                  <button type="button" className="link" onClick={() => setPlacing(i)} disabled={readOnly}>
                    {n}
                  </button>{' '}
                  <span className="muted small">{q ? (q.v === 1 ? 'occluded' : q.v === 0 ? 'not labeled' : 'visible') : '—'}</span>
                </li>
              );
            })}
          </ol>
        )}
        {nextName && (
          <div className="hint" data-testid="keypoint-next">
            Click to place <strong>{nextName}</strong> (Alt+click: occluded, X: skip)
          </div>
        )}
        <ListShapes
          shapes={instances}
          classes={tool.classes}
          selected={tool.selected}
          hidden={tool.hidden}
          detail={(s) => `${(s as Instance).points.filter(Boolean).length}/${names.length} pts`}
          onSelect={(id) => {
            tool.select(id);
            const inst = instances.find((s) => s.id === id);
            setPlacing(inst ? advance(inst.points, -1) : null);
          }}
          onToggleHidden={tool.toggleHidden}
          onDelete={tool.remove}
          readOnly={readOnly}
        />
      </aside>
    </div>
  );
}
