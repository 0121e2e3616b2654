import { describe, expect, it } from 'vitest';
import { assetMarkdown, parseInline, parseMarkdown, safeImageSrc, safeLinkHref } from './markdown';

describe('parseMarkdown', () => {
  it('parses headings, lists, code and paragraphs', () => {
    const blocks = parseMarkdown('# Title\n\nSome *text*.\n\n- one\n- two\n\n1. first\n2. second\n\n```\n<b>x</b>\n```\n---\n> quoted');
    expect(blocks.map((b) => b.type)).toEqual(['heading', 'paragraph', 'list', 'list', 'code', 'hr', 'quote']);
    expect(blocks[2]).toMatchObject({ ordered: false, items: [[{ type: 'text', text: 'one' }], [{ type: 'text', text: 'two' }]] });
    expect(blocks[3]).toMatchObject({ ordered: true, start: 1 });
    expect(blocks[4]).toEqual({ type: 'code', lang: '', text: '<b>x</b>' });
  });

  it('keeps raw HTML as text', () => {
    const blocks = parseMarkdown('<img src=x onerror=alert(1)> <script>alert(1)</script>');
    expect(blocks).toEqual([
      { type: 'paragraph', children: [{ type: 'text', text: '<img src=x onerror=alert(1)> <script>alert(1)</script>' }] },
    ]);
  });
});

describe('parseInline', () => {
  it('parses emphasis, strong and code', () => {
    expect(parseInline('a **b** _c_ `d*`')).toEqual([
      { type: 'text', text: 'a ' },
      { type: 'strong', children: [{ type: 'text', text: 'b' }] },
      { type: 'text', text: ' ' },
      { type: 'em', children: [{ type: 'text', text: 'c' }] },
      { type: 'text', text: ' ' },
      { type: 'code', text: 'd*' },
    ]);
  });

  it('keeps only http(s) links', () => {
    expect(parseInline('[ok](https://example.org/a)')).toEqual([
      { type: 'link', href: 'https://example.org/a', children: [{ type: 'text', text: 'ok' }] },
    ]);
    expect(parseInline('[bad](javascript:alert(1))')[0]).toEqual({ type: 'text', text: 'bad' });
    expect(parseInline('[bad](data:text/html,x)')[0]).toEqual({ type: 'text', text: 'bad' });
  });

  it('loads images only from our own guideline images and item media', () => {
    expect(parseInline('![cat](/api/v1/media/ab/k1.png?exp=1&sig=f0)')).toEqual([{ type: 'image', src: '/api/v1/media/ab/k1.png?exp=1&sig=f0', alt: 'cat' }]);
    expect(parseInline('![box](asset:12)')).toEqual([{ type: 'image', src: '/api/v1/guideline-assets/12', alt: 'box' }]);
    expect(parseInline('![box](/api/v1/guideline-assets/7)')).toEqual([{ type: 'image', src: '/api/v1/guideline-assets/7', alt: 'box' }]);
    expect(parseInline('![x](javascript:1)')).toEqual([{ type: 'text', text: 'x' }]);
    expect(parseInline('![x](asset:12x)')).toEqual([{ type: 'text', text: 'x' }]);
    expect(parseInline('![x](/api/v1/auth/logout)')).toEqual([{ type: 'text', text: 'x' }]);
    expect(safeImageSrc('//evil.example/x.png')).toBeNull();
    expect(safeImageSrc('/api/v1/guideline-assets/1/../../auth')).toBeNull();
    expect(safeLinkHref(' HTTP://a.b ')).toBe('HTTP://a.b');
  });

  it('turns an image on another host into a link that loads nothing', () => {
    expect(parseInline('![pixel](https://tracker.example/p.gif)')).toEqual([
      { type: 'link', href: 'https://tracker.example/p.gif', children: [{ type: 'text', text: 'pixel' }] },
    ]);
  });

  it('writes the Markdown of a guideline image', () => {
    expect(assetMarkdown(5, 'occluded car.png')).toBe('![occluded car](asset:5)');
    expect(assetMarkdown(5, 'a]b[c')).toBe('![a b c](asset:5)');
    expect(assetMarkdown(5, '')).toBe('![image](asset:5)');
    expect(parseInline(assetMarkdown(9, 'x](javascript:1)'))).toEqual([{ type: 'image', src: '/api/v1/guideline-assets/9', alt: 'x (javascript:1)' }]);
  });

  it('honours backslash escapes and unmatched delimiters', () => {
    expect(parseInline('\\*not em\\* 2 * 3')).toEqual([{ type: 'text', text: '*not em* 2 * 3' }]);
  });
});
