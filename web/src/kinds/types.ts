// The contract every annotation tool implements; the workspace knows tools only through it.
import type { ComponentType } from 'react';
import type { Item, Prediction, QuestionSpec } from '../api/types';

export interface ChangeOptions {
  /** Changes with the same key in quick succession form one undo step (typing, dragging). */
  coalesce?: string;
}

export interface ToolProps<V> {
  question: QuestionSpec;
  item: Item;
  value: V;
  onChange(next: V, opts?: ChangeOptions): void;
  /** The question that receives keyboard shortcuts. */
  active: boolean;
  onActivate?(): void;
  readOnly?: boolean;
}

export interface ShortcutHelp {
  keys: string;
  does: string;
}

export interface KindModule<V = unknown> {
  kind: string;
  title: string;
  Tool: ComponentType<ToolProps<V>>;
  emptyValue(question: QuestionSpec, item?: Item): V;
  summarize(value: V): string;
  /** A reason the value cannot be submitted yet, or null. */
  problem?(question: QuestionSpec, value: V): string | null;
  /** The starting value built from model predictions (shapes marked origin "prediction"). */
  fromPredictions?(question: QuestionSpec, predictions: readonly Prediction[]): V | null;
  /** Whether the tool shows the item field itself (so the field is not rendered twice). */
  ownsField?: boolean;
  shortcuts?(question: QuestionSpec): ShortcutHelp[];
}
