// Bounding-box kind.
import type { KindModule } from '../types';
import { IMAGE_TOOL_KEYS } from '../image/useShapeTool';
import { classesOf, predictedShapes } from '../shapes';
import { DrawBoxes, type BboxValue, type Box } from './DrawBoxes';
import { imageShortcuts } from '../image/help';

export const bbox: KindModule<BboxValue> = {
  kind: 'bbox',
  title: 'Bounding boxes',
  Tool: DrawBoxes,
  ownsField: true,
  emptyValue: () => ({ boxes: [] }),
  summarize: (v) => `${v?.boxes?.length ?? 0} box${v?.boxes?.length === 1 ? '' : 'es'}`,
  fromPredictions(q, predictions) {
    const boxes = predictedShapes<Box>(q, predictions, 'boxes', 'b');
    return boxes.length ? { boxes } : null;
  },
  shortcuts: (q) => [
    { keys: 'drag', does: 'draw a box' },
    { keys: '↑↓←→ / Shift', does: 'nudge the selected box 1 / 10 px' },
    ...imageShortcuts(classesOf(q, IMAGE_TOOL_KEYS)),
  ],
};
