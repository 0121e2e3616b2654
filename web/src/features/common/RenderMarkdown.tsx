// Renders the safe Markdown tree as React elements: no HTML string is ever produced.
import { useMemo, type ReactNode } from 'react';
import { sectionAnchor, sectionOf, type Section } from '../../domain/guideline';
import { parseMarkdown, type Block, type Inline } from '../../domain/markdown';

function inline(nodes: Inline[], prefix: string): ReactNode[] {
  return nodes.map((n, i) => {
    const key = `${prefix}.${i}`;
    switch (n.type) {
      case 'text':
        return n.text;
      case 'br':
        return <br key={key} />;
      case 'code':
        return <code key={key}>{n.text}</code>;
      case 'em':
        return <em key={key}>{inline(n.children, key)}</em>;
      case 'strong':
        return <strong key={key}>{inline(n.children, key)}</strong>;
      case 'link':
        return (
          <a key={key} href={n.href} target="_blank" rel="noopener noreferrer nofollow">
            {inline(n.children, key)}
          </a>
        );
      case 'image':
        // Sources are same-origin only (see safeImageSrc); the alt text stands in while loading.
        return <img key={key} className="md-image" src={n.src} alt={n.alt} title={n.alt || undefined} loading="lazy" decoding="async" referrerPolicy="no-referrer" />;
    }
  });
}

/** Something to show at the end of a numbered section's heading (e.g. "Ask about this section"). */
export type SectionAction = (section: Section) => ReactNode;

function block(b: Block, key: string, anchors: Set<string> | null, action?: SectionAction): ReactNode {
  switch (b.type) {
    case 'heading': {
      const Tag = `h${Math.min(6, b.level + 2)}` as 'h3';
      // A numbered heading ("## 3.2 Occluded objects") gets an id a question's section link
      // scrolls to (the first heading of a number only, so ids stay unique).
      const section = anchors || action ? sectionOf(b.source) : null;
      const extra = section && action ? action(section) : null;
      if (section && anchors && !anchors.has(section.number)) {
        anchors.add(section.number);
        return (
          <Tag key={key} id={sectionAnchor(section.number)} data-section={section.number} tabIndex={-1}>
            {inline(b.children, key)}
            {extra}
          </Tag>
        );
      }
      return (
        <Tag key={key}>
          {inline(b.children, key)}
          {extra}
        </Tag>
      );
    }
    case 'paragraph':
      return <p key={key}>{inline(b.children, key)}</p>;
    case 'code':
      return (
        <pre key={key}>
          <code>{b.text}</code>
        </pre>
      );
    case 'hr':
      return <hr key={key} />;
    case 'quote':
      return <blockquote key={key}>{b.children.map((c, i) => block(c, `${key}.${i}`, anchors, action))}</blockquote>;
    case 'list': {
      const items = b.items.map((it, i) => <li key={i}>{inline(it, `${key}.${i}`)}</li>);
      return b.ordered ? (
        <ol key={key} start={b.start}>
          {items}
        </ol>
      ) : (
        <ul key={key}>{items}</ul>
      );
    }
  }
}

/** `anchors`: give numbered section headings an id (one rendering per page should ask for it);
 * `sectionAction`: what to add at the end of each numbered section's heading. */
export function RenderMarkdown({ source, className, anchors = false, sectionAction }: { source: string; className?: string; anchors?: boolean; sectionAction?: SectionAction }) {
  const blocks = useMemo(() => parseMarkdown(source), [source]);
  const seen = anchors ? new Set<string>() : null;
  return <div className={`markdown ${className ?? ''}`}>{blocks.map((b, i) => block(b, String(i), seen, sectionAction))}</div>;
}
