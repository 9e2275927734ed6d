import { webcrypto } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import type { MessageDTO } from './events';
import { makeMessageDTO } from '@/lib/testing/message-fixture';
import { contiguousEnd, mergeMessages, newClientId, parseMentionNames, refreshQuotes, toReplyPreviewDTO } from './messages';

const message = (seq: number, body = `m${seq}`): MessageDTO =>
  makeMessageDTO({
  id: `id-${seq}`,
  chatId: 'chat',
  seq,
  senderId: 'sender',
  clientId: `client-${seq}`,
  body,
  createdAt: new Date(Date.UTC(2025, 0, 1, 0, 0, seq)).toISOString(),
  });
const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const list = (...seqs: number[]) => seqs.map((seq) => message(seq));
const seqsOf = (messages: MessageDTO[]) => messages.map((m) => m.seq);

describe('mergeMessages', () => {
  it('appends one live message after everything held', () => {
    expect(seqsOf(mergeMessages(list(1, 2), list(3)))).toEqual([1, 2, 3]);
    expect(seqsOf(mergeMessages([], list(7)))).toEqual([7]);
  });

  it('sorts by seq when messages arrive out of order', () => {
    expect(seqsOf(mergeMessages(list(1, 4), list(3, 2)))).toEqual([1, 2, 3, 4]);
    expect(seqsOf(mergeMessages(list(5, 6), list(2)))).toEqual([2, 5, 6]);
  });

  it('keeps each seq once, the copy already held', () => {
    const merged = mergeMessages(list(1, 2), [message(2, 'again'), message(3), message(3, 'twice')]);
    expect(seqsOf(merged)).toEqual([1, 2, 3]);
    expect(merged.map((m) => m.body)).toEqual(['m1', 'm2', 'm3']);
  });

  it('returns the same array when nothing is new, so React can skip a render', () => {
    const current = list(1, 2, 3);
    expect(mergeMessages(current, list(2, 3))).toBe(current);
    expect(mergeMessages(current, [])).toBe(current);
    expect(mergeMessages(current, list(3))).toBe(current);
  });

  it('replaces a held copy with a higher version (an edit, deletion or reaction), in place', () => {
    const edited = { ...message(2, 'fixed'), version: 1 };
    const merged = mergeMessages(list(1, 2, 3), [edited]);
    expect(merged.map((m) => m.body)).toEqual(['m1', 'fixed', 'm3']);
    expect(merged[1]).toBe(edited);
  });

  it('keeps the held copy against an older or equal version, e.g. a re-sync racing a live update', () => {
    const current = [message(1), { ...message(2, 'deleted'), body: '', deleted: true, version: 2 }];
    expect(mergeMessages(current, [{ ...message(2, 'older'), version: 1 }])).toBe(current);
    expect(mergeMessages(current, [{ ...message(2, 'same'), version: 2 }])).toBe(current);
  });

  it('of two incoming copies of one seq keeps the higher version, whatever their order', () => {
    const low = { ...message(4, 'v1'), version: 1 };
    const high = { ...message(4, 'v3'), version: 3 };
    expect(mergeMessages(list(1), [high, low]).at(-1)).toBe(high);
    expect(mergeMessages(list(1), [low, high]).at(-1)).toBe(high);
  });

  it('shows the original as it is now in the held replies quoting a replaced message', () => {
    const original = message(1, 'typo');
    const reply = { ...message(2, 'answer'), replyTo: toReplyPreviewDTO(original) };
    const deleted = { ...original, body: '', deleted: true, version: 1 };

    const third = message(3);
    const merged = mergeMessages([original, reply, third], [deleted]);
    expect(merged[1]!.replyTo).toEqual({ id: original.id, seq: 1, senderId: 'sender', snippet: '', deleted: true });
    expect(merged[1]!.version).toBe(0);
    expect(merged[2]).toBe(third); // untouched messages keep their identity, so they skip a render
  });

  it('does not modify its inputs', () => {
    const current = list(1, 3);
    const incoming = list(2);
    mergeMessages(current, incoming);
    expect(seqsOf(current)).toEqual([1, 3]);
    expect(seqsOf(incoming)).toEqual([2]);
  });
});

describe('refreshQuotes', () => {
  it('updates only quotes whose text or deletion changed, and returns the same array when none did', () => {
    const original = message(1, 'before');
    const reply = { ...message(2, 'answer'), replyTo: toReplyPreviewDTO(original) };
    const current = [original, reply];

    expect(refreshQuotes(current, [{ ...original, reactions: [{ emoji: '👍', userIds: ['x'] }], version: 1 }])).toBe(current);
    const edited = refreshQuotes(current, [{ ...original, body: 'after '.repeat(40), version: 1 }]);
    expect(edited[0]).toBe(original);
    expect(edited[1]!.replyTo!.snippet).toBe('after '.repeat(20));
    expect(current[1]!.replyTo!.snippet).toBe('before');
  });
});

describe('parseMentionNames', () => {
  it.each([
    ['hi @alice', ['alice']],
    ['@Alice and @BOB_2, again @alice', ['alice', 'bob_2']],
    ['(@carol), @dave. @erin!', ['carol', 'dave', 'erin']],
    ['@al is too short, @abc is not', ['abc']],
    [`@${'x'.repeat(32)} fits, @${'y'.repeat(33)} does not`, ['x'.repeat(32)]],
    ['mail me at bob@example.com', []],
    ['@@alice', ['alice']],
    ['no mention here', []],
    ['@alice-bob is alice', ['alice']],
    ['née@alice is inside a word', []],
  ])('%j names %j', (body, names) => {
    expect(parseMentionNames(body)).toEqual(names);
  });
});

describe('contiguousEnd', () => {
  it.each([
    [[], 0],
    [[1, 2, 3], 3],
    [[1, 2, 4, 5], 2],
    [[26, 27, 28], 28],
    [[26, 27, 29], 27],
    [[5], 5],
  ])('of %j is %i', (seqs, end) => {
    expect(contiguousEnd(list(...seqs))).toBe(end);
  });
});

describe('newClientId', () => {
  it('makes distinct v4 UUIDs', () => {
    const ids = new Set(Array.from({ length: 50 }, newClientId));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(V4);
  });

  it('falls back to getRandomValues where randomUUID is missing (plain http on a LAN address)', () => {
    vi.stubGlobal('crypto', { getRandomValues: (bytes: Uint8Array) => webcrypto.getRandomValues(bytes) });
    try {
      const ids = new Set(Array.from({ length: 50 }, newClientId));
      expect(ids.size).toBe(50);
      for (const id of ids) expect(id).toMatch(V4);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
