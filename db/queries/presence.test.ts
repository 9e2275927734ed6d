import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { closeTestServices, makeChat, makeUser } from '@/lib/testing/harness';
import { getChatSummaryForUser, getOrCreateDirectChat, listChatsForUser } from './chats';
import { createGroup } from './groups';
import { insertMessage } from './message-insert';
import { applyReceiptUpdates, getPresenceFacts, listContacts, markChatUnread, markLastSeen, updatePrivacy } from './presence';

afterAll(async () => {
  await closeTestServices();
});

async function write(chatId: string, senderId: string, count: number) {
  for (let i = 0; i < count; i++) await insertMessage({ chatId, senderId, clientId: randomUUID(), body: `from ${senderId.slice(0, 4)} ${i}` });
}

describe('unread counts in the chat list', () => {
  it('count only the other person’s messages after my read position', async () => {
    const { a, b, chatId } = await makeChat();
    await write(chatId, a.id, 2); // 1, 2
    await write(chatId, b.id, 1); // 3
    await write(chatId, a.id, 2); // 4, 5

    expect(await getChatSummaryForUser({ chatId, userId: b.id })).toMatchObject({ unreadCount: 4, myReadSeq: 0 });
    expect(await getChatSummaryForUser({ chatId, userId: a.id })).toMatchObject({ unreadCount: 1, myReadSeq: 0 });

    await applyReceiptUpdates([{ chatId, userId: b.id, deliveredSeq: 5, readSeq: 3 }]);
    expect(await getChatSummaryForUser({ chatId, userId: b.id })).toMatchObject({ unreadCount: 2, myReadSeq: 3 });
    const [listed] = (await listChatsForUser(b.id)).filter((c) => c.id === chatId);
    expect(listed).toMatchObject({ unreadCount: 2, myReadSeq: 3, markedUnread: false, lastMessage: { seq: 5 } });
    // What A sees of B: delivered 5, read 3.
    expect(await getChatSummaryForUser({ chatId, userId: a.id })).toMatchObject({ peerDeliveredSeq: 5, peerReadSeq: 3 });

    await applyReceiptUpdates([{ chatId, userId: b.id, deliveredSeq: 5, readSeq: 5 }]);
    expect(await getChatSummaryForUser({ chatId, userId: b.id })).toMatchObject({ unreadCount: 0, myReadSeq: 5 });
  });

  it('a chat with nothing in it has no unread messages; a non-member sees no summary', async () => {
    const { a, chatId } = await makeChat();
    expect(await getChatSummaryForUser({ chatId, userId: a.id })).toMatchObject({ unreadCount: 0, lastMessage: null, markedUnread: false });
    expect(await getChatSummaryForUser({ chatId, userId: (await makeUser()).id })).toBeNull();
  });

  it('each chat of a list has its own count', async () => {
    const me = await makeUser();
    const [x, y] = await Promise.all([makeUser(), makeUser()]);
    const withX = (await getOrCreateDirectChat({ userId: me.id, peerId: x.id })).chatId;
    const withY = (await getOrCreateDirectChat({ userId: me.id, peerId: y.id })).chatId;
    await write(withX, x.id, 3);
    await write(withY, y.id, 1);
    const counts = Object.fromEntries((await listChatsForUser(me.id)).map((c) => [c.id, c.unreadCount]));
    expect(counts).toEqual({ [withX]: 3, [withY]: 1 });
  });

  it('marked unread shows until the chat is read again', async () => {
    const { a, b, chatId } = await makeChat();
    await write(chatId, a.id, 2);
    await applyReceiptUpdates([{ chatId, userId: b.id, deliveredSeq: 2, readSeq: 2 }]);
    expect(await markChatUnread({ chatId, userId: b.id })).toBe(true);
    expect(await getChatSummaryForUser({ chatId, userId: b.id })).toMatchObject({ unreadCount: 0, markedUnread: true });
    expect(await getChatSummaryForUser({ chatId, userId: a.id }), 'only for the member who marked it').toMatchObject({ markedUnread: false });

    const [position] = await applyReceiptUpdates([{ chatId, userId: b.id, deliveredSeq: 2, readSeq: 2 }]);
    expect(position).toEqual({ chatId, userId: b.id, deliveredSeq: 2, readSeq: 2, markedUnread: false });
    expect(await getChatSummaryForUser({ chatId, userId: b.id })).toMatchObject({ markedUnread: false });
  });
});

describe('applyReceiptUpdates', () => {
  it('raises many members’ positions in one statement, only upwards, never past the last message', async () => {
    const first = await makeChat();
    const second = await makeChat();
    await write(first.chatId, first.a.id, 3);
    await write(second.chatId, second.b.id, 1);
    await applyReceiptUpdates([{ chatId: first.chatId, userId: first.b.id, deliveredSeq: 3, readSeq: 2 }]);

    const positions = await applyReceiptUpdates([
      { chatId: first.chatId, userId: first.b.id, deliveredSeq: 1, readSeq: 1 },
      { chatId: second.chatId, userId: second.a.id, deliveredSeq: 7, readSeq: 0 },
      // Not a member of that chat: nothing happens, nothing is returned.
      { chatId: first.chatId, userId: second.a.id, deliveredSeq: 1, readSeq: 1 },
    ]);
    expect(positions).toEqual(
      expect.arrayContaining([
        { chatId: first.chatId, userId: first.b.id, deliveredSeq: 3, readSeq: 2, markedUnread: false },
        { chatId: second.chatId, userId: second.a.id, deliveredSeq: 1, readSeq: 0, markedUnread: false },
      ]),
    );
    expect(positions).toHaveLength(2);
    expect(await applyReceiptUpdates([])).toEqual([]);
  });
});

describe('presence facts and privacy', () => {
  it('lists each 1:1 contact once, with their privacy settings, and no one met only in a group', async () => {
    const me = await makeUser();
    const [x, y, stranger, groupOnly] = await Promise.all([makeUser(), makeUser(), makeUser(), makeUser()]);
    await getOrCreateDirectChat({ userId: me.id, peerId: x.id });
    await getOrCreateDirectChat({ userId: y.id, peerId: me.id });
    await createGroup({ creatorId: me.id, title: 'Both', memberIds: [x.id, groupOnly.id] });
    await updatePrivacy({ userId: y.id, hideLastSeen: true, sendReadReceipts: false });

    const contacts = await listContacts(me.id);
    expect(contacts).toHaveLength(2);
    expect(contacts).toEqual(
      expect.arrayContaining([
        { userId: x.id, hideLastSeen: false, sendReadReceipts: true },
        { userId: y.id, hideLastSeen: true, sendReadReceipts: false },
      ]),
    );
    expect(contacts.map((c) => c.userId)).not.toContain(stranger.id);
    expect(contacts.map((c) => c.userId)).not.toContain(groupOnly.id);
  });

  it('new users show their last seen and send read receipts; settings and stamps are stored', async () => {
    const user = await makeUser();
    expect(await getPresenceFacts(user.id)).toEqual({ hideLastSeen: false, sendReadReceipts: true, lastSeenAt: null });
    await updatePrivacy({ userId: user.id, hideLastSeen: true, sendReadReceipts: false });
    const stamped = await markLastSeen([user.id]);
    expect(await getPresenceFacts(user.id)).toEqual({ hideLastSeen: true, sendReadReceipts: false, lastSeenAt: stamped });
    expect(await getPresenceFacts(randomUUID())).toBeNull();
  });

  it('either side turning read receipts off hides the peer’s read position in the list, not the delivered one', async () => {
    for (const off of ['me', 'peer'] as const) {
      const { a, b, chatId } = await makeChat();
      await write(chatId, a.id, 2);
      await applyReceiptUpdates([{ chatId, userId: b.id, deliveredSeq: 2, readSeq: 2 }]);
      await updatePrivacy({ userId: off === 'me' ? a.id : b.id, hideLastSeen: false, sendReadReceipts: false });
      expect(await getChatSummaryForUser({ chatId, userId: a.id }), off).toMatchObject({ peerDeliveredSeq: 2, peerReadSeq: null });
    }
  });
});
