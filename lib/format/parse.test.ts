import { describe, expect, it } from 'vitest';
import { parseFormatting, plainPreview, type FormatNode } from './parse';

const strong = (...children: FormatNode[]): FormatNode => ({ kind: 'strong', children });
const em = (...children: FormatNode[]): FormatNode => ({ kind: 'em', children });
const s = (...children: FormatNode[]): FormatNode => ({ kind: 's', children });
const code = (text: string): FormatNode => ({ kind: 'code', text });
const pre = (text: string, language?: string): FormatNode => ({ kind: 'pre', text, language });
const a = (text: string, href = new URL(text).href): FormatNode => ({ kind: 'a', text, href });

/** Every string in the tree, in order: what a reader sees once the markers are gone. */
const textOf = (nodes: FormatNode[]): string =>
  nodes.map((node) => (typeof node === 'string' ? node : 'children' in node ? textOf(node.children) : node.text)).join('');

describe('parseFormatting: the markers', () => {
  it.each<[string, FormatNode[]]>([
    ['*bold*', [strong('bold')]],
    ['_italic_', [em('italic')]],
    ['~strike~', [s('strike')]],
    ['`code`', [code('code')]],
    ['a *b* c', ['a ', strong('b'), ' c']],
    ['*x*', [strong('x')]],
    ['*two words*', [strong('two words')]],
    ['(*bold*), _it_! ~s~.', ['(', strong('bold'), '), ', em('it'), '! ', s('s'), '.']],
    ['"*quoted*"', ['"', strong('quoted'), '"']],
    ['*a* *b*', [strong('a'), ' ', strong('b')]],
  ])('%j', (input, expected) => {
    expect(parseFormatting(input)).toEqual(expected);
  });

  it('nests bold, italic and strike in any order', () => {
    expect(parseFormatting('_*~all~*_')).toEqual([em(strong(s('all')))]);
    expect(parseFormatting('*bold _both_ bold*')).toEqual([strong('bold ', em('both'), ' bold')]);
    expect(parseFormatting('~*gone* and _this_~')).toEqual([s(strong('gone'), ' and ', em('this'))]);
  });

  it('pairs an opener with the first closer of its kind; a pair never crosses its parent', () => {
    expect(parseFormatting('*a _b* c_')).toEqual([strong('a _b'), ' c_']);
    expect(parseFormatting('*a *b* c*')).toEqual([strong('a *b'), ' c*']);
  });

  it('keeps newlines, and a marker does not pair across one', () => {
    expect(parseFormatting('*one*\n_two_\n\nthree')).toEqual([strong('one'), '\n', em('two'), '\n\nthree']);
    expect(parseFormatting('*not\nbold*')).toEqual(['*not\nbold*']);
  });
});

describe('parseFormatting: what stays as typed', () => {
  it.each([
    '2*3*4',
    '2 * 3 * 4',
    'snake_case_name and __init__',
    'a~b~c',
    '* not a list *',
    '*unclosed',
    'unopened*',
    '_ spaced _',
    '**double**',
    '~~double~~',
    '``',
    '*',
    '',
    'mail_me_at me_you@example.com',
    'semver 1.2.3_beta_4',
  ])('%j', (input) => {
    expect(parseFormatting(input)).toEqual(input ? [input] : []);
  });

  it('leaves unmatched markers literal beside matched ones', () => {
    expect(parseFormatting('*open _it_')).toEqual(['*open ', em('it')]);
    expect(parseFormatting('`a` b`')).toEqual([code('a'), ' b`']);
  });

  it('does not treat the underscore that starts a username as a marker', () => {
    expect(parseFormatting('hi @_ana_ there')).toEqual(['hi @_ana_ there']);
  });

  it('works beside letters of any script and emoji', () => {
    expect(parseFormatting('привет *мир* 👋 _ok_')).toEqual(['привет ', strong('мир'), ' 👋 ', em('ok')]);
    expect(parseFormatting('слово_в_слове')).toEqual(['слово_в_слове']);
  });
});

describe('parseFormatting: code', () => {
  it('keeps code verbatim: no formatting and no links inside', () => {
    expect(parseFormatting('`*a* _b_ https://x.com`')).toEqual([code('*a* _b_ https://x.com')]);
    expect(parseFormatting('*bold `not*` still*')).toEqual([strong('bold ', code('not*'), ' still')]);
  });

  it('makes a fenced block, with or without a language', () => {
    expect(parseFormatting('```\nconst a = *1*;\n```')).toEqual([pre('const a = *1*;')]);
    expect(parseFormatting('```ts\nlet x = 1;\n  x++;\n```')).toEqual([pre('let x = 1;\n  x++;', 'ts')]);
    expect(parseFormatting('```one line```')).toEqual([pre('one line')]);
  });

  it('treats the lines around a block as text, without the newlines the fences stand on', () => {
    expect(parseFormatting('before *b*\n```\nx\n```\nafter _i_')).toEqual(['before ', strong('b'), pre('x'), 'after ', em('i')]);
    expect(parseFormatting('```a``` and ```b```')).toEqual([pre('a'), ' and ', pre('b')]);
  });

  it('keeps the first line of a block when it is not a language name', () => {
    expect(parseFormatting('```let x = 1\ny```')).toEqual([pre('let x = 1\ny')]);
  });

  it('does not pair markers across a block', () => {
    expect(parseFormatting('*a\n```\nb\n```\nc*')).toEqual(['*a', pre('b'), 'c*']);
  });

  it('leaves an unclosed or empty fence as typed', () => {
    expect(textOf(parseFormatting('```\nnever closed'))).toBe('```\nnever closed');
    expect(parseFormatting('``````')).toEqual(['``````']);
    expect(parseFormatting('```\n\n```')).toEqual(['```\n\n```']);
  });
});

describe('parseFormatting: links', () => {
  it('links http(s) URLs, inside formatting too', () => {
    expect(parseFormatting('see https://example.com/a')).toEqual(['see ', a('https://example.com/a')]);
    expect(parseFormatting('*https://example.com*')).toEqual([strong(a('https://example.com'))]);
    expect(parseFormatting('_read https://example.com/x._')).toEqual([em('read ', a('https://example.com/x'), '.')]);
  });

  it('never formats inside a URL', () => {
    expect(parseFormatting('https://x.com/a_b_c')).toEqual([a('https://x.com/a_b_c')]);
    expect(parseFormatting('https://x.com/_a_/*b*/~c~/d')).toEqual([a('https://x.com/_a_/*b*/~c~/d')]);
    // As GitHub's autolinks: a marker at the end closes formatting instead of joining the link.
    expect(parseFormatting('https://x.com/a_')).toEqual([a('https://x.com/a'), '_']);
    // The `*` inside the URL neither closes nor opens; the one after it closes.
    expect(parseFormatting('*x https://x.com/*y* z*')).toEqual([strong('x ', a('https://x.com/*y')), ' z*']);
  });

  it.each(['javascript:alert(1)', '*javascript:alert(1)*', '`https://x.com`', '[x](javascript:alert(1))', 'data:text/html,<b>x</b>'])(
    'makes no anchor of %j',
    (input) => {
      const anchors = JSON.stringify(parseFormatting(input)).match(/"kind":"a"/g);
      expect(anchors).toBeNull();
    },
  );
});

describe('parseFormatting: safety and size', () => {
  it('keeps markup as text in every node kind', () => {
    expect(parseFormatting('*<script>alert(1)</script>*')).toEqual([strong('<script>alert(1)</script>')]);
    expect(parseFormatting('`<img src=x onerror=alert(1)>`')).toEqual([code('<img src=x onerror=alert(1)>')]);
    expect(parseFormatting('```html\n<script>x</script>\n```')).toEqual([pre('<script>x</script>', 'html')]);
    expect(parseFormatting('*<b>hi</b>*')).toEqual([strong('<b>hi</b>')]);
  });

  it('loses no character: markers aside, the text is what was typed', () => {
    const input = 'a *b* _c_ ~d~ `e` 2*3*4 x_y_z https://x.com/_q_ *unclosed';
    expect(textOf(parseFormatting(input))).toBe('a b c d e 2*3*4 x_y_z https://x.com/_q_ *unclosed');
  });

  it.each([
    ['openers without closers', '*a _b ~c '.repeat(445)],
    ['closers without openers', 'a* b_ c~ '.repeat(445)],
    ['alternating markers', '*_~'.repeat(1334)],
    ['backticks', '` x'.repeat(1334)],
    ['fences', '```` '.repeat(800)],
    ['nested pairs', '*_~x~_* '.repeat(500)],
    ['URLs with markers', 'https://x.com/*_~ '.repeat(230)],
  ])('parses 4,000 pathological characters (%s) in one pass', (_name, input) => {
    const nodes = parseFormatting(input);
    expect(nodes.length).toBeGreaterThan(0);
    // Nothing is dropped or duplicated, whatever the markers did.
    expect(textOf(nodes).replace(/[*_~`\s]/g, '').length).toBeLessThanOrEqual(input.replace(/[*_~`\s]/g, '').length);
  });

  it('nests pathological pairs correctly', () => {
    const nodes = parseFormatting('*_~x~_* '.repeat(500));
    expect(nodes.filter((node) => typeof node !== 'string')).toHaveLength(500);
    expect(nodes[0]).toEqual(strong(em(s('x'))));
  });

  it('leaves an unclosed 4,000-character run as typed', () => {
    const input = '*a _b ~c '.repeat(445);
    expect(parseFormatting(input)).toEqual([input]);
  });
});

describe('plainPreview', () => {
  it.each([
    ['*bold* _it_ ~s~ `c`', 'bold it s c'],
    ['2*3*4 snake_case', '2*3*4 snake_case'],
    ['look:\n```js\nx = 1\n```\ndone', 'look:\nx = 1\ndone'],
    ['```\ncode only\n```', 'code only'],
    ['*https://x.com*', 'https://x.com'],
  ])('%j → %j', (input, expected) => {
    expect(plainPreview(input)).toBe(expected);
  });
});
