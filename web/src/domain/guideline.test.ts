import { describe, expect, it } from 'vitest';
import {
  ackRequired,
  addedImages,
  diffAsText,
  insertBlock,
  listSections,
  missingSections,
  newQuestion,
  normalizeSection,
  qualificationRequired,
  quizProblems,
  readDiff,
  recheckSummary,
  removeOption,
  sectionAnchor,
  sectionOf,
  toggleChoice,
  versionsBetween,
} from './guideline';

describe('sections', () => {
  it('reads numbered headings the way the server does', () => {
    expect(sectionOf('3.2 Occluded objects')).toEqual({ number: '3.2', title: 'Occluded objects' });
    expect(sectionOf('§4 Tracks')).toEqual({ number: '4', title: 'Tracks' });
    expect(sectionOf('§ 1.2.3 Deep')).toEqual({ number: '1.2.3', title: 'Deep' });
    expect(sectionOf('2. Scope')).toEqual({ number: '2', title: 'Scope' });
    expect(sectionOf('Introduction')).toBeNull();
    expect(sectionOf('3.2')).toBeNull(); // a number without a title is not a section
    expect(sectionOf('2020s trends')).toBeNull();
  });

  it('makes one anchor per section number however it is written', () => {
    expect(sectionAnchor('3.2')).toBe('guideline-3-2');
    expect(sectionAnchor('§3.2')).toBe('guideline-3-2');
    expect(sectionAnchor(' § 3.2. ')).toBe('guideline-3-2');
    expect(normalizeSection('§ 4')).toBe('4');
  });

  it('lists the sections of a text, skipping code blocks and repeats', () => {
    const text = '# Guide\n\n## 1 Scope\ntext\n```\n## 9 Not a heading\n```\n## 3.2 Occluded ##\n### 3.2 Again\n#### §4 Tracks';
    expect(listSections(text)).toEqual([
      { number: '1', title: 'Scope' },
      { number: '3.2', title: 'Occluded' },
      { number: '4', title: 'Tracks' },
    ]);
  });

  it('names the questions that point at a section the text lacks', () => {
    const questions = [{ name: 'a', guideline_section: '1' }, { name: 'b', guideline_section: '§2.1' }, { name: 'c' }, { name: 'd', guideline_section: null }];
    expect(missingSections(questions, '## 1 Scope')).toEqual([{ question: 'b', section: '2.1' }]);
  });
});

describe('readDiff', () => {
  it('numbers added, removed and unchanged lines', () => {
    const d = readDiff(['--- v1', '+++ v2', '@@ -1,3 +1,3 @@', ' # Guide', '-old rule', '+new rule', ' end']);
    expect(d.added).toBe(1);
    expect(d.removed).toBe(1);
    expect(d.lines).toEqual([
      { kind: 'hunk', text: '@@ -1,3 +1,3 @@', old: 1, new: 1 },
      { kind: 'same', text: '# Guide', old: 1, new: 1 },
      { kind: 'remove', text: 'old rule', old: 2 },
      { kind: 'add', text: 'new rule', new: 2 },
      { kind: 'same', text: 'end', old: 3, new: 3 },
    ]);
  });

  it('keeps a removed line that looks like a file header', () => {
    const d = readDiff(['--- v1', '+++ v2', '@@ -5 +5 @@', '--- rule', '+++ rule']);
    expect(d.lines.slice(1)).toEqual([
      { kind: 'remove', text: '-- rule', old: 5 },
      { kind: 'add', text: '++ rule', new: 5 },
    ]);
  });

  it('reads a diff from nothing as every line added', () => {
    const d = readDiff(['--- (none)', '+++ v1', '@@ -0,0 +1,2 @@', '+# Guide', '+## 1 Scope']);
    expect(d).toMatchObject({ added: 2, removed: 0 });
    expect(d.lines[2]).toEqual({ kind: 'add', text: '## 1 Scope', new: 2 });
  });

  it('follows several hunks and ignores "no newline" markers', () => {
    const d = readDiff(['--- v1', '+++ v2', '@@ -2,1 +2,1 @@', '-a', '+b', '@@ -40,2 +40,3 @@', ' x', '+y', '\\ No newline at end of file', ' z']);
    expect(d.lines.filter((l) => l.kind === 'hunk').map((l) => l.new)).toEqual([2, 40]);
    expect(d.lines.at(-1)).toEqual({ kind: 'same', text: 'z', old: 41, new: 42 });
  });

  it('prints as text with a marker per line', () => {
    expect(diffAsText(readDiff(['@@ -1 +1 @@', '-a', '+b', ' c']))).toBe('@@ -1 +1 @@\n- a\n+ b\n  c');
  });

  it('is empty when nothing changed', () => {
    expect(readDiff([])).toEqual({ lines: [], added: 0, removed: 0 });
  });
});

describe('versionsBetween', () => {
  it('lists the versions after the confirmed one up to the one to confirm', () => {
    const all = [{ version: 3 }, { version: 1 }, { version: 2 }, { version: 4 }];
    expect(versionsBetween(all, 1, 3).map((v) => v.version)).toEqual([2, 3]);
    expect(versionsBetween(all, null, 2).map((v) => v.version)).toEqual([1, 2]);
  });
});

describe('ackRequired', () => {
  it('reads the queue\'s refusal', () => {
    expect(ackRequired({ code: 'guideline_ack_required', details: { version: 3, since: 1 } })).toEqual({ version: 3, since: 1 });
    expect(ackRequired({ code: 'guideline_ack_required', details: { version: 1, since: null } })).toEqual({ version: 1, since: null });
  });

  it('ignores other errors and malformed details', () => {
    expect(ackRequired({ code: 'conflict', details: { version: 3 } })).toBeNull();
    expect(ackRequired({ code: 'guideline_ack_required', details: {} })).toBeNull();
    expect(ackRequired(new Error('boom'))).toBeNull();
    expect(ackRequired(null)).toBeNull();
  });
});

describe('qualificationRequired', () => {
  it('reads the queue\'s refusal', () => {
    expect(qualificationRequired({ code: 'qualification_required', details: { quiz_id: 4, version: 2 } })).toEqual({ quizId: 4, version: 2 });
  });

  it('ignores other errors and malformed details', () => {
    expect(qualificationRequired({ code: 'guideline_ack_required', details: { quiz_id: 4, version: 2 } })).toBeNull();
    expect(qualificationRequired({ code: 'qualification_required', details: { version: 2 } })).toBeNull();
    expect(qualificationRequired(null)).toBeNull();
  });
});

describe('insertBlock', () => {
  it('puts the text on a line of its own at the caret', () => {
    expect(insertBlock('ab', 1, 1, 'X')).toEqual({ value: 'a\nX\nb', caret: 3 });
    expect(insertBlock('a\n', 2, 2, 'X')).toEqual({ value: 'a\nX', caret: 3 });
    expect(insertBlock('', 0, 0, 'X')).toEqual({ value: 'X', caret: 1 });
    expect(insertBlock('abc', 1, 2, 'X')).toEqual({ value: 'a\nX\nc', caret: 3 });
    expect(insertBlock('ab', 9, 9, 'X').value).toBe('ab\nX');
  });
});

describe('quiz drafts', () => {
  it('numbers new questions past the ids taken', () => {
    expect(newQuestion([]).id).toBe('q1');
    expect(newQuestion([{ id: 'q2' }]).id).toBe('q3');
    expect(newQuestion([{ id: 'q1' }, { id: 'q3' }]).id).toBe('q4');
  });

  it('toggles choices by kind', () => {
    expect(toggleChoice('single', [1], 2)).toEqual([2]);
    expect(toggleChoice('multiple', [2], 0)).toEqual([0, 2]);
    expect(toggleChoice('multiple', [0, 2], 2)).toEqual([0]);
  });

  it('keeps correct answers on the same options when one is removed', () => {
    const q = { ...newQuestion([]), kind: 'multiple' as const, options: ['a', 'b', 'c'], correct: [0, 2] };
    expect(removeOption(q, 1)).toMatchObject({ options: ['a', 'c'], correct: [0, 1] });
    expect(removeOption({ ...q, kind: 'single', correct: [1] }, 1)).toMatchObject({ correct: [0] });
  });

  it('lists what keeps a quiz from being saved', () => {
    const ok = { id: 'q1', text: 'Which?', kind: 'single' as const, options: ['a', 'b'], correct: [1], explanation: '' };
    expect(quizProblems([ok], 80, 3, 0)).toEqual([]);
    expect(quizProblems([], 120, 0, -1)).toHaveLength(4);
    expect(quizProblems([ok, { ...ok, text: ' ', options: ['a', ''], correct: [0, 1] }], 80, 3, 0)).toEqual([
      'Question 2: its id must be unique.',
      'Question 2: write the question.',
      'Question 2: an option is empty.',
      'Question 2: single choice has one correct option.',
    ]);
  });
});

describe('recheckSummary', () => {
  it('says what was sent and what was left', () => {
    const r = { stage: 'annotate', sent: 1, already_pending: 2, in_progress: 0, already_reviewed: 0, truncated: false };
    expect(recheckSummary(r)).toBe('1 item sent to their annotators; 2 already waiting for a re-check.');
    expect(recheckSummary({ ...r, stage: 'review', sent: 0, already_pending: 0, already_reviewed: 3, up_to_date: 1 })).toBe(
      '0 items sent to review; 1 already redone under the new version; 3 already reviewed (send those to their annotators instead).',
    );
  });
});

describe('addedImages', () => {
  it('lists the images of added lines only, once each', () => {
    const raw = ['--- v1', '+++ v2', '@@ -1,2 +1,3 @@', ' ![old](asset:1)', '-![gone](asset:2)', '+see ![new](asset:3) and ![new](asset:3)', '+![x](https://e.x/p.gif)'];
    expect(addedImages(raw)).toEqual(['![new](asset:3)']);
  });
});
