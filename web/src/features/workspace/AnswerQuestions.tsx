// The item's fields and one tool per question. Each question reads only its own answer, so a
// change to one answer re-renders one tool.
import { memo, useCallback, useMemo } from 'react';
import type { Item, LabelingSchema, QuestionSpec } from '../../api/types';
import { kindOf } from '../../kinds/registry';
import { normalizeSection, sectionAnchor } from '../../domain/guideline';
import { splitSectionRefs } from '../../domain/guidelineText';
import type { ChangeOptions } from '../../kinds/types';
import { ShowItemFields } from '../common/ShowItemFields';

export interface AnswerSource {
  /** Called as a hook inside each question: return that question's answer. */
  useAnswer(question: string): unknown;
  onAnswer(question: string, value: unknown, opts?: ChangeOptions): void;
  active: string | null;
  onActivate(question: string): void;
  readOnly?: boolean;
  /** The guideline shown beside the questions: its sections, and how to scroll it to one. */
  guideline?: GuidelineLinks | null;
}

export interface GuidelineLinks {
  version: number;
  sections: Record<string, { title?: unknown }>;
  open(section: string): void;
}

/** "§3.2" beside a question: a link that scrolls the guideline there, or a tag when it has no such section. */
function SectionLink({ question, guideline }: { question: QuestionSpec; guideline?: GuidelineLinks | null }) {
  const section = normalizeSection(question.guideline_section ?? '');
  if (!section) return null;
  const known = guideline?.sections[section];
  if (!guideline || !known) {
    const why = guideline ? `guideline v${guideline.version} has no section ${section}` : undefined;
    return (
      <span className="tag" title={why}>
        guideline §{section}
      </span>
    );
  }
  const title = typeof known.title === 'string' ? known.title : '';
  return (
    <a
      href={`#${sectionAnchor(section)}`}
      className="section-link"
      title={`Guideline v${guideline.version}, section ${section}${title ? `: ${title}` : ''}`}
      data-testid={`section-link-${question.name}`}
      onClick={(e) => {
        e.preventDefault();
        guideline.open(section);
      }}
    >
      §{section}
    </a>
  );
}

/** A question's help text with each "§3.2" it names linked to that section of the guideline
 * beside it (a section the guideline lacks stays text). */
function HelpText({ question, guideline }: { question: QuestionSpec; guideline?: GuidelineLinks | null }) {
  const parts = useMemo(() => splitSectionRefs(question.help ?? ''), [question.help]);
  return (
    <p className="muted small pre" data-testid={`help-${question.name}`}>
      {parts.map((part, i) => {
        if (part.kind === 'text' || !guideline?.sections[part.section]) return part.text;
        const title = guideline.sections[part.section]!.title;
        return (
          <a
            key={i}
            href={`#${sectionAnchor(part.section)}`}
            title={`Guideline v${guideline.version}, section ${part.section}${typeof title === 'string' && title ? `: ${title}` : ''}`}
            data-testid={`help-section-link-${question.name}-${part.section}`}
            onClick={(e) => {
              e.preventDefault();
              guideline.open(part.section);
            }}
          >
            {part.text}
          </a>
        );
      })}
    </p>
  );
}

interface QuestionProps {
  question: QuestionSpec;
  item: Item;
  source: AnswerSource;
  active: boolean;
  problem?: string | null;
}

const AnswerQuestion = memo(function AnswerQuestion({ question, item, source, active, problem }: QuestionProps) {
  const value = source.useAnswer(question.name);
  const kind = kindOf(question.kind);
  const { onAnswer, onActivate } = source;
  const onChange = useCallback((v: unknown, opts?: ChangeOptions) => onAnswer(question.name, v, opts), [onAnswer, question.name]);
  const activate = useCallback(() => onActivate(question.name), [onActivate, question.name]);
  const Tool = kind.Tool;
  return (
    <section
      className={`question${active ? ' active' : ''}${problem ? ' has-problem' : ''}`}
      data-testid={`question-${question.name}`}
      data-kind={question.kind}
      onMouseDownCapture={activate}
      onFocusCapture={activate}
      aria-label={question.title ?? question.name}
    >
      <header>
        <h3>
          {question.title ?? question.name}
          {question.required === false && <span className="muted small"> optional</span>}
          <SectionLink question={question} guideline={source.guideline} />
        </h3>
        {question.help && <HelpText question={question} guideline={source.guideline} />}
      </header>
      <Tool question={question} item={item} value={value} onChange={onChange} active={active} onActivate={activate} readOnly={source.readOnly} />
      {problem && <div className="warning" role="status">{problem}</div>}
    </section>
  );
});

export function AnswerQuestions({ schema, item, source, problems = {} }: { schema: LabelingSchema; item: Item; source: AnswerSource; problems?: Record<string, string> }) {
  // Fields drawn by a tool (the text of a span question, the image of a box question) are not repeated.
  const owned = schema.questions.filter((q) => kindOf(q.kind).ownsField && q.field).map((q) => q.field!);
  return (
    <div className="answer-questions">
      <ShowItemFields fields={schema.fields} item={item} skip={owned} />
      {schema.questions.map((q) => (
        <AnswerQuestion key={q.name} question={q} item={item} source={source} active={source.active === q.name} problem={problems[q.name]} />
      ))}
    </div>
  );
}
