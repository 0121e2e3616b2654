// Keypoints kind.
import type { KindModule } from '../types';
import { imageShortcuts } from '../image/help';
import { IMAGE_TOOL_KEYS } from '../image/useShapeTool';
import { classesOf, predictedShapes } from '../shapes';
import { PlaceKeypoints, pointNames, type Instance, type KeypointsValue } from './PlaceKeypoints';

export const keypoints: KindModule<KeypointsValue> = {
  kind: 'keypoints',
  title: 'Keypoints',
  Tool: PlaceKeypoints,
  ownsField: true,
  emptyValue: () => ({ instances: [] }),
  summarize: (v) => `${v?.instances?.length ?? 0} instance${v?.instances?.length === 1 ? '' : 's'}`,
  problem(q, v) {
    const n = pointNames(q).length;
    return (v?.instances ?? []).some((s) => s.points.length !== n) ? `each instance needs ${n} points` : null;
  },
  fromPredictions(q, predictions) {
    const instances = predictedShapes<Instance>(q, predictions, 'instances', 'k');
    return instances.length ? { instances } : null;
  },
  shortcuts: (q) => [
    { keys: 'click', does: 'place the next point (on empty image: new instance)' },
    { keys: 'Alt+click', does: 'place the point as occluded' },
    { keys: 'N', does: 'new instance' },
    { keys: 'X', does: 'skip the current point' },
    { keys: 'Backspace', does: 'clear the previous point' },
    ...imageShortcuts(classesOf(q, IMAGE_TOOL_KEYS)),
  ],
};
