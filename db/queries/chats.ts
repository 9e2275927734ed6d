import { and, desc, eq, gte, inArray, isNull, ne, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { ChatKind, ChatSummaryDTO, MemberRole, MessageDTO } from '@/lib/realtime/events';
import { groupAvatarUrl } from '@/lib/avatars/urls';
import { idsNamedBy } from '@/lib/realtime/messages';
import { getDb, prebuilt } from '../index';
import { chatMembers, chats, messages, users } from '../schema';
import { hydrateMessages, messageColumns } from './messages';
import { toUserDTO } from './users';

/** One key per unordered pair of users: the unique index on it makes "start chat" race-free. */
export function directChatKey(userA: string, userB: string): string {
  return [userA, userB].sort().join(':');
}

/** Opens the 1:1 chat of two users, creating it (with both memberships) if it does not exist yet. */
export async function getOrCreateDirectChat(input: { userId: string; peerId: string }): Promise<{ chatId: string; created: boolean }> {
  const directKey = directChatKey(input.userId, input.peerId);
  return getDb().transaction(async (tx) => {
    const [created] = await tx.insert(chats).values({ directKey }).onConflictDoNothing({ target: chats.directKey }).returning({ id: chats.id });
    if (created) {
      await tx.insert(chatMembers).values([
        { chatId: created.id, userId: input.userId },
        { chatId: created.id, userId: input.peerId },
      ]);
      return { chatId: created.id, created: true };
    }
    // Another request created it first; its transaction has committed, so this statement sees it.
    const [existing] = await tx.select({ id: chats.id }).from(chats).where(eq(chats.directKey, directKey)).limit(1);
    if (!existing) throw new Error('getOrCreateDirectChat: chat vanished');
    return { chatId: existing.id, created: false };
  });
}

/** A current member's view of a chat; null when the chat does not exist or the user is not (or no longer) in it. */
export async function getMembership(input: { chatId: string; userId: string }): Promise<Membership | null> {
  const membership = await getReadableMembership(input);
  return membership && membership.active ? membership : null;
}

export type Membership = {
  kind: ChatKind;
  role: MemberRole;
  active: boolean;
  /** The chat's last message number. */
  lastSeq: number;
  /** Bumped by edits, deletions and reactions (cache validity). */
  revision: number;
  /** The member reads messages numbered in (visibleAfterSeq, visibleUpToSeq]. */
  visibleAfterSeq: number;
  visibleUpToSeq: number;
};

/**
 * Current and former members: a former member still reads what was sent while they belonged.
 * Null when the chat does not exist or the user never belonged: callers answer both the same way.
 */
export async function getReadableMembership(input: { chatId: string; userId: string }): Promise<Membership | null> {
  // Asked by every chat open, sync, change and reply: built once.
  const query = prebuilt('readable_membership', (db) =>
    db
      .select({
        kind: chats.kind,
        lastSeq: chats.lastSeq,
        revision: chats.revision,
        role: chatMembers.role,
        visibleAfterSeq: chatMembers.visibleAfterSeq,
        leftAtSeq: chatMembers.leftAtSeq,
      })
      .from(chatMembers)
      .innerJoin(chats, eq(chats.id, chatMembers.chatId))
      .where(and(eq(chatMembers.chatId, sql.placeholder('chatId')), eq(chatMembers.userId, sql.placeholder('userId'))))
      .limit(1)
      .prepare('readable_membership'),
  );
  const [row] = await query.execute(input);
  if (!row) return null;
  return {
    kind: row.kind,
    role: row.role,
    active: row.leftAtSeq === null,
    lastSeq: row.lastSeq,
    revision: row.revision,
    visibleAfterSeq: row.visibleAfterSeq,
    visibleUpToSeq: row.leftAtSeq ?? row.lastSeq,
  };
}

/** The chats whose live messages the user receives: current memberships only. */
export async function listChatIdsForUser(userId: string): Promise<string[]> {
  const rows = await getDb()
    .select({ chatId: chatMembers.chatId })
    .from(chatMembers)
    .where(and(eq(chatMembers.userId, userId), isNull(chatMembers.leftAtSeq)));
  return rows.map((row) => row.chatId);
}

/**
 * Current members whose window starts at or after message `seq` (added later): they may not read it, nor see a
 * quote of it. Usually none; served by the (chat_id, user_id) primary key's chat prefix.
 */
export async function listMembersJoinedAfter(input: { chatId: string; seq: number }): Promise<{ userId: string; visibleAfterSeq: number }[]> {
  return getDb()
    .select({ userId: chatMembers.userId, visibleAfterSeq: chatMembers.visibleAfterSeq })
    .from(chatMembers)
    .where(and(eq(chatMembers.chatId, input.chatId), isNull(chatMembers.leftAtSeq), gte(chatMembers.visibleAfterSeq, input.seq)));
}

/** Current members only. */
export async function listChatMemberIds(chatId: string): Promise<string[]> {
  const rows = await getDb()
    .select({ userId: chatMembers.userId })
    .from(chatMembers)
    .where(and(eq(chatMembers.chatId, chatId), isNull(chatMembers.leftAtSeq)));
  return rows.map((row) => row.userId);
}

/**
 * A former member's name for a group: its title as of the line where they left (renames after that are not theirs to
 * see); null for a current member or a 1:1 chat. Shared by the chat list and search, so both name a chat alike.
 */
export function titleWhenLeft(input: { chatId: SQLWrapper; kind: SQLWrapper; leftAtSeq: SQLWrapper }): SQL<string | null> {
  return sql`(case when ${input.leftAtSeq} is not null and ${input.kind} = 'group' then (select t.event->>'title' from messages as t
    where t.chat_id = ${input.chatId} and t.seq <= ${input.leftAtSeq} and t.kind = 'system' and t.event->>'type' in ('group_created', 'group_renamed')
    order by t.seq desc limit 1) end)`;
}

const me = alias(chatMembers, 'me');
const other = alias(chatMembers, 'other');
const meUser = alias(users, 'me_user');

/** "Muted always" is stored as this far-future time, which every driver and JSON can carry. */
export const MUTED_FOREVER = new Date('9999-12-31T00:00:00Z');

function lastActivityOrder() {
  return sql`(case when ${me.leftAtSeq} is null then coalesce(${chats.lastMessageAt}, ${chats.createdAt}) else coalesce(${messages.createdAt}, ${chats.createdAt}) end)`;
}

function summaryQuery(userId: string) {
  // The last number this member may read: where they left, or the chat's end.
  const visibleEnd = sql`coalesce(${me.leftAtSeq}, ${chats.lastSeq})`;
  // What orders the list: a former member's last readable message, not activity after they left.
  const lastActivity = sql<Date>`${lastActivityOrder()}`.mapWith(chats.createdAt);
  const unreadFilter = sql`m.chat_id = ${chats.id} and m.seq > greatest(${me.readSeq}, ${me.visibleAfterSeq}) and m.seq <= ${visibleEnd} and m.sender_id <> ${me.userId} and m.kind = 'text'`;
  return getDb()
    .select({
      chat: chats,
      peer: users,
      lastMessage: messageColumns,
      me: {
        readSeq: me.readSeq,
        markedUnread: me.markedUnread,
        role: me.role,
        leftAtSeq: me.leftAtSeq,
        mutedUntil: me.mutedUntil,
        archivedAtSeq: me.archivedAtSeq,
      },
      lastActivityAt: lastActivity,
      // A former member sees the group as it stood when they left: its members then, its name then, no
      // positions past their end (changes after are messages sent after they left).
      memberCount: sql<number>`(case when ${me.leftAtSeq} is null
        then (select count(*)::int from ${chatMembers} as o where o.chat_id = ${chats.id} and o.left_at_seq is null)
        else (select count(*)::int from ${chatMembers} as o where o.chat_id = ${chats.id} and o.visible_after_seq < ${me.leftAtSeq}
          and (o.left_at_seq is null or o.left_at_seq > ${me.leftAtSeq})) end)`,
      titleThen: sql<string | null>`${titleWhenLeft({ chatId: chats.id, kind: chats.kind, leftAtSeq: me.leftAtSeq })}`,
      peerDeliveredSeq: sql<number>`coalesce((select min(least(o.delivered_seq, ${visibleEnd}))::int from ${chatMembers} as o where o.chat_id = ${chats.id} and o.user_id <> ${me.userId} and o.left_at_seq is null), 0)`,
      // Receipts are reciprocal: who sends none sees none; members who send none are left out of the lowest.
      peerReadSeq: sql<number | null>`case when ${meUser.sendReadReceipts} then (select min(least(o.read_seq, ${visibleEnd}))::int from ${chatMembers} as o join ${users} as u on u.id = o.user_id where o.chat_id = ${chats.id} and o.user_id <> ${me.userId} and o.left_at_seq is null and u.send_read_receipts) end`,
      // Uses the (chat_id, seq) index; unread runs are short.
      unreadCount: sql<number>`(select count(*)::int from ${messages} as m where ${unreadFilter})`,
      unreadMentionCount: sql<number>`(select count(*)::int from ${messages} as m where ${unreadFilter} and ${me.userId} = any(m.mention_ids))`,
    })
    .from(me)
    .innerJoin(chats, eq(chats.id, me.chatId))
    .innerJoin(meUser, eq(meUser.id, me.userId))
    // The other person of a 1:1 chat; groups have none.
    .leftJoin(other, and(eq(other.chatId, chats.id), ne(other.userId, me.userId), eq(chats.kind, 'direct')))
    .leftJoin(users, eq(users.id, other.userId))
    .leftJoin(messages, and(eq(messages.chatId, chats.id), eq(messages.seq, visibleEnd)))
    .$dynamic()
    .where(eq(me.userId, userId));
}

type SummaryRow = Awaited<ReturnType<ReturnType<typeof summaryQuery>['execute']>>[number];

async function toChatSummaryDTOs(rows: SummaryRow[]): Promise<ChatSummaryDTO[]> {
  const lastMessages = await hydrateMessages(rows.flatMap((row) => (row.lastMessage ? [row.lastMessage] : [])));
  const lastById = new Map(lastMessages.map((message) => [message.id, message]));
  // One read for every name the previews need ("Ana: hi", "Ana added Bo"), so the list asks for no members.
  const namedIds = [...new Set(lastMessages.flatMap(idsNamedBy))];
  const namedUsers =
    namedIds.length > 0 ? await getDb().select({ id: users.id, displayName: users.displayName }).from(users).where(inArray(users.id, namedIds)) : [];
  const nameById = new Map(namedUsers.map((user) => [user.id, user.displayName]));
  const namesFor = (message: MessageDTO | null) =>
    Object.fromEntries((message ? idsNamedBy(message) : []).flatMap((id) => (nameById.has(id) ? [[id, nameById.get(id)!]] : [])));
  const now = Date.now();
  return rows.map((row) => {
    const lastMessage = row.lastMessage ? (lastById.get(row.lastMessage.id) ?? null) : null;
    return {
      id: row.chat.id,
      kind: row.chat.kind,
      title: row.chat.kind === 'group' ? (row.titleThen ?? row.chat.title ?? '') : (row.peer?.displayName ?? ''),
      peer: row.peer ? toUserDTO(row.peer) : null,
      avatarUrl: row.chat.kind === 'group' && row.me.leftAtSeq === null ? groupAvatarUrl(row.chat.id, row.chat.avatarVersion) : null,
      memberCount: row.memberCount,
      myRole: row.me.role,
      active: row.me.leftAtSeq === null,
      mutedUntil: row.me.mutedUntil && row.me.mutedUntil.getTime() > now ? row.me.mutedUntil.toISOString() : null,
      // A former member's chat ends where they left: later messages neither unarchive it nor move it up the list.
      archived: row.me.archivedAtSeq !== null && (row.me.leftAtSeq ?? row.chat.lastSeq) <= row.me.archivedAtSeq,
      unreadMentionCount: row.unreadMentionCount,
      lastMessage,
      names: namesFor(lastMessage),
      lastActivityAt: row.lastActivityAt.toISOString(),
      unreadCount: row.unreadCount,
      markedUnread: row.me.markedUnread,
      myReadSeq: row.me.readSeq,
      peerDeliveredSeq: row.peerDeliveredSeq,
      peerReadSeq: row.peerReadSeq,
    };
  });
}

/** Every chat of the user, newest activity first. */
export async function listChatsForUser(userId: string, limit = 200): Promise<ChatSummaryDTO[]> {
  const rows = await summaryQuery(userId)
    .orderBy(desc(lastActivityOrder()))
    .limit(limit);
  return toChatSummaryDTOs(rows);
}

/** The chat as `userId` sees it in their list, or null for a non-member. */
export async function getChatSummaryForUser(input: { chatId: string; userId: string }): Promise<ChatSummaryDTO | null> {
  const [row] = await summaryQuery(input.userId)
    .where(and(eq(me.userId, input.userId), eq(chats.id, input.chatId)))
    .limit(1);
  return row ? ((await toChatSummaryDTOs([row]))[0] ?? null) : null;
}

export type MuteDuration = '8h' | '1w' | 'always' | 'off';

const MUTE_MS: Record<'8h' | '1w', number> = { '8h': 8 * 60 * 60_000, '1w': 7 * 24 * 60 * 60_000 };

/** When a mute chosen now ends: null for 'off', MUTED_FOREVER for 'always'. */
export function mutedUntilFor(duration: MuteDuration, now = new Date()): Date | null {
  if (duration === 'off') return null;
  if (duration === 'always') return MUTED_FOREVER;
  return new Date(now.getTime() + MUTE_MS[duration]);
}

/** The user's own setting, for current and former members of any chat; false when they never belonged. */
export async function setChatMutedUntil(input: { chatId: string; userId: string; mutedUntil: Date | null }): Promise<boolean> {
  const rows = await getDb()
    .update(chatMembers)
    .set({ mutedUntil: input.mutedUntil })
    .where(and(eq(chatMembers.chatId, input.chatId), eq(chatMembers.userId, input.userId)))
    .returning({ chatId: chatMembers.chatId });
  return rows.length > 0;
}

/**
 * Archives at the last message the user may read (the chat's end, or where they left), so the next message
 * unarchives it with no write on the send path. False when the user never belonged.
 */
export async function setChatArchived(input: { chatId: string; userId: string; archived: boolean }): Promise<boolean> {
  const archivedAtSeq = input.archived
    ? sql`coalesce(${chatMembers.leftAtSeq}, (select c.last_seq from ${chats} as c where c.id = ${chatMembers.chatId}))`
    : null;
  const rows = await getDb()
    .update(chatMembers)
    .set({ archivedAtSeq })
    .where(and(eq(chatMembers.chatId, input.chatId), eq(chatMembers.userId, input.userId)))
    .returning({ chatId: chatMembers.chatId });
  return rows.length > 0;
}
