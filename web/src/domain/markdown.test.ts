import { describe, expect, it } from 'vitest';
import { parseInline, parseMarkdown, safeImageSrc, safeLinkHref } from './markdown';

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

  it('allows images from http(s) or same-origin paths only', () => {
    expect(parseInline('![cat](/api/v1/media/k1)')).toEqual([{ type: 'image', src: '/api/v1/media/k1', alt: 'cat' }]);
    expect(parseInline('![x](javascript:1)')).toEqual([{ type: 'text', text: 'x' }]);
    expect(safeImageSrc('//evil.example/x.png')).toBeNull();
    expect(safeLinkHref(' HTTP://a.b ')).toBe('HTTP://a.b');
  });

  it('honours backslash escapes and unmatched delimiters', () => {
    expect(parseInline('\\*not em\\* 2 * 3')).toEqual([{ type: 'text', text: '*not em* 2 * 3' }]);
  });
});
