// Polygon kind.
import type { KindModule } from '../types';
import { imageShortcuts } from '../image/help';
import { IMAGE_TOOL_KEYS } from '../image/useShapeTool';
import { classesOf, predictedShapes } from '../shapes';
import { DrawPolygons, type PolygonShape, type PolygonValue } from './DrawPolygons';

export const polygon: KindModule<PolygonValue> = {
  kind: 'polygon',
  title: 'Polygons',
  Tool: DrawPolygons,
  ownsField: true,
  emptyValue: () => ({ polygons: [] }),
  summarize: (v) => `${v?.polygons?.length ?? 0} polygon${v?.polygons?.length === 1 ? '' : 's'}`,
  fromPredictions(q, predictions) {
    const polygons = predictedShapes<PolygonShape>(q, predictions, 'polygons', 'p');
    return polygons.length ? { polygons } : null;
  },
  shortcuts: (q) => [
    { keys: 'click', does: 'add a point (starts a polygon on empty image)' },
    { keys: 'Enter / click first point', does: 'close the polygon' },
    { keys: 'Backspace', does: 'remove the last point while drawing' },
    { keys: 'drag a point', does: 'move a vertex' },
    { keys: 'click an edge dot', does: 'insert a vertex' },
    { keys: 'Alt+click a point', does: 'remove a vertex' },
    ...(q.allow_holes === true ? [{ keys: 'O', does: 'draw a hole in the selected polygon' }] : []),
    ...imageShortcuts(classesOf(q, IMAGE_TOOL_KEYS)),
  ],
};
