// Every annotation tool the workspace can show, by kind name.
import { bbox } from './bbox';
import { classification } from './classification';
import { fallbackKind } from './fallback';
import { freeText } from './free_text';
import { keypoints } from './keypoints';
import { polygon } from './polygon';
import { rating } from './rating';
import { span } from './span';
import type { KindModule } from './types';

const KINDS: Record<string, KindModule<never>> = {};

function register(module: KindModule<never>): void {
  KINDS[module.kind] = module;
}

[classification, span, freeText, rating, bbox, polygon, keypoints].forEach((m) => register(m as unknown as KindModule<never>));

export function kindOf(kind: string): KindModule<unknown> {
  return (KINDS[kind] ?? fallbackKind(kind)) as unknown as KindModule<unknown>;
}

export function hasTool(kind: string): boolean {
  return kind in KINDS;
}
