/**
 * Issue 5, groups: who may change a group, what each change writes (system lines, numbered like messages),
 * and which window of the history each member, current or former, reads.
 */
import { randomUUID } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { getMembership, getReadableMembership } from '@/db/queries/chats';
import {
  addGroupMembers,
  createGroup,
  grantGroupAdmin,
  leaveGroup,
  listChatMembers,
  removeGroupMember,
  renameGroup,
} from '@/db/queries/groups';
import { insertMessage } from '@/db/queries/message-insert';
import { updatePrivacy } from '@/db/queries/presence';
import { chats, messages } from '@/db/schema';
import { GROUP_MAX_MEMBERS, GROUP_TITLE_MAX_LENGTH } from '@/lib/realtime/events';
import { closeTestServices, makeChat, makeUser } from '@/lib/testing/harness';

afterAll(closeTestServices);

const refusal = (code: string) => expect.objectContaining({ name: 'AppError', code });

async function makeUsers(count: number) {
  const made = [];
  for (let i = 0; i < count; i += 50) made.push(...(await Promise.all(Array.from({ length: Math.min(50, count - i) }, () => makeUser()))));
  return made;
}

/** An admin and two members. */
async function makeGroup(title = 'Trip') {
  const [admin, ben, cat] = await makeUsers(3);
  const { chatId } = await createGroup({ creatorId: admin!.id, title, memberIds: [ben!.id, cat!.id] });
  return { admin: admin!, ben: ben!, cat: cat!, chatId };
}

async function lines(chatId: string) {
  return getDb()
    .select({ seq: messages.seq, kind: messages.kind, body: messages.body, senderId: messages.senderId, event: messages.event })
    .from(messages)
    .where(eq(messages.chatId, chatId))
    .orderBy(asc(messages.seq));
}

async function lastSeq(chatId: string) {
  const [chat] = await getDb().select({ lastSeq: chats.lastSeq }).from(chats).where(eq(chats.id, chatId));
  return chat!.lastSeq;
}

describe('createGroup', () => {
  it('makes the creator admin, trims the title, ignores duplicates and the creator in the list', async () => {
    const [admin, ben, cat] = await makeUsers(3);
    const { chatId } = await createGroup({ creatorId: admin!.id, title: '  Trip  ', memberIds: [ben!.id, cat!.id, ben!.id, admin!.id] });

    const members = await listChatMembers({ chatId, viewerId: admin!.id });
    expect(members.map((m) => [m.id, m.role, m.active])).toEqual([
      [admin!.id, 'admin', true],
      ...[ben!, cat!].sort((x, y) => x.displayName.localeCompare(y.displayName)).map((u) => [u.id, 'member', true]),
    ]);
    const [chat] = await getDb().select().from(chats).where(eq(chats.id, chatId));
    expect(chat).toMatchObject({ kind: 'group', title: 'Trip', lastSeq: 2, directKey: null });
  });

  it('needs two others besides the creator, and existing ones', async () => {
    const [admin, ben] = await makeUsers(2);
    await expect(createGroup({ creatorId: admin!.id, title: 'Pair', memberIds: [ben!.id] })).rejects.toEqual(refusal('invalid_input'));
    await expect(createGroup({ creatorId: admin!.id, title: 'Pair', memberIds: [ben!.id, ben!.id, admin!.id] })).rejects.toEqual(refusal('invalid_input'));
    await expect(createGroup({ creatorId: admin!.id, title: 'Ghost', memberIds: [ben!.id, randomUUID()] })).rejects.toEqual(refusal('invalid_input'));
  });

  it('refuses an empty or over-long title', async () => {
    const [admin, ben, cat] = await makeUsers(3);
    const memberIds = [ben!.id, cat!.id];
    await expect(createGroup({ creatorId: admin!.id, title: '   ', memberIds })).rejects.toEqual(refusal('invalid_input'));
    await expect(createGroup({ creatorId: admin!.id, title: 'x'.repeat(GROUP_TITLE_MAX_LENGTH + 1), memberIds })).rejects.toEqual(refusal('invalid_input'));
    await expect(createGroup({ creatorId: admin!.id, title: 'é'.repeat(GROUP_TITLE_MAX_LENGTH), memberIds })).resolves.toBeTruthy();
  });

  it(`holds at most ${GROUP_MAX_MEMBERS} members, creator included`, async () => {
    const [admin, ...others] = await makeUsers(GROUP_MAX_MEMBERS + 1);
    await expect(createGroup({ creatorId: admin!.id, title: 'Too big', memberIds: others.map((u) => u.id) })).rejects.toEqual(refusal('invalid_input'));

    const full = await createGroup({ creatorId: admin!.id, title: 'Full', memberIds: others.slice(0, GROUP_MAX_MEMBERS - 1).map((u) => u.id) });
    expect(await listChatMembers({ chatId: full.chatId, viewerId: admin!.id })).toHaveLength(GROUP_MAX_MEMBERS);
    // Full: one more is refused, and nothing is written.
    await expect(addGroupMembers({ chatId: full.chatId, actorId: admin!.id, userIds: [others.at(-1)!.id] })).rejects.toEqual(refusal('invalid_input'));
    expect(await lastSeq(full.chatId)).toBe(2);
  });
});

describe('system lines', () => {
  it('say what happened, by whom, numbered gaplessly between messages in commit order', async () => {
    const { admin, ben, cat, chatId } = await makeGroup();
    const dan = await makeUser();
    await insertMessage({ chatId, senderId: ben.id, clientId: randomUUID(), body: 'hi' });
    await addGroupMembers({ chatId, actorId: admin.id, userIds: [dan.id, dan.id, ben.id] });
    await renameGroup({ chatId, actorId: admin.id, title: 'Trip 2' });
    await grantGroupAdmin({ chatId, actorId: admin.id, userId: ben.id });
    await removeGroupMember({ chatId, actorId: ben.id, userId: cat.id });
    await leaveGroup({ chatId, userId: dan.id });

    const written = await lines(chatId);
    expect(written.map((l) => l.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(await lastSeq(chatId)).toBe(8);
    expect(written.map((l) => [l.kind, l.senderId, l.event])).toEqual([
      ['system', admin.id, { type: 'group_created', actorId: admin.id, title: 'Trip' }],
      ['system', admin.id, { type: 'members_added', actorId: admin.id, userIds: [ben.id, cat.id] }],
      ['text', ben.id, null],
      ['system', admin.id, { type: 'members_added', actorId: admin.id, userIds: [dan.id] }],
      ['system', admin.id, { type: 'group_renamed', actorId: admin.id, title: 'Trip 2' }],
      ['system', admin.id, { type: 'admin_granted', actorId: admin.id, userId: ben.id }],
      ['system', ben.id, { type: 'member_removed', actorId: ben.id, userId: cat.id }],
      ['system', dan.id, { type: 'member_left', actorId: dan.id }],
    ]);
    expect(written.filter((l) => l.kind === 'system').every((l) => l.body === '')).toBe(true);
  });

  it('stay gapless when changes and messages race', async () => {
    const { admin, ben, chatId } = await makeGroup();
    const newcomers = await makeUsers(5);
    await Promise.all([
      ...newcomers.map((u) => addGroupMembers({ chatId, actorId: admin.id, userIds: [u.id] })),
      ...Array.from({ length: 5 }, (_, i) => renameGroup({ chatId, actorId: admin.id, title: `Name ${i}` })),
      ...Array.from({ length: 5 }, (_, i) => insertMessage({ chatId, senderId: ben.id, clientId: randomUUID(), body: `m${i}` })),
    ]);
    const written = await lines(chatId);
    expect(written.map((l) => l.seq)).toEqual(Array.from({ length: written.length }, (_, i) => i + 1));
    expect(await lastSeq(chatId)).toBe(written.length);
  });

  it('are not written for a change that changes nothing', async () => {
    const { admin, ben, chatId } = await makeGroup('Same');
    await grantGroupAdmin({ chatId, actorId: admin.id, userId: ben.id });
    const before = await lastSeq(chatId);
    expect((await addGroupMembers({ chatId, actorId: admin.id, userIds: [ben.id] })).line).toBeNull();
    expect((await renameGroup({ chatId, actorId: admin.id, title: ' Same ' })).line).toBeNull();
    expect((await grantGroupAdmin({ chatId, actorId: admin.id, userId: ben.id })).line).toBeNull();
    expect(await lastSeq(chatId)).toBe(before);
  });
});

describe('authorization', () => {
  it('refuses a member who is not an admin with forbidden, and writes nothing', async () => {
    const { ben, cat, chatId } = await makeGroup();
    const dan = await makeUser();
    const attempts = [
      () => addGroupMembers({ chatId, actorId: ben.id, userIds: [dan.id] }),
      () => removeGroupMember({ chatId, actorId: ben.id, userId: cat.id }),
      () => renameGroup({ chatId, actorId: ben.id, title: 'Mine' }),
      () => grantGroupAdmin({ chatId, actorId: ben.id, userId: ben.id }),
    ];
    for (const attempt of attempts) await expect(attempt()).rejects.toEqual(refusal('forbidden'));
    expect(await lastSeq(chatId)).toBe(2);
  });

  it('answers a non-member, a former member, a 1:1 chat and a random uuid the same: not_found', async () => {
    const { admin, ben, chatId } = await makeGroup();
    const stranger = await makeUser();
    await removeGroupMember({ chatId, actorId: admin.id, userId: ben.id });
    const direct = await makeChat();
    const every = (chat: string, actorId: string) => [
      () => addGroupMembers({ chatId: chat, actorId, userIds: [stranger.id] }),
      () => removeGroupMember({ chatId: chat, actorId, userId: admin.id }),
      () => renameGroup({ chatId: chat, actorId, title: 'Mine' }),
      () => grantGroupAdmin({ chatId: chat, actorId, userId: actorId }),
      () => leaveGroup({ chatId: chat, userId: actorId }),
    ];
    const cases = [every(chatId, stranger.id), every(chatId, ben.id), every(direct.chatId, direct.a.id), every(randomUUID(), stranger.id)];
    for (const attempts of cases) for (const attempt of attempts) await expect(attempt()).rejects.toEqual(refusal('not_found'));
    await expect(listChatMembers({ chatId, viewerId: stranger.id })).rejects.toEqual(refusal('not_found'));
    await expect(listChatMembers({ chatId: randomUUID(), viewerId: stranger.id })).rejects.toEqual(refusal('not_found'));
    expect(await lastSeq(chatId)).toBe(3);
  });

  it('lets admins remove other admins but not themselves, and only current members', async () => {
    const { admin, ben, cat, chatId } = await makeGroup();
    await grantGroupAdmin({ chatId, actorId: admin.id, userId: ben.id });
    await expect(removeGroupMember({ chatId, actorId: admin.id, userId: admin.id })).rejects.toEqual(refusal('invalid_input'));
    await removeGroupMember({ chatId, actorId: ben.id, userId: admin.id });
    await expect(removeGroupMember({ chatId, actorId: ben.id, userId: admin.id })).rejects.toEqual(refusal('not_found'));
    await expect(grantGroupAdmin({ chatId, actorId: ben.id, userId: (await makeUser()).id })).rejects.toEqual(refusal('not_found'));
    expect((await getMembership({ chatId, userId: cat.id }))?.role).toBe('member');
  });
});

describe('reading windows', () => {
  it('a new member reads from the "added" line on; a removed one up to and including the "removed" line', async () => {
    const { admin, ben, chatId } = await makeGroup();
    const dan = await makeUser();
    await insertMessage({ chatId, senderId: admin.id, clientId: randomUUID(), body: 'before dan' });
    const added = await addGroupMembers({ chatId, actorId: admin.id, userIds: [dan.id] });
    expect(added.line?.seq).toBe(4);
    expect(await getMembership({ chatId, userId: dan.id })).toMatchObject({ active: true, visibleAfterSeq: 3, visibleUpToSeq: 4 });

    const removed = await removeGroupMember({ chatId, actorId: admin.id, userId: ben.id });
    await insertMessage({ chatId, senderId: admin.id, clientId: randomUUID(), body: 'after ben' });
    expect(await getMembership({ chatId, userId: ben.id })).toBeNull();
    expect(await getReadableMembership({ chatId, userId: ben.id })).toMatchObject({
      active: false,
      role: 'member',
      visibleAfterSeq: 0,
      visibleUpToSeq: removed.line!.seq,
      lastSeq: removed.line!.seq + 1,
    });
  });

  it('a former member added again starts a fresh window at the new "added" line', async () => {
    const { admin, ben, chatId } = await makeGroup();
    await removeGroupMember({ chatId, actorId: admin.id, userId: ben.id });
    await insertMessage({ chatId, senderId: admin.id, clientId: randomUUID(), body: 'while away' });
    const back = await addGroupMembers({ chatId, actorId: admin.id, userIds: [ben.id] });
    expect(back.addedIds).toEqual([ben.id]);
    expect(await getMembership({ chatId, userId: ben.id })).toMatchObject({ active: true, role: 'member', visibleAfterSeq: back.line!.seq - 1 });
  });
});

describe('leaveGroup', () => {
  it('makes the longest-standing remaining member admin when the last admin leaves', async () => {
    const { admin, ben, cat, chatId } = await makeGroup();
    const dan = await makeUser();
    await addGroupMembers({ chatId, actorId: admin.id, userIds: [dan.id] });
    // Ben leaves and comes back: he is now the newest; Cat has stood longest.
    await leaveGroup({ chatId, userId: ben.id });
    await addGroupMembers({ chatId, actorId: admin.id, userIds: [ben.id] });

    const left = await leaveGroup({ chatId, userId: admin.id });
    expect(left.promotedId).toBe(cat.id);
    expect((await getMembership({ chatId, userId: cat.id }))?.role).toBe('admin');
    expect(await getReadableMembership({ chatId, userId: admin.id })).toMatchObject({ active: false, role: 'member' });

    // Another admin remains: nobody is promoted.
    await grantGroupAdmin({ chatId, actorId: cat.id, userId: dan.id });
    expect((await leaveGroup({ chatId, userId: cat.id })).promotedId).toBeNull();
    expect((await getMembership({ chatId, userId: ben.id }))?.role).toBe('member');
  });
});

describe('listChatMembers', () => {
  it('lists admins first, current before former, and hides read positions unless both share receipts', async () => {
    const { admin, ben, cat, chatId } = await makeGroup();
    await removeGroupMember({ chatId, actorId: admin.id, userId: cat.id });
    await updatePrivacy({ userId: ben.id, hideLastSeen: false, sendReadReceipts: false });

    const seenByAdmin = await listChatMembers({ chatId, viewerId: admin.id });
    expect(seenByAdmin.map((m) => [m.id, m.role, m.active])).toEqual([
      [admin.id, 'admin', true],
      [ben.id, 'member', true],
      [cat.id, 'member', false],
    ]);
    expect(seenByAdmin.map((m) => m.readSeq)).toEqual([0, null, 0]);
    // Ben sends none, so he sees none, his own included.
    expect((await listChatMembers({ chatId, viewerId: ben.id })).every((m) => m.readSeq === null)).toBe(true);
  });

  it('shows a former member the list as it stood when they left', async () => {
    const { admin, cat, chatId } = await makeGroup();
    const removed = await removeGroupMember({ chatId, actorId: admin.id, userId: cat.id });
    const dan = await makeUser();
    await addGroupMembers({ chatId, actorId: admin.id, userIds: [dan.id] });

    const seenByCat = await listChatMembers({ chatId, viewerId: cat.id });
    expect(seenByCat.map((m) => m.id)).not.toContain(dan.id);
    expect(seenByCat.find((m) => m.id === cat.id)?.active).toBe(false);
    expect(Math.max(...seenByCat.map((m) => m.deliveredSeq))).toBeLessThanOrEqual(removed.line!.seq);
  });

  it('lists both people of a 1:1 chat', async () => {
    const { a, b, chatId } = await makeChat();
    expect((await listChatMembers({ chatId, viewerId: a.id })).map((m) => m.id).sort()).toEqual([a.id, b.id].sort());
  });
});
