import { splitLinks } from './links';

/**
 * A message's formatting, as WhatsApp and Slack read it: `*bold*`, `_italic_`, `~strike~`, `` `code` `` and ```
 * fenced blocks ```. Plain data, never HTML: the renderer turns each node into a React element and React escapes
 * every string. A string node is text in which mentions may still be highlighted.
 */
export type FormatNode =
  | string
  | { kind: 'strong' | 'em' | 's'; children: FormatNode[] }
  | { kind: 'code'; text: string }
  | { kind: 'pre'; text: string; language?: string }
  | { kind: 'a'; text: string; href: string };

type Marker = '*' | '_' | '~';
const TAGS: Record<Marker, 'strong' | 'em' | 's'> = { '*': 'strong', _: 'em', '~': 's' };
const FENCE = '```';
const FENCE_LANGUAGE = /^([\w+#.-]{0,20})\n/;
const WORD = /[\p{L}\p{N}]/u;
const SPACE = /\s/;

const isMarker = (char: string | undefined): char is Marker => char === '*' || char === '_' || char === '~';
// A marker counts only at a word boundary, so `2*3*4`, `snake_case_name` and `@_name_` stay as typed; `**` is no marker.
const isWordOrSame = (char: string | undefined, marker: string) => char !== undefined && (char === marker || char === '@' || WORD.test(char));
const hugs = (char: string | undefined, marker: string) => char !== undefined && char !== marker && !SPACE.test(char);

const opens = (line: string, at: number) => hugs(line[at + 1], line[at]!) && !isWordOrSame(line[at - 1], line[at]!);
const closes = (line: string, at: number) => hugs(line[at - 1], line[at]!) && !isWordOrSame(line[at + 1], line[at]!);

/** Appends text, joined to the text before it so that runs of plain text stay one node. */
function pushText(into: FormatNode[], text: string) {
  if (!text) return;
  const last = into.length - 1;
  if (typeof into[last] === 'string') into[last] += text;
  else into.push(text);
}

/**
 * Code spans and links of one line: `[start, end, node]` by start. Neither holds formatting, and a marker inside one
 * neither opens nor closes (`https://x.com/_a_` stays one link). The earlier one wins where they overlap.
 */
export function findVerbatim(line: string): Map<number, [number, FormatNode]> {
  const verbatim = new Map<number, [number, FormatNode]>();
  const links: Array<[number, FormatNode]> = [];
  let offset = 0;
  for (const part of splitLinks(line)) {
    if (part.kind === 'link') links.push([offset, { kind: 'a', text: part.text, href: part.href }]);
    offset += part.text.length;
  }
  let nextLink = 0;
  let tick = line.indexOf('`');
  for (let at = 0; at < line.length; ) {
    while (links[nextLink] && links[nextLink]![0] < at) nextLink++;
    const link = links[nextLink];
    if (tick >= 0 && tick < at) tick = line.indexOf('`', at);
    if (link && (tick < 0 || link[0] < tick)) {
      const node = link[1] as { text: string };
      verbatim.set(link[0], [link[0] + node.text.length, link[1]]);
      at = link[0] + node.text.length;
    } else if (tick >= 0) {
      const close = line.indexOf('`', tick + 1);
      // Every later backtick is unmatched too: only links are left to find.
      if (close < 0) tick = -1;
      else if (close > tick + 1) verbatim.set(tick, [close + 1, { kind: 'code', text: line.slice(tick + 1, close) }]);
      at = close < 0 ? at : close + 1;
    } else break;
  }
  return verbatim;
}

/**
 * One line's inline formatting in linear time: every marker that may close is listed once, and each marker's
 * list is read by a pointer that only moves forward, since openers are met left to right, nested ones included.
 * An opener pairs with the first closer of its kind after it inside its parent: `*a _b* c_` is bold "a _b".
 */
function parseLine(line: string, into: FormatNode[]) {
  const verbatim = findVerbatim(line);
  const closers: Record<Marker, number[]> = { '*': [], _: [], '~': [] };
  for (let at = 0; at < line.length; at++) {
    const skip = verbatim.get(at);
    const char = line[at];
    if (skip) at = skip[0] - 1;
    else if (isMarker(char) && closes(line, at)) closers[char].push(at);
  }
  const next: Record<Marker, number> = { '*': 0, _: 0, '~': 0 };

  const parseRange = (start: number, end: number, out: FormatNode[]) => {
    let textStart = start;
    for (let at = start; at < end; at++) {
      const skip = verbatim.get(at);
      const char = line[at];
      let node: FormatNode | undefined;
      let after = 0;
      if (skip) [after, node] = skip;
      else if (isMarker(char) && opens(line, at)) {
        const list = closers[char];
        while (list[next[char]]! < at + 2) next[char]++;
        const close = list[next[char]];
        if (close !== undefined && close < end) {
          const children: FormatNode[] = [];
          parseRange(at + 1, close, children);
          next[char]++;
          node = { kind: TAGS[char], children };
          after = close + 1;
        }
      }
      if (!node) continue;
      pushText(out, line.slice(textStart, at));
      out.push(node);
      textStart = after;
      at = after - 1;
    }
    pushText(out, line.slice(textStart, end));
  };
  parseRange(0, line.length, into);
}

function parseInline(text: string, into: FormatNode[]) {
  text.split('\n').forEach((line, index) => {
    if (index > 0) pushText(into, '\n');
    parseLine(line, into);
  });
}

type Fence = { start: number; end: number; code: string; language?: string };

/** The fenced blocks of a text, fences included; a fence may name a language on its first line (```js). */
export function findFences(text: string): Fence[] {
  const fences: Fence[] = [];
  for (let start = text.indexOf(FENCE), from = 0; start >= 0; start = text.indexOf(FENCE, from)) {
    const close = text.indexOf(FENCE, start + 3);
    if (close < 0) break;
    let code = text.slice(start + 3, close);
    const language = FENCE_LANGUAGE.exec(code);
    if (language) code = code.slice(language[0].length);
    code = code.replace(/\n$/, '');
    from = close + 3;
    // ``` ``` with nothing inside stays as typed.
    if (code.trim()) fences.push({ start, end: from, code, language: language?.[1] || undefined });
  }
  return fences;
}

/** A message body as formatting nodes. Nothing inside a fenced block is formatting, and no marker pairs across one. */
export function parseFormatting(text: string): FormatNode[] {
  const nodes: FormatNode[] = [];
  let cursor = 0;
  for (const fence of findFences(text)) {
    // The block is on lines of its own: the newlines around its fences are not text.
    parseInline(text.slice(cursor, fence.start).replace(/\n$/, ''), nodes);
    nodes.push({ kind: 'pre', text: fence.code, language: fence.language });
    cursor = text[fence.end] === '\n' ? fence.end + 1 : fence.end;
  }
  parseInline(text.slice(cursor), nodes);
  return nodes;
}

// A block keeps the line breaks its fences stood for.
const flatten = (nodes: FormatNode[]): string =>
  nodes
    .map((node) => (typeof node === 'string' ? node : 'children' in node ? flatten(node.children) : node.kind === 'pre' ? `\n${node.text}\n` : node.text))
    .join('');

/** The text without its markers, for previews (the chat list, notifications). */
export function plainPreview(text: string): string {
  return flatten(parseFormatting(text)).trim();
}
