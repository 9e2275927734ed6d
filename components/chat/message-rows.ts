import type { MessageDTO, ReplyPreviewDTO } from '@/lib/realtime/events';
import { lazy } from '@/components/ui/lazy';
import { messageSummary } from '@/lib/realtime/messages';
import type { Item } from './message-bubble';

/** How the conversation is laid out: day headings, runs of one sender, system lines; and quotes as they are now. */

const GROUP_WINDOW_MS = 5 * 60_000;

export type Row = { kind: 'system'; message: MessageDTO } | { kind: 'group'; items: Item[] } | { kind: 'day'; key: string; label: string };

// Built on first use: most conversations only say "Today".
const dayFormat = lazy(() => new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long' }));
const yearFormat = lazy(() => new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'long', year: 'numeric' }));

/** "Today", "Yesterday", "Monday 3 March", or with the year when it is not this one; in the reader's time zone. */
function dayLabel(date: Date, now: Date): string {
  const day = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const days = Math.round((day(now) - day(date)) / 86_400_000);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  if (date.getFullYear() === now.getFullYear()) return dayFormat().format(date);
  return yearFormat().format(date);
}

/**
 * Consecutive messages of one sender within five minutes form a group with one name; system lines stand alone.
 * With `days` (only in the browser: days depend on the reader's time zone), each new day gets a heading.
 */
export function groupRows(messages: MessageDTO[], items: Item[], days: boolean): Row[] {
  const rows: Row[] = [];
  const systems = new Map(messages.filter((m) => m.kind === 'system').map((m) => [m.id, m]));
  const now = new Date();
  let lastDay = '';
  for (const item of items) {
    if (days) {
      const date = new Date(item.createdAt);
      const key = date.toDateString();
      if (key !== lastDay) {
        rows.push({ kind: 'day', key: `day-${key}`, label: dayLabel(date, now) });
        lastDay = key;
      }
    }
    const system = systems.get(item.key);
    if (system) {
      rows.push({ kind: 'system', message: system });
      continue;
    }
    const row = rows.at(-1);
    const previous = row?.kind === 'group' ? row.items.at(-1) : undefined;
    const sameGroup =
      previous && previous.senderId === item.senderId && Date.parse(item.createdAt) - Date.parse(previous.createdAt) < GROUP_WINDOW_MS;
    if (row?.kind === 'group' && sameGroup) row.items.push(item);
    else rows.push({ kind: 'group', items: [item] });
  }
  return rows;
}

/** How much of the original a quote shows (the server's previews are cut the same way). */
const SNIPPET_LENGTH = 120;

/**
 * A quote as the original is now: an edit or deletion of the original does not touch the reply, so the held
 * original (when on the page) beats the preview the reply came with. A pending reply quotes it the same way.
 */
export function quoteOf(byId: Map<string, MessageDTO>, replyToId: string | undefined, sent: ReplyPreviewDTO | null): ReplyPreviewDTO | null {
  const original = replyToId ? byId.get(replyToId) : undefined;
  if (!original) return sent;
  const snippet = Array.from(messageSummary(original)).slice(0, SNIPPET_LENGTH).join('');
  return { id: original.id, seq: original.seq, senderId: original.senderId, snippet, deleted: original.deleted };
}

