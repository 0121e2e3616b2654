import { describe, expect, it } from 'vitest';
import { readMarkdownFile, splitSectionRefs } from './guidelineText';

describe('splitSectionRefs', () => {
  it('finds section references and keeps the text around them', () => {
    const parts = splitSectionRefs('See §3.2 and § 4; sarcasm is in §2.1.');
    expect(parts).toEqual([
      { kind: 'text', text: 'See ' },
      { kind: 'section', text: '§3.2', section: '3.2' },
      { kind: 'text', text: ' and ' },
      { kind: 'section', text: '§ 4', section: '4' },
      { kind: 'text', text: '; sarcasm is in ' },
      { kind: 'section', text: '§2.1', section: '2.1' },
      { kind: 'text', text: '.' },
    ]);
    expect(parts.map((p) => p.text).join('')).toBe('See §3.2 and § 4; sarcasm is in §2.1.');
  });

  it('leaves text without references, and things that only look like one, alone', () => {
    expect(splitSectionRefs('no reference here')).toEqual([{ kind: 'text', text: 'no reference here' }]);
    expect(splitSectionRefs('§3a is a name, § alone too')).toEqual([{ kind: 'text', text: '§3a is a name, § alone too' }]);
    expect(splitSectionRefs('')).toEqual([]);
    expect(splitSectionRefs('§1')).toEqual([{ kind: 'section', text: '§1', section: '1' }]);
  });
});

describe('readMarkdownFile', () => {
  const bytes = (...b: number[]) => new Uint8Array(b);

  it('reads UTF-8, dropping a byte-order mark and Windows line ends', () => {
    const data = new TextEncoder().encode('\uFEFF# Guide\r\n\r\n## 1 Café\r\n');
    expect(readMarkdownFile(data, 'g.md')).toEqual({ ok: true, text: '# Guide\n\n## 1 Café\n' });
  });

  it('refuses text that is not UTF-8, and binary files', () => {
    const latin1 = bytes(0x43, 0x61, 0x66, 0xe9); // "Café" in Latin-1
    expect(readMarkdownFile(latin1, 'old.md')).toEqual({ ok: false, problem: 'old.md is not UTF-8 text; save it as UTF-8 and load it again.' });
    const binary = bytes(0x23, 0x00, 0x01);
    expect(readMarkdownFile(binary, 'x.md')).toMatchObject({ ok: false, problem: expect.stringContaining('NUL bytes') });
  });
});
