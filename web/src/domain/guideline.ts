// Guideline helpers without a framework: numbered sections (the anchors a question's
// `guideline_section` points at) and the unified diff between two versions, read as lines.

/**
 * A heading's text as a numbered section: "3.2 Occluded objects", "§4 Tracks" or "2. Scope".
 * The same rule as the server's (a number of dot-separated parts, then a title), so a section the
 * server lists is a section the page can scroll to.
 */
const SECTION = /^§?\s*(\d+(?:\.\d+)*)\.?\s+(.+?)\s*$/;

export interface Section {
  number: string;
  title: string;
}

export function sectionOf(headingText: string): Section | null {
  const m = SECTION.exec(headingText.trim());
  return m ? { number: m[1]!, title: m[2]! } : null;
}

/** The element id of a section: "3.2" → "guideline-3-2". Accepts "§3.2" and " 3.2 " too. */
export function sectionAnchor(section: string): string {
  return `guideline-${normalizeSection(section).replace(/\./g, '-')}`;
}

/** "§ 3.2." → "3.2"; anything that is not a section number is returned trimmed. */
export function normalizeSection(section: string): string {
  return section.trim().replace(/^§\s*/, '').replace(/\.$/, '');
}

/** Every numbered heading of a Markdown text, in order, first occurrence of a number only. */
export function listSections(markdown: string): Section[] {
  const out: Section[] = [];
  const seen = new Set<string>();
  let fenced = false;
  for (const line of markdown.replace(/\r\n?/g, '\n').split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    if (fenced) continue;
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    const s = m ? sectionOf(m[1]!) : null;
    if (s && !seen.has(s.number)) {
      seen.add(s.number);
      out.push(s);
    }
  }
  return out;
}

/** The questions of a schema whose `guideline_section` the text has no heading for. */
export function missingSections(questions: readonly { name: string; guideline_section?: string | null }[], markdown: string): { question: string; section: string }[] {
  const have = new Set(listSections(markdown).map((s) => s.number));
  return questions
    .filter((q) => q.guideline_section && !have.has(normalizeSection(q.guideline_section)))
    .map((q) => ({ question: q.name, section: normalizeSection(q.guideline_section!) }));
}

// ---- diff ------------------------------------------------------------------------------------

export type DiffKind = 'add' | 'remove' | 'same' | 'hunk';

export interface DiffLine {
  kind: DiffKind;
  /** The line's text without the leading "+", "-" or " ". */
  text: string;
  /** Line number in the older version (remove, same; where a hunk starts). */
  old?: number;
  /** Line number in the newer version (add, same; where a hunk starts). */
  new?: number;
}

export interface ReadDiff {
  lines: DiffLine[];
  added: number;
  removed: number;
}

const HUNK = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@(.*)$/;

/**
 * Unified diff lines (as the server sends them: "--- v1", "+++ v2", "@@ -1,3 +1,4 @@", then
 * " ", "-", "+" lines) read into numbered lines. The file header is only read before the first
 * hunk, so a removed line that itself starts with "--" stays a removed line.
 */
export function readDiff(raw: readonly string[]): ReadDiff {
  const lines: DiffLine[] = [];
  let added = 0;
  let removed = 0;
  let oldNo = 0;
  let newNo = 0;
  let inHunk = false;
  for (const line of raw) {
    const hunk = HUNK.exec(line);
    if (hunk) {
      inHunk = true;
      oldNo = Number(hunk[1]);
      newNo = Number(hunk[2]);
      // "-0,0" means the hunk starts before the first line.
      if (oldNo === 0) oldNo = 1;
      if (newNo === 0) newNo = 1;
      lines.push({ kind: 'hunk', text: line, old: oldNo, new: newNo });
      continue;
    }
    if (!inHunk) continue; // "--- v1" / "+++ v2"
    const sign = line[0];
    const text = line.slice(1);
    if (sign === '+') {
      lines.push({ kind: 'add', text, new: newNo++ });
      added++;
    } else if (sign === '-') {
      lines.push({ kind: 'remove', text, old: oldNo++ });
      removed++;
    } else if (sign === '\\') {
      continue; // "\ No newline at end of file"
    } else {
      lines.push({ kind: 'same', text: sign === ' ' ? text : line, old: oldNo++, new: newNo++ });
    }
  }
  return { lines, added, removed };
}

/** The diff as plain text with a marker per line ("+ ", "- ", "  "), e.g. to copy or print. */
export function diffAsText(diff: ReadDiff): string {
  return diff.lines
    .map((l) => (l.kind === 'hunk' ? l.text : `${l.kind === 'add' ? '+' : l.kind === 'remove' ? '-' : ' '} ${l.text}`))
    .join('\n');
}

/** The versions after `since` up to `version` (inclusive), e.g. to list their change summaries. */
export function versionsBetween<V extends { version: number }>(all: readonly V[], since: number | null | undefined, version: number): V[] {
  return all.filter((v) => v.version > (since ?? 0) && v.version <= version).sort((a, b) => a.version - b.version);
}

// ---- the acknowledgement gate ------------------------------------------------------------------

/**
 * The queue's "confirm the guideline first" refusal (409 `guideline_ack_required`, details
 * `{version, since}`), read from an API error; null for any other error.
 */
export function ackRequired(err: unknown): { version: number; since: number | null } | null {
  if (typeof err !== 'object' || err === null) return null;
  const { code, details } = err as { code?: unknown; details?: Record<string, unknown> };
  if (code !== 'guideline_ack_required') return null;
  const version = Number(details?.version);
  const since = details?.since;
  if (!Number.isInteger(version) || version < 1) return null;
  return { version, since: typeof since === 'number' && since >= 1 ? since : null };
}
