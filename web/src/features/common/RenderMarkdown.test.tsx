import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { RenderMarkdown } from './RenderMarkdown';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let container: HTMLDivElement;
afterEach(() => container?.remove());

function render(source: string): HTMLDivElement {
  container = document.createElement('div');
  document.body.appendChild(container);
  act(() => createRoot(container).render(<RenderMarkdown source={source} />));
  return container;
}

describe('RenderMarkdown', () => {
  it('renders headings, lists and links', () => {
    const el = render('# Boxes\n\n- draw **tight** boxes\n- see [the guide](https://example.org/g)');
    expect(el.querySelector('h3')?.textContent).toBe('Boxes');
    expect(el.querySelectorAll('li')).toHaveLength(2);
    expect(el.querySelector('strong')?.textContent).toBe('tight');
    const a = el.querySelector('a')!;
    expect(a.getAttribute('href')).toBe('https://example.org/g');
    expect(a.getAttribute('rel')).toContain('noopener');
  });

  it('never turns input into markup', () => {
    const el = render('<img src=x onerror="window.pwned=1"> [x](javascript:alert(1)) <script>alert(1)</script>');
    expect(el.querySelector('img')).toBeNull();
    expect(el.querySelector('script')).toBeNull();
    expect(el.querySelector('a')).toBeNull();
    expect(el.textContent).toContain('<img src=x');
  });

  it('shows guideline images from our server and no image from elsewhere', () => {
    const el = render('![occluded car](asset:4)\n\n![pixel](https://tracker.example/p.gif) ![x](data:image/png;base64,AAAA)');
    const imgs = el.querySelectorAll('img');
    expect(imgs).toHaveLength(1);
    expect(imgs[0]!.getAttribute('src')).toBe('/api/v1/guideline-assets/4');
    expect(imgs[0]!.getAttribute('alt')).toBe('occluded car');
    expect(el.querySelector('a')?.getAttribute('href')).toBe('https://tracker.example/p.gif');
    expect(el.textContent).toContain('x');
  });
});

describe('RenderMarkdown section anchors', () => {
  function renderWith(source: string, anchors: boolean): HTMLDivElement {
    container = document.createElement('div');
    document.body.appendChild(container);
    act(() => createRoot(container).render(<RenderMarkdown source={source} anchors={anchors} />));
    return container;
  }

  it('gives numbered headings an id once per number', () => {
    const el = renderWith('# Guide\n\n## 3.2 Occluded objects\n\n### §4 Tracks\n\n## 3.2 Duplicate', true);
    expect(el.querySelector('#guideline-3-2')?.textContent).toBe('3.2 Occluded objects');
    expect(el.querySelector('#guideline-4')?.getAttribute('data-section')).toBe('4');
    expect(el.querySelectorAll('[data-section]')).toHaveLength(2);
    expect(el.querySelector('h3')?.id).toBe('');
  });

  it('adds no ids unless asked', () => {
    expect(renderWith('## 1 Scope', false).querySelector('[id]')).toBeNull();
  });
});
