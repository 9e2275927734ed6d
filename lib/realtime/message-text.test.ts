// MessageText is a component; vitest only collects tests under lib/ and db/.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { MessageText, splitLinks, type TextPart } from '@/components/chat/message-text';

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
    ['a formatting marker', '*https://example.com/a*', 'https://example.com/a', '*'],
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

  it('trims a 4,000-character run of trailing punctuation', () => {
    const run = '.'.repeat(3980);
    expect(splitLinks(`https://example.com/${run}`)).toEqual([link('https://example.com/'), text(run)]);
  });

  it('stops a link at whitespace, < > and "', () => {
    expect(splitLinks('<https://example.com/a>')).toEqual([text('<'), link('https://example.com/a'), text('>')]);
    expect(splitLinks('"https://example.com/b" x')).toEqual([text('"'), link('https://example.com/b'), text('" x')]);
  });
});

const render = (text: string, mentions?: { usernames: ReadonlySet<string>; mine: string }) =>
  renderToStaticMarkup(createElement(MessageText, { text, mentions }));

describe('MessageText', () => {
  it('renders each format as its element', () => {
    const html = render('*b* _i_ ~s~ `c`\n```js\nx\n```');
    expect(html).toContain('<strong><span>b</span></strong>');
    expect(html).toContain('<em><span>i</span></em>');
    expect(html).toContain('<s><span>s</span></s>');
    expect(html).toMatch(/<code class="[^"]*">c<\/code>/);
    expect(html).toMatch(/<pre tabindex="0" class="[^"]*overflow-x-auto[^"]*"><code data-language="js">x<\/code><\/pre>/);
  });

  it('escapes markup in every kind of node', () => {
    const html = render('<img src=x onerror=alert(1)> *<script>alert(1)</script>* `<b>` ```\n<i>\n```');
    expect(html).not.toMatch(/<(img|script|b|i)[\s>]/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('<strong><span>&lt;script&gt;alert(1)&lt;/script&gt;</span></strong>');
  });

  it('keeps links safe inside formatting, and makes none of javascript:', () => {
    const html = render('*see https://example.com/a_b* javascript:alert(1)');
    expect(html).toContain('<strong><span>see </span><a href="https://example.com/a_b" target="_blank" rel="noopener noreferrer"');
    expect(html.match(/<a /g)).toHaveLength(1);
  });

  it('highlights mentions inside formatting but not inside code', () => {
    const html = render('*hi @ana* `@ana`', { usernames: new Set(['ana']), mine: 'bo' });
    expect(html).toMatch(/<strong><span>hi <\/span><span data-mention="ana"[^>]*>@ana<\/span><\/strong>/);
    expect(html).toMatch(/<code[^>]*>@ana<\/code>/);
  });
});
