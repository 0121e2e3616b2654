// A small Markdown subset parsed into a tree (never into HTML), so rendering cannot inject markup.
// Supported: headings, paragraphs, lists, fenced code, block quotes, rules, emphasis, strong,
// inline code, links (http/https only), images. Images load only from our own server: guideline
// images (`asset:<id>`) and signed item media. An image elsewhere becomes a link, so untrusted
// text cannot make the browser fetch from another host (tracking pixels, leaked addresses).

export type Inline =
  | { type: 'text'; text: string }
  | { type: 'em'; children: Inline[] }
  | { type: 'strong'; children: Inline[] }
  | { type: 'code'; text: string }
  | { type: 'link'; href: string; children: Inline[] }
  | { type: 'image'; src: string; alt: string }
  | { type: 'br' };

export type Block =
  | { type: 'heading'; level: number; children: Inline[]; /** The heading as written, e.g. to find its section number. */ source: string }
  | { type: 'paragraph'; children: Inline[] }
  | { type: 'list'; ordered: boolean; start: number; items: Inline[][] }
  | { type: 'code'; lang: string; text: string }
  | { type: 'quote'; children: Block[] }
  | { type: 'hr' };

/** Only absolute http(s) URLs are kept for links. */
export function safeLinkHref(url: string): string | null {
  const u = url.trim();
  return /^https?:\/\/[^\s]+$/i.test(u) ? u : null;
}

const ASSET_REF = /^asset:(\d{1,18})$/;
const ASSET_URL = /^\/api\/v1\/guideline-assets\/\d{1,18}$/;
const MEDIA_URL = /^\/api\/v1\/media\/[A-Za-z0-9._\-/%]+(\?[A-Za-z0-9=&._\-%]*)?$/;

/** The URL a guideline image reference (`asset:12`) is served from. */
export function assetUrl(id: number | string): string {
  return `/api/v1/guideline-assets/${id}`;
}

/** The Markdown that shows a guideline image. Brackets in the alt text are dropped so that it
 * cannot end the image early. */
export function assetMarkdown(id: number, alt: string): string {
  const clean = alt.replace(/[[\]\\\n\r]/g, ' ').replace(/\.[a-z0-9]{1,5}$/i, '').trim();
  return `![${clean || 'image'}](asset:${id})`;
}

/** An image source we load: a guideline image (as `asset:<id>` or its URL) or signed item
 * media, resolved to a same-origin URL; anything else is null. */
export function safeImageSrc(url: string): string | null {
  const u = url.trim();
  const asset = ASSET_REF.exec(u);
  if (asset) return assetUrl(asset[1]!);
  if (ASSET_URL.test(u) || MEDIA_URL.test(u)) return u;
  return null;
}

const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const BULLET = /^\s*[-*+]\s+(.*)$/;
const ORDERED = /^\s*(\d{1,9})[.)]\s+(.*)$/;
const FENCE = /^\s*(```|~~~)\s*([\w-]*)\s*$/;
const RULE = /^\s*([-*_])(\s*\1){2,}\s*$/;

export function parseMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (!line.trim()) {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i]!.trim().startsWith(fence[1]!)) body.push(lines[i++]!);
      i++;
      blocks.push({ type: 'code', lang: fence[2] ?? '', text: body.join('\n') });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      blocks.push({ type: 'heading', level: heading[1]!.length, children: parseInline(heading[2]!), source: heading[2]! });
      i++;
      continue;
    }
    if (RULE.test(line)) {
      blocks.push({ type: 'hr' });
      i++;
      continue;
    }
    if (/^\s*>/.test(line)) {
      const body: string[] = [];
      while (i < lines.length && /^\s*>/.test(lines[i]!)) body.push(lines[i++]!.replace(/^\s*>\s?/, ''));
      blocks.push({ type: 'quote', children: parseMarkdown(body.join('\n')) });
      continue;
    }
    const bullet = BULLET.exec(line);
    const ordered = ORDERED.exec(line);
    if (bullet || ordered) {
      const isOrdered = !bullet;
      const re = isOrdered ? ORDERED : BULLET;
      const items: string[] = [];
      while (i < lines.length && lines[i]!.trim()) {
        const m = re.exec(lines[i]!);
        if (m) items.push(m[m.length - 1]!);
        else if (items.length) items[items.length - 1] += ` ${lines[i]!.trim()}`;
        i++;
      }
      blocks.push({
        type: 'list',
        ordered: isOrdered,
        start: ordered ? Number(ordered[1]) : 1,
        items: items.map((t) => parseInline(t)),
      });
      continue;
    }
    const para: string[] = [];
    while (i < lines.length && lines[i]!.trim() && !startsBlock(lines[i]!)) para.push(lines[i++]!);
    blocks.push({ type: 'paragraph', children: parseInline(para.map((l) => l.trim()).join('\n')) });
  }
  return blocks;
}

function startsBlock(line: string): boolean {
  return HEADING.test(line) || FENCE.test(line) || RULE.test(line) || BULLET.test(line) || ORDERED.test(line) || /^\s*>/.test(line);
}

/** Find the closing delimiter at or after `from`, not escaped. */
function findClose(s: string, delim: string, from: number): number {
  for (let j = from; j <= s.length - delim.length; j++) {
    if (s[j] === '\\') {
      j++;
      continue;
    }
    if (s.startsWith(delim, j)) return j;
  }
  return -1;
}

export function parseInline(s: string): Inline[] {
  const out: Inline[] = [];
  let text = '';
  const flush = () => {
    if (text) out.push({ type: 'text', text });
    text = '';
  };
  let i = 0;
  while (i < s.length) {
    const ch = s[i]!;
    if (ch === '\\' && i + 1 < s.length && /[\\`*_[\]()!#>+\-.~]/.test(s[i + 1]!)) {
      text += s[i + 1];
      i += 2;
      continue;
    }
    if (ch === '\n') {
      flush();
      out.push({ type: 'br' });
      i++;
      continue;
    }
    if (ch === '`') {
      const close = s.indexOf('`', i + 1);
      if (close > i) {
        flush();
        out.push({ type: 'code', text: s.slice(i + 1, close) });
        i = close + 1;
        continue;
      }
    }
    if ((ch === '*' || ch === '_') && s[i + 1] === ch) {
      const close = findClose(s, ch + ch, i + 2);
      if (close > i + 2) {
        flush();
        out.push({ type: 'strong', children: parseInline(s.slice(i + 2, close)) });
        i = close + 2;
        continue;
      }
    }
    if ((ch === '*' || ch === '_') && s[i + 1] && s[i + 1] !== ' ') {
      const close = findClose(s, ch, i + 1);
      if (close > i + 1 && s[close - 1] !== ' ') {
        flush();
        out.push({ type: 'em', children: parseInline(s.slice(i + 1, close)) });
        i = close + 1;
        continue;
      }
    }
    const isImage = ch === '!' && s[i + 1] === '[';
    if (ch === '[' || isImage) {
      const open = isImage ? i + 1 : i;
      const closeText = findClose(s, ']', open + 1);
      if (closeText > 0 && s[closeText + 1] === '(') {
        const closeUrl = s.indexOf(')', closeText + 2);
        if (closeUrl > 0) {
          const label = s.slice(open + 1, closeText);
          const url = s.slice(closeText + 2, closeUrl).trim().split(/\s+/)[0] ?? '';
          flush();
          if (isImage) {
            const src = safeImageSrc(url);
            const href = src ? null : safeLinkHref(url);
            if (src) out.push({ type: 'image', src, alt: label });
            else if (href) out.push({ type: 'link', href, children: [{ type: 'text', text: label || href }] });
            else out.push({ type: 'text', text: label });
          } else {
            const href = safeLinkHref(url);
            out.push(href ? { type: 'link', href, children: parseInline(label) } : { type: 'text', text: label });
          }
          i = closeUrl + 1;
          continue;
        }
      }
    }
    text += ch;
    i++;
  }
  flush();
  return out;
}
