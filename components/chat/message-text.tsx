import type { ReactNode } from 'react';
import { parseFormatting, type FormatNode } from '@/lib/format/parse';
import { MENTION_PATTERN } from '@/lib/realtime/messages';

// Links live with the formatting parser, which keeps markers inside a URL from formatting it.
export { splitLinks, type TextPart } from '@/lib/format/links';

export type MentionPart = { kind: 'text'; text: string } | { kind: 'mention'; text: string; username: string };

/** Marks `@username` of the given people (lower-case usernames); any other `@word` stays text. */
export function splitMentions(text: string, usernames: ReadonlySet<string>): MentionPart[] {
  if (usernames.size === 0 || !text.includes('@')) return text ? [{ kind: 'text', text }] : [];
  const parts: MentionPart[] = [];
  let cursor = 0;
  // The server's pattern: what is highlighted is exactly what it stored as a mention.
  for (const match of text.matchAll(MENTION_PATTERN)) {
    const username = match[1]!.toLowerCase();
    if (!usernames.has(username)) continue;
    const start = match.index;
    if (start > cursor) parts.push({ kind: 'text', text: text.slice(cursor, start) });
    parts.push({ kind: 'mention', text: text.slice(start, start + username.length + 1), username });
    cursor = start + username.length + 1;
  }
  if (cursor < text.length) parts.push({ kind: 'text', text: text.slice(cursor) });
  return parts;
}

export type Mentions = { usernames: ReadonlySet<string>; mine: string };

function TextWithMentions({ text, mentions }: { text: string; mentions?: Mentions }) {
  if (!mentions) return <span>{text}</span>;
  return (
    <>
      {splitMentions(text, mentions.usernames).map((part, index) =>
        part.kind === 'mention' ? (
          <span
            key={index}
            data-mention={part.username}
            className={
              part.username === mentions.mine
                ? 'rounded bg-accent px-0.5 font-semibold text-accent-ink'
                : 'font-semibold underline decoration-2 underline-offset-2'
            }
          >
            {part.text}
          </span>
        ) : (
          <span key={index}>{part.text}</span>
        ),
      )}
    </>
  );
}

// Tinted by the bubble's own ink, so it shows on every bubble in both themes and keeps the ink's contrast.
const CODE_SHADE = 'rounded bg-current/10 font-mono text-[0.9em]';

/** React elements only, never HTML: every string a user typed reaches the page as a text node. */
function renderNodes(nodes: FormatNode[], mentions?: Mentions): ReactNode[] {
  return nodes.map((node, index) => {
    if (typeof node === 'string') return <TextWithMentions key={index} text={node} mentions={mentions} />;
    if (node.kind === 'a')
      return (
        <a key={index} href={node.href} target="_blank" rel="noopener noreferrer" className="underline underline-offset-2">
          {node.text}
        </a>
      );
    if (node.kind === 'code')
      return (
        <code key={index} className={`${CODE_SHADE} px-1`}>
          {node.text}
        </code>
      );
    if (node.kind === 'pre')
      // Scrolls sideways instead of widening the bubble; focusable so a keyboard can scroll it too.
      return (
        <pre key={index} tabIndex={0} className={`${CODE_SHADE} my-1 overflow-x-auto p-2 whitespace-pre [overflow-wrap:normal]`}>
          <code data-language={node.language}>{node.text}</code>
        </pre>
      );
    const Tag = node.kind;
    return <Tag key={index}>{renderNodes(node.children, mentions)}</Tag>;
  });
}

/** Formatting (lib/format/parse.ts), links, and (in groups) members' `@username` highlighted; mine stands out more. */
export function MessageText({ text, mentions }: { text: string; mentions?: Mentions }) {
  // A div, not a p: a fenced block is a <pre>, which a paragraph may not hold.
  return (
    <div data-testid="message-text" className="whitespace-pre-wrap [overflow-wrap:anywhere]">
      {renderNodes(parseFormatting(text), mentions)}
    </div>
  );
}
