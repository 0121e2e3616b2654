import { describe, expect, it } from 'vitest';
import { imageSource, safeMediaUrl } from './media';

describe('imageSource', () => {
  it('uses the preview for images above 4096 px', () => {
    const item = { id: 1, data: {}, media: { image: { url: '/api/v1/media/big', preview_url: '/api/v1/media/big?preview=1', width: 10000, height: 10000 } } };
    expect(imageSource(item, 'image')).toEqual({ url: '/api/v1/media/big?preview=1', width: 10000, height: 10000, isPreview: true });
  });

  it('falls back to the original, and to a URL in the data', () => {
    expect(imageSource({ data: {}, media: { image: { url: '/m/a', width: 9000, height: 10 } } }, 'image').url).toBe('/m/a');
    expect(imageSource({ data: { image: 'https://x.test/a.png' }, media: { image: { width: 5, height: 6 } } }, 'image')).toEqual({
      url: 'https://x.test/a.png',
      width: 5,
      height: 6,
      isPreview: false,
    });
  });

  it('refuses script URLs', () => {
    expect(safeMediaUrl('javascript:alert(1)')).toBeNull();
    expect(safeMediaUrl('//evil/x')).toBeNull();
    expect(safeMediaUrl('/api/v1/media/k')).toBe('/api/v1/media/k');
  });
});
