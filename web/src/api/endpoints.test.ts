import { describe, expect, it } from 'vitest';
import openapi from './generated/openapi.json';
import { acceptsProperty, listOf } from './endpoints';

describe('acceptsProperty', () => {
  const doc = { components: { schemas: { NextIn: { properties: { stage: {}, exclude_item_ids: {} } } } } };
  it('finds a request property in an OpenAPI document', () => {
    expect(acceptsProperty(doc, 'NextIn', 'exclude_item_ids')).toBe(true);
    expect(acceptsProperty(doc, 'NextIn', 'other')).toBe(false);
    expect(acceptsProperty(doc, 'Missing', 'stage')).toBe(false);
    expect(acceptsProperty(null, 'NextIn', 'stage')).toBe(false);
  });

  it('reads the committed contract of the queue', () => {
    expect(acceptsProperty(openapi as Record<string, unknown>, 'NextIn', 'stage')).toBe(true);
  });
});

describe('listOf', () => {
  it('reads bare arrays and pages', () => {
    expect(listOf([1, 2])).toEqual([1, 2]);
    expect(listOf({ items: [3], next_cursor: null })).toEqual([3]);
    expect(listOf(null)).toEqual([]);
  });
});
