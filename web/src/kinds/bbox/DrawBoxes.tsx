// Bounding boxes: drag to draw, click to select, move and resize the selected box with handles.
// Unselected boxes sit on one non-listening layer; hit-testing is done here, so thousands stay smooth.
import Konva from 'konva';
import { memo, useCallback, useEffect, useRef, useState } from 'react';
import { Layer, Rect, Transformer } from 'react-konva';
import { boxFromPoints, clampBox, distance, moveBoxWithin, type Point } from '../../domain/geometry';
import { ImageStage, viewProps, type StageContext } from '../image/ImageStage';
import { imageFieldOf } from '../image/media';
import { ListShapes, PickClass } from '../image/ShapePanel';
import { useShapeTool } from '../image/useShapeTool';
import { colorOf, nextId, touched, type ShapeBase } from '../shapes';
import type { ToolProps } from '../types';

export interface Box extends ShapeBase {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface BboxValue {
  boxes: Box[];
}

const round = (v: number) => Math.round(v * 100) / 100;

const StaticBox = memo(function StaticBox({ box, color, dash }: { box: Box; color: string; dash: number[] | undefined }) {
  return (
    <Rect
      x={box.x}
      y={box.y}
      width={box.w}
      height={box.h}
      stroke={color}
      strokeWidth={2}
      strokeScaleEnabled={false}
      dash={dash}
      fill={`${color}22`}
      listening={false}
      perfectDrawEnabled={false}
      shadowForStrokeEnabled={false}
    />
  );
});

/** The smallest visible box containing the point (inner boxes win over the ones around them). */
export function boxAt(boxes: readonly Box[], p: Point, hidden: ReadonlySet<string>): Box | null {
  let best: Box | null = null;
  for (const b of boxes) {
    if (hidden.has(b.id) || p.x < b.x || p.y < b.y || p.x > b.x + b.w || p.y > b.y + b.h) continue;
    if (!best || b.w * b.h < best.w * best.h) best = b;
  }
  return best;
}

export function DrawBoxes({ question, item, value, onChange, active, readOnly, onActivate }: ToolProps<BboxValue>) {
  const boxes = value?.boxes ?? [];
  const minSize = typeof question.min_size === 'number' ? question.min_size : 1;
  const ctxRef = useRef<StageContext | null>(null);
  const setBoxes = useCallback((next: Box[], coalesce?: string) => onChange({ boxes: next }, coalesce ? { coalesce } : undefined), [onChange]);
  const [press, setPress] = useState<{ start: Point; screen: Point; now: Point; drawing: boolean } | null>(null);

  const nudge = (e: KeyboardEvent): boolean => {
    const arrows: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    const d = arrows[e.key];
    const ctx = ctxRef.current;
    if (!d || !tool.selected || readOnly || !ctx || e.ctrlKey || e.metaKey || e.altKey) return false;
    const step = e.shiftKey ? 10 : 1;
    setBoxes(
      boxes.map((b) => (b.id === tool.selected ? touched({ ...b, ...moveBoxWithin(b, d[0] * step, d[1] * step, ctx.width, ctx.height) }) : b)),
      `nudge:${tool.selected}`,
    );
    return true;
  };
  const tool = useShapeTool<Box>({ question, shapes: boxes, setShapes: setBoxes, active, readOnly, onKey: nudge });

  const selectedBox = boxes.find((b) => b.id === tool.selected) ?? null;
  const rectRef = useRef<Konva.Rect>(null);
  const trRef = useRef<Konva.Transformer>(null);
  useEffect(() => {
    if (trRef.current) trRef.current.nodes(rectRef.current && !readOnly ? [rectRef.current] : []);
  }, [tool.selected, selectedBox, readOnly]);

  const commitNode = (node: Konva.Rect) => {
    const ctx = ctxRef.current;
    if (!ctx || !selectedBox) return;
    const raw = { x: node.x(), y: node.y(), w: node.width() * node.scaleX(), h: node.height() * node.scaleY() };
    node.scale({ x: 1, y: 1 });
    const c = clampBox(raw, ctx.width, ctx.height);
    if (c.w < minSize || c.h < minSize) return;
    setBoxes(boxes.map((b) => (b.id === selectedBox.id ? touched({ ...b, x: round(c.x), y: round(c.y), w: round(c.w), h: round(c.h) }) : b)));
  };

  const onPointer = (kind: string, p: Point, e: Konva.KonvaEventObject<MouseEvent>, ctx: StageContext) => {
    onActivate?.();
    // The stage itself has no parent: only a real hit on the selected box or its handles counts.
    const tr = trRef.current;
    const onSelected = (!!rectRef.current && e.target === rectRef.current) || (!!tr && e.target.getParent() === tr);
    if (kind === 'down') {
      if (onSelected) return;
      const screen = { x: e.evt.offsetX, y: e.evt.offsetY };
      setPress({ start: p, screen, now: p, drawing: false });
    } else if (kind === 'move' && press) {
      const moved = distance(press.screen, { x: e.evt.offsetX, y: e.evt.offsetY }) > 3;
      if (!readOnly && (press.drawing || moved)) setPress({ ...press, now: p, drawing: true });
    } else if (kind === 'up' && press) {
      setPress(null);
      if (press.drawing) {
        const b = clampBox(boxFromPoints(press.start, p), ctx.width, ctx.height);
        if (b.w >= minSize && b.h >= minSize && tool.current) {
          const id = nextId('b', boxes);
          setBoxes([...boxes, { id, label: tool.current, origin: 'human', x: round(b.x), y: round(b.y), w: round(b.w), h: round(b.h) }]);
          tool.select(id);
        }
      } else {
        tool.select(boxAt(boxes, p, tool.hidden)?.id ?? null);
      }
    }
  };

  const field = imageFieldOf(question, item);
  const drawingBox = press?.drawing ? boxFromPoints(press.start, press.now) : null;

  return (
    <div className="image-tool">
      <ImageStage item={item} field={field} active={active} onPointer={onPointer} testId={`stage-${question.name}`}>
        {(ctx) => {
          ctxRef.current = ctx;
          const dash = [6 / ctx.scale, 4 / ctx.scale];
          return (
            <>
              <Layer listening={false} {...viewProps(ctx.view)}>
                {boxes.map((b) =>
                  b.id === tool.selected || tool.hidden.has(b.id) ? null : (
                    <StaticBox key={b.id} box={b} color={colorOf(tool.classes, b.label)} dash={b.origin === 'prediction' ? dash : undefined} />
                  ),
                )}
                {drawingBox && <Rect {...{ x: drawingBox.x, y: drawingBox.y, width: drawingBox.w, height: drawingBox.h }} stroke="#fff" dash={dash} strokeWidth={1} strokeScaleEnabled={false} />}
              </Layer>
              <Layer {...viewProps(ctx.view)}>
                {selectedBox && (
                  <>
                    <Rect
                      ref={rectRef}
                      name="selected-box"
                      x={selectedBox.x}
                      y={selectedBox.y}
                      width={selectedBox.w}
                      height={selectedBox.h}
                      stroke={colorOf(tool.classes, selectedBox.label)}
                      strokeWidth={3}
                      strokeScaleEnabled={false}
                      dash={selectedBox.origin === 'prediction' ? dash : undefined}
                      fill={`${colorOf(tool.classes, selectedBox.label)}33`}
                      draggable={!readOnly}
                      onDragEnd={(e) => commitNode(e.target as Konva.Rect)}
                      onTransformEnd={(e) => commitNode(e.target as Konva.Rect)}
                    />
                    <Transformer
                      ref={trRef}
                      rotateEnabled={false}
                      keepRatio={false}
                      ignoreStroke
                      anchorSize={8}
                      boundBoxFunc={(oldBox, newBox) => (newBox.width < minSize * ctx.scale || newBox.height < minSize * ctx.scale ? oldBox : newBox)}
                    />
                  </>
                )}
              </Layer>
            </>
          );
        }}
      </ImageStage>
      <aside className="tool-side">
        <PickClass classes={tool.classes} current={tool.current} onPick={tool.pickClass} name={question.name} />
        {selectedBox && (
          <div className="selected-shape" data-testid="selected-shape">
            <strong>{selectedBox.label}</strong> {selectedBox.id} · {Math.round(selectedBox.w)}×{Math.round(selectedBox.h)} at {Math.round(selectedBox.x)},{Math.round(selectedBox.y)}
          </div>
        )}
        <ListShapes
          shapes={boxes}
          classes={tool.classes}
          selected={tool.selected}
          hidden={tool.hidden}
          detail={(s) => {
            const b = s as Box;
            return `${Math.round(b.w)}×${Math.round(b.h)}`;
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
