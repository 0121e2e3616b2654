// Guideline text outside the guideline: "§3.2" references in free text (a question's help) read
// into parts the page can link, and a Markdown file read the way the server reads an upload.

export type TextPart = { kind: 'text'; text: string } | { kind: 'section'; text: string; section: string };

// "§3", "§ 3.2", "§3.2.1"; a number glued to letters ("§3a") is no reference, and a sentence's
// final dot ("see §3.2.") stays text.
const REF = /§ ?(\d{1,4}(?:\.\d{1,4})*)(?![\w.]*\w)/g;

/** Splits `text` into plain parts and section references, in order; joining the parts' text
 * gives `text` back. */
export function splitSectionRefs(text: string): TextPart[] {
  const out: TextPart[] = [];
  let at = 0;
  for (const m of text.matchAll(REF)) {
    const start = m.index ?? 0;
    if (start > at) out.push({ kind: 'text', text: text.slice(at, start) });
    out.push({ kind: 'section', text: m[0], section: m[1]! });
    at = start + m[0].length;
  }
  if (at < text.length) out.push({ kind: 'text', text: text.slice(at) });
  return out;
}

export type ReadFile = { ok: true; text: string } | { ok: false; problem: string };

/** A Markdown file's bytes as text: UTF-8 only (a byte-order mark is dropped, Windows line ends
 * made plain), never a binary file; the same rules as the server's upload. */
export function readMarkdownFile(bytes: Uint8Array, name: string): ReadFile {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, problem: `${name} is not UTF-8 text; save it as UTF-8 and load it again.` };
  }
  if (text.includes('\u0000')) return { ok: false, problem: `${name} holds NUL bytes: it is not a Markdown text.` };
  return { ok: true, text: text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n') };
}
