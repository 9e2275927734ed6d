import { plainPreview } from '@/lib/format/parse';
import type { MessageDTO, ReplyPreviewDTO } from './events';

/** How much of a replied-to message a quote shows. */
export const REPLY_SNIPPET_LENGTH = 120;

/**
 * A message in one line of text, where its files and formatting cannot show (list previews, quotes, notifications,
 * screen readers): its text without formatting marks, marked 📷 or 📎 when it carries files; a message of files alone says "Photo", "3 photos", the file's name
 * or "3 files".
 */
export function messageSummary(message: Pick<MessageDTO, 'body' | 'attachments'>): string {
  const files = message.attachments ?? [];
  const text = plainPreview(message.body);
  if (files.length === 0) return text;
  const icon = files.every((file) => file.kind === 'image') ? '📷' : '📎';
  if (text.trim()) return `${icon} ${text}`;
  if (icon === '📷') return files.length === 1 ? '📷 Photo' : `📷 ${files.length} photos`;
  return files.length === 1 ? `📎 ${files[0]!.name}` : `📎 ${files.length} files`;
}

/** The quote of a message as a reply shows it: '' once deleted (and for system lines). */
export function toReplyPreviewDTO(original: Pick<MessageDTO, 'id' | 'seq' | 'senderId' | 'body' | 'attachments' | 'deleted'>): ReplyPreviewDTO {
  return {
    id: original.id,
    seq: original.seq,
    senderId: original.senderId,
    snippet: Array.from(messageSummary(original)).slice(0, REPLY_SNIPPET_LENGTH).join(''),
    deleted: original.deleted,
  };
}

const sameQuote = (a: ReplyPreviewDTO, b: ReplyPreviewDTO) => a.snippet === b.snippet && a.deleted === b.deleted;

/**
 * Replies quote their original as it was when read: after `changed` (an edit or deletion of originals), the held
 * replies that quote one of them get the quote as it is now. Returns `current` when no quote changed.
 */
export function refreshQuotes(current: MessageDTO[], changed: MessageDTO[]): MessageDTO[] {
  const byId = new Map(changed.map((m) => [m.id, m]));
  let result = current;
  current.forEach((message, index) => {
    const original = message.replyTo ? byId.get(message.replyTo.id) : undefined;
    if (!original || sameQuote(message.replyTo!, toReplyPreviewDTO(original))) return;
    if (result === current) result = [...current];
    result[index] = { ...message, replyTo: toReplyPreviewDTO(original) };
  });
  return result;
}

/**
 * Merges messages by sequence number: each number once, in order. Of two copies of one number the higher
 * version wins (an edit, deletion or reaction arrived), the held one on a tie, and replies quoting a replaced
 * message show it as it is now. Returns `current` when nothing changed, so React can skip a render.
 */
export function mergeMessages(current: MessageDTO[], incoming: MessageDTO[]): MessageDTO[] {
  const last = current.at(-1);
  // The common case, one live message after everything we hold, costs O(1).
  if (incoming.length === 1 && (!last || incoming[0]!.seq > last.seq)) return [...current, incoming[0]!];
  const bySeq = new Map(current.map((m) => [m.seq, m]));
  const replaced: MessageDTO[] = [];
  let changed = false;
  for (const message of incoming) {
    const held = bySeq.get(message.seq);
    if (held && held.version >= message.version) continue;
    if (held) replaced.push(message);
    bySeq.set(message.seq, message);
    changed = true;
  }
  if (!changed) return current;
  const merged = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  return replaced.length > 0 ? refreshQuotes(merged, replaced) : merged;
}

// A mention starts at a token boundary (not inside a word or an e-mail address) and ends where the name does:
/**
 * `@username` (3–32 of [a-z0-9_], any case) not inside a word or an address: group 1 is the name. The one pattern
 * for both the mentions the server stores and the ones the client highlights, so the two always agree.
 */
export const MENTION_PATTERN = /(?<![\p{L}\p{N}_])@([a-z0-9_]{3,32})(?![a-z0-9_])/giu;

/** The distinct lower-cased names written as @username in a body; the server keeps those who are members. */
export function parseMentionNames(body: string): string[] {
  if (!body.includes('@')) return [];
  return [...new Set(Array.from(body.matchAll(MENTION_PATTERN), (match) => match[1]!.toLowerCase()))];
}

/**
 * A reader sees no quote of a message from before their window (a late joiner): replies to such a message come
 * without their quote, as plain messages. Returns `messages` itself when no quote had to go.
 */
export function hideQuotesBefore(messages: MessageDTO[], visibleAfterSeq: number): MessageDTO[] {
  if (visibleAfterSeq <= 0 || !messages.some((message) => message.replyTo && message.replyTo.seq <= visibleAfterSeq)) return messages;
  return messages.map((message) => (message.replyTo && message.replyTo.seq <= visibleAfterSeq ? { ...message, replyTo: null } : message));
}

/** The highest number up to which we hold every message without a gap: where a catch-up sync starts. */
export function contiguousEnd(messages: MessageDTO[]): number {
  const first = messages[0];
  if (!first) return 0;
  let end = first.seq;
  for (const message of messages) {
    if (message.seq > end + 1) break;
    end = message.seq;
  }
  // History before the first held message is older history, not a gap.
  return end;
}

/** A v4 UUID even where crypto.randomUUID is missing (plain http on a LAN address is not a secure context). */
export function newClientId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The ids a message's preview needs names for: its sender, and everyone its system event mentions. */
export function idsNamedBy(message: MessageDTO): string[] {
  const event = message.event;
  if (!event) return [message.senderId];
  const ids = [event.actorId];
  if (event.type === 'members_added') ids.push(...event.userIds);
  if (event.type === 'member_removed' || event.type === 'admin_granted') ids.push(event.userId);
  return ids;
}
