import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { ShowDiff } from './ShowDiff';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let container: HTMLDivElement;
afterEach(() => container?.remove());

function render(lines: string[]): HTMLDivElement {
  container = document.createElement('div');
  document.body.appendChild(container);
  act(() => createRoot(container).render(<ShowDiff lines={lines} />));
  return container;
}

describe('ShowDiff', () => {
  it('marks added and removed lines as text, with line numbers', () => {
    const el = render(['--- v1', '+++ v2', '@@ -1,2 +1,2 @@', ' # Guide', '-<b>old</b>', '+new']);
    const rows = [...el.querySelectorAll('tr[data-kind]')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent));
    expect(rows).toEqual([
      ['1', '1', ' ', '# Guide'],
      ['2', '', '−', '<b>old</b>'],
      ['', '2', '+', 'new'],
    ]);
    expect(el.querySelector('b')).toBeNull();
    expect(el.querySelector('[data-testid="diff-added"]')?.textContent).toBe('+1 added');
  });

  it('says when nothing changed', () => {
    expect(render([]).textContent).toBe('No text changed.');
  });
});
