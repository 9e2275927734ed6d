import type { MessageDTO } from './events';

/** Merges messages by sequence number: each number once, in order. Returns `current` when nothing is new. */
export function mergeMessages(current: MessageDTO[], incoming: MessageDTO[]): MessageDTO[] {
  const last = current.at(-1);
  // The common case, one live message after everything we hold, costs O(1).
  if (incoming.length === 1 && (!last || incoming[0]!.seq > last.seq)) return [...current, incoming[0]!];
  const known = new Set(current.map((m) => m.seq));
  const fresh = incoming.filter((m) => !known.has(m.seq) && known.add(m.seq));
  if (fresh.length === 0) return current;
  return [...current, ...fresh].sort((a, b) => a.seq - b.seq);
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
