// splitLinks lives with its component; vitest only collects tests under lib/ and db/.
import { describe, expect, it } from 'vitest';
import { splitLinks, type TextPart } from '@/components/chat/message-text';

const link = (text: string, href = new URL(text).href): TextPart => ({ kind: 'link', text, href });
const text = (value: string): TextPart => ({ kind: 'text', text: value });

describe('splitLinks', () => {
  it('leaves text without links as one text part, and nothing as nothing', () => {
    expect(splitLinks('just words')).toEqual([text('just words')]);
    expect(splitLinks('')).toEqual([]);
  });

  it('turns http and https URLs into links, keeping the text around them', () => {
    expect(splitLinks('see https://example.com/a?b=1 and http://example.org')).toEqual([
      text('see '),
      link('https://example.com/a?b=1'),
      text(' and '),
      link('http://example.org'),
    ]);
  });

  it('matches the scheme case-insensitively and normalises the href', () => {
    expect(splitLinks('HTTPS://Example.COM/Path')).toEqual([link('HTTPS://Example.COM/Path', 'https://example.com/Path')]);
  });

  it.each([
    ['a full stop', 'Go to https://example.com.', 'https://example.com', '.'],
    ['a comma', 'https://example.com/x, then', 'https://example.com/x', ', then'],
    ['a closing parenthesis', '(https://example.com/x)', 'https://example.com/x', ')'],
    ['several marks', 'really https://example.com/?!', 'https://example.com/', '?!'],
    ['a quote', "'https://example.com'", 'https://example.com', "'"],
  ])('leaves trailing punctuation out of the link: %s', (_case, input, url, after) => {
    const parts = splitLinks(input);
    expect(parts.find((part) => part.kind === 'link')).toEqual(link(url));
    expect(parts.at(-1)).toEqual(text(after));
    expect(parts.map((part) => part.text).join('')).toBe(input);
  });

  it.each([
    'javascript:alert(1)',
    'JavaScript:alert(document.cookie)',
    'javascript://example.com/%0Aalert(1)',
    'data:text/html,<script>alert(1)</script>',
    'ftp://example.com/file',
    'mailto:someone@example.com',
    'www.example.com',
  ])('never makes a link of %j', (input) => {
    expect(splitLinks(input).every((part) => part.kind === 'text')).toBe(true);
    expect(splitLinks(input).map((part) => part.text).join('')).toBe(input);
  });

  it('links only the http URL inside a javascript: prefix', () => {
    const parts = splitLinks('javascript:https://example.com');
    expect(parts).toEqual([text('javascript:'), link('https://example.com')]);
  });

  it('does not link a scheme glued to a word, or a bare scheme', () => {
    expect(splitLinks('xhttps://example.com').every((part) => part.kind === 'text')).toBe(true);
    expect(splitLinks('https://...').every((part) => part.kind === 'text')).toBe(true);
  });

  it('stops a link at whitespace, < > and "', () => {
    expect(splitLinks('<https://example.com/a>')).toEqual([text('<'), link('https://example.com/a'), text('>')]);
    expect(splitLinks('"https://example.com/b" x')).toEqual([text('"'), link('https://example.com/b'), text('" x')]);
  });
});
