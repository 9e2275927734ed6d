import { MENTION_PATTERN } from '@/lib/realtime/messages';

// Web links become anchors; everything else stays text. React escapes it, so nothing typed is ever HTML.
const LINK = /\bhttps?:\/\/[^\s<>"]+/gi;
const TRAILING_PUNCTUATION = /[.,;:!?)\]'"]+$/;

export type TextPart = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

export function splitLinks(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let cursor = 0;
  for (const match of text.matchAll(LINK)) {
    const raw = match[0];
    const url = raw.replace(TRAILING_PUNCTUATION, '');
    const start = match.index;
    if (start > cursor) parts.push({ kind: 'text', text: text.slice(cursor, start) });
    let href: string | null = null;
    try {
      const parsed = new URL(url);
      if (parsed.protocol === 'http:' || parsed.protocol === 'https:') href = parsed.href;
    } catch {
      href = null;
    }
    parts.push(href ? { kind: 'link', text: url, href } : { kind: 'text', text: url });
    cursor = start + url.length;
  }
  if (cursor < text.length) parts.push({ kind: 'text', text: text.slice(cursor) });
  return parts;
}

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

/** Links and (in groups) members' `@username` highlighted; mine stands out more. */
export function MessageText({ text, mentions }: { text: string; mentions?: Mentions }) {
  return (
    <p className="whitespace-pre-wrap [overflow-wrap:anywhere]">
      {splitLinks(text).map((part, index) =>
        part.kind === 'link' ? (
          <a key={index} href={part.href} target="_blank" rel="noopener noreferrer" className="underline underline-offset-2">
            {part.text}
          </a>
        ) : (
          <TextWithMentions key={index} text={part.text} mentions={mentions} />
        ),
      )}
    </p>
  );
}
