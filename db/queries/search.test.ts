import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db';
import { addGroupMembers, createGroup, removeGroupMember, renameGroup } from '@/db/queries/groups';
import { insertMessage } from '@/db/queries/message-insert';
import {
  decodeSearchCursor,
  encodeSearchCursor,
  searchMessages,
  toPrefixTsQuery,
  type MessageSearchResultDTO,
} from '@/db/queries/search';
import { toUserDTO } from '@/db/queries/users';
import { chatMembers, chats, messages, type User } from '@/db/schema';
import type { UserDTO } from '@/lib/realtime/events';
import { closeTestServices, makeChat, makeUser } from '@/lib/testing/harness';

// The server action reads the session through Auth.js, which needs a Next request; everything after it is under test.
const session = vi.hoisted(() => ({ user: null as UserDTO | null }));
vi.mock('@/lib/auth', () => ({ getCurrentUser: async () => session.user }));
const actions = await import('@/app/(chat)/search-actions');

afterAll(closeTestServices);

/** A word no other test's message contains: letters and digits only, so it is one lexeme. */
const token = () => `w${randomUUID().replace(/-/g, '').slice(0, 10)}`;

async function send(chatId: string, sender: User, body: string) {
  return (await insertMessage({ chatId, senderId: sender.id, clientId: randomUUID(), body })).message;
}

async function makeGroup(title: string, members: User[]): Promise<string> {
  const [chat] = await getDb().insert(chats).values({ kind: 'group', title }).returning({ id: chats.id });
  await getDb()
    .insert(chatMembers)
    .values(members.map((member, i) => ({ chatId: chat!.id, userId: member.id, role: i === 0 ? ('admin' as const) : ('member' as const) })));
  return chat!.id;
}

async function search(user: User, query: string, cursor?: string | null) {
  return searchMessages({ userId: user.id, query, cursor: cursor ? decodeSearchCursor(cursor) : null });
}

const ids = (results: MessageSearchResultDTO[]) => results.map((r) => r.messageId);
const marked = (result: MessageSearchResultDTO) => result.snippet.filter((s) => s.match).map((s) => s.text);

describe('searchMessages', () => {
  it('finds a message by a whole word and by the start of its last word, with chat, sender and time', async () => {
    const t = token();
    const { a, b, chatId } = await makeChat();
    const message = await send(chatId, a, `Lunch at the ${t} place?`);

    for (const query of [t, t.slice(0, 6), `lunch ${t.slice(0, 4)}`, t.toUpperCase()]) {
      const { results } = await search(b, query);
      expect(ids(results), query).toEqual([message.id]);
    }
    const [found] = (await search(b, t)).results;
    expect(found).toMatchObject({
      messageId: message.id,
      chatId,
      chatKind: 'direct',
      chatTitle: a.displayName,
      seq: message.seq,
      senderId: a.id,
      senderName: a.displayName,
      createdAt: message.createdAt,
    });
    // In a 1:1 chat the title is the other person, whoever searches.
    expect((await search(a, t)).results[0]?.chatTitle).toBe(b.displayName);
  });

  it('requires every word (AND), and only the last one may be a prefix', async () => {
    const [t1, t2] = [token(), token()];
    const { a, chatId } = await makeChat();
    const both = await send(chatId, a, `${t1} and ${t2}`);
    await send(chatId, a, `${t1} alone`);
    await send(chatId, a, `${t2} alone`);

    expect(ids((await search(a, `${t1} ${t2}`)).results)).toEqual([both.id]);
    expect(ids((await search(a, `${t2} ${t1.slice(0, 5)}`)).results)).toEqual([both.id]);
    expect((await search(a, `${t1.slice(0, 5)} ${t2}`)).results).toEqual([]);
  });

  it('returns the newest first, 20 per page, every match exactly once across pages', async () => {
    const t = token();
    const { a, b, chatId } = await makeChat();
    const sent = [];
    for (let i = 0; i < 45; i++) sent.push(await send(chatId, i % 2 ? a : b, `${t} number ${i}`));

    const pages = [];
    let cursor: string | null = null;
    for (let guard = 0; guard < 5; guard++) {
      const page = await search(a, t, cursor);
      pages.push(page.results);
      cursor = page.nextCursor;
      if (!cursor) break;
    }

    expect(pages.map((p) => p.length)).toEqual([20, 20, 5]);
    expect(pages.flat().map((r) => r.seq)).toEqual(sent.map((m) => m.seq).reverse());
  });

  it('never searches a chat the user is not in, nor what was sent before they joined or after they left', async () => {
    const t = token();
    const [admin, late, leaver, outsider] = await Promise.all([makeUser(), makeUser(), makeUser(), makeUser()]);
    const title = `Group ${t}`;
    const chatId = await makeGroup(title, [admin, late, leaver]);
    const sent = [];
    for (let i = 1; i <= 6; i++) sent.push(await send(chatId, admin, `${t} message ${i}`));
    const seqsOf = async (user: User) => (await search(user, t)).results.map((r) => r.seq);
    const setWindow = (user: User, window: { visibleAfterSeq?: number; leftAtSeq?: number }) =>
      getDb().update(chatMembers).set(window).where(and(eq(chatMembers.chatId, chatId), eq(chatMembers.userId, user.id)));

    await setWindow(late, { visibleAfterSeq: 2 });
    await setWindow(leaver, { visibleAfterSeq: 1, leftAtSeq: 4 });

    expect(await seqsOf(admin)).toEqual([6, 5, 4, 3, 2, 1]);
    expect(await seqsOf(late)).toEqual([6, 5, 4, 3]);
    expect(await seqsOf(leaver)).toEqual([4, 3, 2]);
    expect(await seqsOf(outsider)).toEqual([]);
    expect((await search(late, t)).results[0]).toMatchObject({ chatTitle: title, chatKind: 'group', senderName: admin.displayName });
  });

  it('never matches deleted messages or system lines, whatever text they hold', async () => {
    const t = token();
    const { a, chatId } = await makeChat();
    const kept = await send(chatId, a, `${t} kept`);
    const deleted = await send(chatId, a, `${t} deleted`);
    await getDb().update(messages).set({ deletedAt: new Date() }).where(eq(messages.id, deleted.id));
    const system = await send(chatId, a, `${t} system`);
    await getDb().update(messages).set({ kind: 'system' }).where(eq(messages.id, system.id));

    expect(ids((await search(a, t)).results)).toEqual([kept.id]);
  });

  it('treats hostile input as plain words: no error, no operator, no wrong match', async () => {
    const t = token();
    const { a, chatId } = await makeChat();
    const alpha = await send(chatId, a, `${t} alpha`);
    const beta = await send(chatId, a, `${t} beta`);
    await send(chatId, a, `nothing ${token()} here`);

    const cases: [string, string[]][] = [
      [`${t} | beta`, [beta.id]],
      [`!${t}`, [beta.id, alpha.id]],
      [`${t}' & 'alpha`, [alpha.id]],
      [`${t}:*`, [beta.id, alpha.id]],
      [`\\${t}\\`, [beta.id, alpha.id]],
      [`"${t}" <-> (beta)`, [beta.id]],
      [`${t}'); drop table messages; --`, []],
      ["' OR 1=1 --", []],
      ...["'", '"', '&', '|', '!', ':*', '\\', '()', '<->', "'':*", '\u0000', '%_'].map((q): [string, string[]] => [q, []]),
    ];
    for (const [query, expected] of cases) {
      expect(ids((await search(a, query)).results), JSON.stringify(query)).toEqual(expected);
    }
  });

  it('marks the matched words in the snippet, as segments whose text is the message', async () => {
    const t = token();
    const { a, chatId } = await makeChat();
    const body = `The quick brown ${t} jumps over the lazy dog`;
    await send(chatId, a, body);
    // Control characters in a body are not taken for highlight markers.
    await send(chatId, a, `odd \u0001${t}x\u0002 text`);

    const plain = (await search(a, `quick ${t.slice(0, 5)}`)).results[0]!;
    const odd = (await search(a, `odd ${t}`)).results[0]!;

    expect(plain.snippet.map((s) => s.text).join('')).toBe(body);
    expect(marked(plain)).toEqual(['quick', t]);
    expect(odd.snippet.map((s) => s.text).join('')).toBe(`odd ${t}x text`);
    expect(marked(odd)).toEqual(['odd', `${t}x`]);
  });

  it('returns nothing, without querying, for a query with no letters or digits', async () => {
    const { a } = await makeChat();
    expect(await search(a, ' !?  ')).toEqual({ results: [], nextCursor: null });
  });
});

describe('the searchMessages server action', () => {
  const as = (user: User | null) => {
    session.user = user && toUserDTO(user);
    return actions;
  };

  it('refuses the signed-out and malformed input, including a cursor it did not make', async () => {
    const { a } = await makeChat();
    expect(await as(null).searchMessages({ query: 'hello' })).toEqual({ ok: false, error: 'unauthorized' });
    for (const input of [null, 'hello', {}, { query: '   ' }, { query: 'x'.repeat(101) }, { query: 'hi', cursor: 'forged' }, { query: 'hi', cursor: 5 }]) {
      expect(await as(a).searchMessages(input), JSON.stringify(input)).toEqual({ ok: false, error: 'invalid_input' });
    }
  });

  it('pages with its own cursor; a removed member keeps what they saw and finds nothing sent after', async () => {
    const t = token();
    const [admin, ben, cat] = await Promise.all([makeUser(), makeUser(), makeUser()]);
    const { chatId } = await createGroup({ creatorId: admin.id, title: `Trip ${t}`, memberIds: [ben.id, cat.id] });
    const before = [];
    for (let i = 0; i < 21; i++) before.push(await send(chatId, admin, `${t} before ${i}`));
    await removeGroupMember({ chatId, actorId: admin.id, userId: ben.id });
    const after = await send(chatId, admin, `${t} after`);
    const late = await makeUser();
    await addGroupMembers({ chatId, actorId: admin.id, userIds: [late.id] });

    const first = await as(ben).searchMessages({ query: `  ${t}  ` });
    if (!first.ok) throw new Error(first.error);
    expect(first.data.results).toHaveLength(20);
    const second = await as(ben).searchMessages({ query: t, cursor: first.data.nextCursor });
    if (!second.ok) throw new Error(second.error);
    expect([...first.data.results, ...second.data.results].map((r) => r.messageId)).toEqual(before.map((m) => m.id).reverse());
    expect(second.data.nextCursor).toBeNull();
    // Added after everything was sent: nothing of the group's past.
    expect(await as(late).searchMessages({ query: t })).toEqual({ ok: true, data: { results: [], nextCursor: null } });
    const current = await as(cat).searchMessages({ query: t });
    expect(current.ok && current.data.results[0]?.messageId).toBe(after.id);
  });
});

describe('a former member searching a group', () => {
  it('sees the title it had when they left, as their chat list does, not a rename after', async () => {
    const t = token();
    const [admin, ben, cat] = await Promise.all([makeUser(), makeUser(), makeUser()]);
    const { chatId } = await createGroup({ creatorId: admin.id, title: 'Trip', memberIds: [ben.id, cat.id] });
    await renameGroup({ chatId, actorId: admin.id, title: 'Summer trip' });
    await send(chatId, admin, `${t} seen by ben`);
    await removeGroupMember({ chatId, actorId: admin.id, userId: ben.id });
    await renameGroup({ chatId, actorId: admin.id, title: 'Without ben' });

    expect((await search(ben, t)).results.map((r) => r.chatTitle)).toEqual(['Summer trip']);
    expect((await search(cat, t)).results.map((r) => r.chatTitle)).toEqual(['Without ben']);
  });
});

describe('toPrefixTsQuery', () => {
  it.each([
    ['hello', "'hello':*"],
    ['Hello World', "'hello' & 'world':*"],
    ["it's a", "'it' & 's' & 'a'"],
    ['Grüße  naïve', "'grüße' & 'naïve':*"],
    ["x' | 'y", "'x' & 'y'"],
    ['&|!', null],
  ])('%j → %j', (query, expected) => {
    expect(toPrefixTsQuery(query)).toBe(expected);
  });
});

describe('search cursors', () => {
  it('round-trip, and anything else is refused', () => {
    const cursor = { createdAt: '2026-11-24T08:00:00.123456Z', id: randomUUID() };
    expect(decodeSearchCursor(encodeSearchCursor(cursor))).toEqual(cursor);
    for (const forged of ['', 'abc', encodeSearchCursor({ createdAt: "x'; --", id: cursor.id }), Buffer.from(`${cursor.createdAt}|${cursor.id}|x`).toString('base64url'), 'a'.repeat(300)]) {
      expect(decodeSearchCursor(forged), forged).toBeNull();
    }
  });
});
