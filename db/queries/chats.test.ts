import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { directChatKey, getChatSummaryForUser, getMembership, getOrCreateDirectChat, listChatMemberIds } from '@/db/queries/chats';
import { createGroup } from '@/db/queries/groups';
import { chats } from '@/db/schema';
import { closeTestServices, makeChat, makeUser } from '@/lib/testing/harness';

afterAll(closeTestServices);

describe('getOrCreateDirectChat', () => {
  it('creates one chat with exactly two members when both people start it at once, in either order', async () => {
    const pairs = await Promise.all(Array.from({ length: 10 }, () => Promise.all([makeUser(), makeUser()])));

    await Promise.all(
      pairs.map(async ([a, b]) => {
        const results = await Promise.all([
          getOrCreateDirectChat({ userId: a.id, peerId: b.id }),
          getOrCreateDirectChat({ userId: b.id, peerId: a.id }),
        ]);

        expect(results[1].chatId).toBe(results[0].chatId);
        expect(results.map((r) => r.created).sort()).toEqual([false, true]);
        const stored = await getDb().select({ id: chats.id }).from(chats).where(eq(chats.directKey, directChatKey(a.id, b.id)));
        expect(stored).toEqual([{ id: results[0].chatId }]);
        expect((await listChatMemberIds(results[0].chatId)).sort()).toEqual([a.id, b.id].sort());
      }),
    );
  });

  it('returns the existing chat afterwards, whoever asks', async () => {
    const { a, b, chatId } = await makeChat();
    expect(await getOrCreateDirectChat({ userId: b.id, peerId: a.id })).toEqual({ chatId, created: false });
    expect(await getOrCreateDirectChat({ userId: a.id, peerId: b.id })).toEqual({ chatId, created: false });
  });
});

describe('getMembership', () => {
  it('is null for a non-member and for a chat that does not exist, the lastSeq for a member', async () => {
    const { a, chatId } = await makeChat();
    const outsider = await makeUser();

    expect(await getMembership({ chatId, userId: a.id })).toMatchObject({ lastSeq: 0, active: true });
    expect(await getMembership({ chatId, userId: outsider.id })).toBeNull();
    expect(await getMembership({ chatId: randomUUID(), userId: a.id })).toBeNull();
  });
});

describe('getChatSummaryForUser', () => {
  it('shows each member the other person as peer, and nothing to a non-member', async () => {
    const { a, b, chatId } = await makeChat();
    expect((await getChatSummaryForUser({ chatId, userId: a.id }))?.peer?.id).toBe(b.id);
    expect((await getChatSummaryForUser({ chatId, userId: b.id }))?.peer?.id).toBe(a.id);
    expect(await getChatSummaryForUser({ chatId, userId: (await makeUser()).id })).toBeNull();
  });
});

describe('chat summaries of groups', () => {
  it('carry the names their last line needs, so a preview reads "Ana added Bo and Cy" without asking for members', async () => {
    const [ana, bo, cy] = await Promise.all([makeUser(), makeUser(), makeUser()]);
    const { chatId } = await createGroup({ creatorId: ana.id, title: 'Trip', memberIds: [bo.id, cy.id] });
    const summary = await getChatSummaryForUser({ chatId, userId: cy.id });
    expect(summary).toMatchObject({ kind: 'group', title: 'Trip', peer: null, memberCount: 3, myRole: 'member', active: true });
    expect(summary?.lastMessage?.event).toEqual({ type: 'members_added', actorId: ana.id, userIds: [bo.id, cy.id] });
    expect(summary?.names).toEqual({ [ana.id]: ana.displayName, [bo.id]: bo.displayName, [cy.id]: cy.displayName });
  });
});
