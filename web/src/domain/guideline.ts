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

// ---- the qualification gate --------------------------------------------------------------------

/**
 * The queue's "pass the quiz first" refusal (409 `qualification_required`, details
 * `{quiz_id, version}`), read from an API error; null for any other error.
 */
export function qualificationRequired(err: unknown): { quizId: number; version: number } | null {
  if (typeof err !== 'object' || err === null) return null;
  const { code, details } = err as { code?: unknown; details?: Record<string, unknown> };
  if (code !== 'qualification_required') return null;
  const quizId = Number(details?.quiz_id);
  const version = Number(details?.version);
  if (!Number.isInteger(quizId) || quizId < 1 || !Number.isInteger(version) || version < 1) return null;
  return { quizId, version };
}

// ---- editing -----------------------------------------------------------------------------------

/** `insert` put in place of value[start, end), on a line of its own; returns the new text and
 * where the caret goes (after the insertion). */
export function insertBlock(value: string, start: number, end: number, insert: string): { value: string; caret: number } {
  const a = Math.max(0, Math.min(start, value.length));
  const b = Math.max(a, Math.min(end, value.length));
  const before = value.slice(0, a);
  const after = value.slice(b);
  const lead = before && !before.endsWith('\n') ? '\n' : '';
  const trail = after && !after.startsWith('\n') ? '\n' : '';
  const text = `${lead}${insert}${trail}`;
  return { value: before + text + after, caret: before.length + lead.length + insert.length };
}

// ---- quizzes -----------------------------------------------------------------------------------

export interface QuizQuestionDraft {
  id: string;
  text: string;
  kind: 'single' | 'multiple';
  options: string[];
  correct: number[];
  explanation: string;
}

/** A fresh question whose id is not yet taken ("q1", "q2", …). */
export function newQuestion(taken: readonly { id: string }[]): QuizQuestionDraft {
  const ids = new Set(taken.map((q) => q.id));
  let n = taken.length + 1;
  while (ids.has(`q${n}`)) n++;
  return { id: `q${n}`, text: '', kind: 'single', options: ['', ''], correct: [0], explanation: '' };
}

/** The options chosen after clicking option `index`: a single-choice question keeps one. */
export function toggleChoice(kind: 'single' | 'multiple', chosen: readonly number[], index: number): number[] {
  if (kind === 'single') return [index];
  return chosen.includes(index) ? chosen.filter((c) => c !== index) : [...chosen, index].sort((a, b) => a - b);
}

/** Removes option `index`, keeping the correct answers pointing at the same options. */
export function removeOption(q: QuizQuestionDraft, index: number): QuizQuestionDraft {
  const options = q.options.filter((_, i) => i !== index);
  let correct = q.correct.filter((c) => c !== index).map((c) => (c > index ? c - 1 : c));
  if (!correct.length && options.length) correct = q.kind === 'single' ? [0] : [];
  return { ...q, options, correct };
}

/** What keeps a quiz from being saved, as the server would say it (field → message). */
export function quizProblems(questions: readonly QuizQuestionDraft[], passMark: number, maxAttempts: number, cooldown: number): string[] {
  const out: string[] = [];
  if (!Number.isInteger(passMark) || passMark < 0 || passMark > 100) out.push('The pass mark is a percentage, 0–100.');
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 100) out.push('Attempts must be 1–100.');
  if (!Number.isInteger(cooldown) || cooldown < 0 || cooldown > 10080) out.push('The cool-down is 0–10080 minutes.');
  if (!questions.length) out.push('Add at least one question.');
  const ids = new Set<string>();
  questions.forEach((q, n) => {
    const name = `Question ${n + 1}`;
    if (!q.id.trim() || ids.has(q.id)) out.push(`${name}: its id must be unique.`);
    ids.add(q.id);
    if (!q.text.trim()) out.push(`${name}: write the question.`);
    if (q.options.length < 2 || q.options.length > 12) out.push(`${name}: give 2–12 options.`);
    if (q.options.some((o) => !o.trim())) out.push(`${name}: an option is empty.`);
    if (!q.correct.length) out.push(`${name}: mark the correct option.`);
    if (q.kind === 'single' && q.correct.length > 1) out.push(`${name}: single choice has one correct option.`);
  });
  return out;
}

/** One line on what a re-check did, for the lead. */
export function recheckSummary(r: {
  stage: string;
  sent: number;
  already_pending: number;
  in_progress: number;
  already_reviewed: number;
  up_to_date?: number;
  truncated: boolean;
}): string {
  const where = r.stage === 'review' ? 'to review' : 'to their annotators';
  const parts = [`${r.sent} item${r.sent === 1 ? '' : 's'} sent ${where}`];
  if (r.already_pending) parts.push(`${r.already_pending} already waiting for a re-check`);
  if (r.in_progress) parts.push(`${r.in_progress} still in progress, left as they are`);
  if (r.up_to_date) parts.push(`${r.up_to_date} already redone under the new version`);
  if (r.already_reviewed) parts.push(`${r.already_reviewed} already reviewed (send those to their annotators instead)`);
  if (r.truncated) parts.push('more items matched than one request handles; send again for the rest');
  return `${parts.join('; ')}.`;
}

/** The image references (`![alt](asset:id)`) on the added lines of a diff, once each, as
 * Markdown to show beside the text differences. */
export function addedImages(raw: readonly string[]): string[] {
  const out: string[] = [];
  for (const l of readDiff(raw).lines) {
    if (l.kind !== 'add') continue;
    for (const m of l.text.matchAll(/!\[[^\]\n]*\]\(asset:\d{1,18}\)/g)) if (!out.includes(m[0])) out.push(m[0]);
  }
  return out;
}
