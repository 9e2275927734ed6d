import { findFences, findVerbatim } from './parse';
import { SHORTCODES } from './shortcode-table';

// A Map, not the object: `:constructor:` must not find Object.prototype's.
const EMOJI = new Map(Object.entries(SHORTCODES));
// Not glued to a word or a number on either side: `10:30:45`, `a:b:c` and `x:smile:y` stay as typed.
const SHORTCODE = /(?<![\p{L}\p{N}]):([a-z0-9_+-]{1,40}):(?![\p{L}\p{N}])/gu;

const replaceInText = (text: string) => text.replace(SHORTCODE, (typed, name: string) => EMOJI.get(name) ?? typed);

/** One line outside fenced blocks: code spans and links are kept as typed, the rest gets its emoji. */
function replaceInLine(line: string): string {
  let result = '';
  let cursor = 0;
  // In order: findVerbatim adds its spans left to right.
  for (const [start, [end]] of findVerbatim(line)) {
    result += replaceInText(line.slice(cursor, start)) + line.slice(start, end);
    cursor = end;
  }
  return result + replaceInText(line.slice(cursor));
}

/**
 * `:smile:` → 😄 for the shortcodes in lib/format/shortcode-table.ts, as the message is stored (send and edit), so
 * the browser needs no table. Code (spans and fenced blocks) and links stay exactly as typed, and so does any
 * `:name:` not in the table. The result is never longer than the text: each emoji is shorter than its shortcode.
 */
export function replaceShortcodes(text: string): string {
  if (!/:[a-z0-9_+-]+:/.test(text)) return text;
  let result = '';
  let cursor = 0;
  const replaceOutside = (end: number) => text.slice(cursor, end).split('\n').map(replaceInLine).join('\n');
  for (const fence of findFences(text)) {
    result += replaceOutside(fence.start) + text.slice(fence.start, fence.end);
    cursor = fence.end;
  }
  return result + replaceOutside(text.length);
}
