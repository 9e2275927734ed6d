// Web links become anchors; everything else stays text. React escapes it, so nothing typed is ever HTML.
const LINK = /\bhttps?:\/\/[^\s<>"]+/gi;
// As GitHub's autolinks: a link does not end in punctuation, nor in a formatting marker (`*https://x.com*` is bold).
const TRAILING_PUNCTUATION = '.,;:!?)]\'"*_~';

export type TextPart = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

/** Only http and https URLs become links: `javascript:`, `data:` and the like stay text. */
export function splitLinks(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let cursor = 0;
  for (const match of text.matchAll(LINK)) {
    const raw = match[0];
    // A loop, not a /[...]+$/ regex: that one retries from every mark of a long run, quadratic in its length.
    let length = raw.length;
    while (TRAILING_PUNCTUATION.includes(raw[length - 1]!)) length--;
    const url = raw.slice(0, length);
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
