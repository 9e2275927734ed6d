import { describe, expect, it } from 'vitest';
import { SHORTCODES } from './shortcode-table';
import { replaceShortcodes } from './shortcodes';

describe('replaceShortcodes', () => {
  it.each([
    [':smile:', '😄'],
    [':+1: :-1: :100:', '👍 👎 💯'],
    ['great :tada:!', 'great 🎉!'],
    [':heart::joy:', '❤️😂'],
    ['(:thumbsup:)', '(👍)'],
    ['line one :fire:\nline two :rocket:', 'line one 🔥\nline two 🚀'],
    ['*so good :joy:*', '*so good 😂*'],
  ])('%j → %j', (input, expected) => {
    expect(replaceShortcodes(input)).toBe(expected);
  });

  it.each([
    ['an unknown name', ':not_an_emoji: :Smile:'],
    ['times', 'at 10:30:45 or 9:00:00'],
    ['names glued to words', 'x:smile: :smile:y a:b:c'],
    ["Object.prototype's names", ':constructor: :__proto__: :toString: :hasOwnProperty:'],
    ['an inline code span', 'type `:smile:` to smile'],
    ['a fenced block', '```\n:smile: :tada:\n```'],
    ['a fenced block with a language', '```yaml\nkey: :tada:\n```'],
    ['a link', 'https://example.com/:smile:/page'],
    ['a lone colon', ': : :: :::'],
    ['no colon at all', 'plain text'],
  ])('leaves %s as typed', (_case, input) => {
    expect(replaceShortcodes(input)).toBe(input);
  });

  it('replaces around code and links, not inside them', () => {
    expect(replaceShortcodes(':wave: `:wave:` :wave:')).toBe('👋 `:wave:` 👋');
    expect(replaceShortcodes(':eyes:\n```\n:eyes:\n```\n:eyes:')).toBe('👀\n```\n:eyes:\n```\n👀');
    expect(replaceShortcodes('https://x.com/:joy: :joy:')).toBe('https://x.com/:joy: 😂');
  });

  it('replaces in a text an unclosed fence leaves as text', () => {
    expect(replaceShortcodes('```\n:tada:')).toBe('```\n🎉');
  });

  it('has only emoji shorter than their shortcodes, so a message within the limit stays within it', () => {
    for (const [name, emoji] of Object.entries(SHORTCODES)) {
      expect(name, 'a name the pattern can match').toMatch(/^[a-z0-9_+-]{1,40}$/);
      expect(Array.from(emoji).length, name).toBeLessThan(name.length + 2);
      expect(replaceShortcodes(`:${name}:`), name).toBe(emoji);
    }
    expect(Object.keys(SHORTCODES).length).toBeGreaterThanOrEqual(150);
  });

  it('handles a 4,000-character text of colons and names in one pass', () => {
    const input = ':smile:a:'.repeat(444) + ':joy:';
    const output = replaceShortcodes(input);
    expect(output.endsWith('😂')).toBe(true);
    expect(output.length).toBeLessThanOrEqual(input.length);
  });
});
