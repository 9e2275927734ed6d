import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { userAvatarUrl } from '@/lib/avatars/urls';
import { AppError } from '@/lib/errors';
import { characterCount, GROUP_MAX_MEMBERS, GROUP_TITLE_MAX_LENGTH, type MemberDTO, type MessageDTO, type SystemEvent } from '@/lib/realtime/events';
import { getDb, type Transaction as Tx } from '../index';
import { chatMembers, chats, messages, users, type ChatMember } from '../schema';
import { messageColumns, toMessageDTO } from './messages';

/**
 * Group membership changes. Each one runs in one transaction that first locks the chat row, so changes to one
 * group are serialized (no two admins can race the "last admin" rule or the size limit), and writes its system
 * line numbered like any message (`last_seq + 1` under that lock: gapless, in commit order).
 * Refusals are AppErrors: 'not_found' for an unknown chat, a 1:1 chat or a caller who is not a current member
 * (identical answers, so a non-member learns nothing), 'forbidden' for a member who is not an admin.
 */

/** What one change did, for the caller to tell the sockets. `line` is null when nothing changed. */
export type GroupChange = { chatId: string; line: MessageDTO | null; addedIds: string[]; removedIds: string[] };

const unchanged = (chatId: string): GroupChange => ({ chatId, line: null, addedIds: [], removedIds: [] });

/** Trimmed, 1..GROUP_TITLE_MAX_LENGTH characters, or invalid_input. */
export function normalizeGroupTitle(title: string): string {
  const trimmed = title.trim();
  if (trimmed.length === 0 || characterCount(trimmed) > GROUP_TITLE_MAX_LENGTH || trimmed.includes('\u0000')) throw new AppError('invalid_input');
  return trimmed;
}

async function appendSystemLine(tx: Tx, input: { chatId: string; actorId: string; event: SystemEvent }): Promise<MessageDTO> {
  const [chat] = await tx
    .update(chats)
    .set({ lastSeq: sql`${chats.lastSeq} + 1`, lastMessageAt: sql`now()` })
    .where(eq(chats.id, input.chatId))
    .returning({ seq: chats.lastSeq });
  if (!chat) throw new Error('appendSystemLine: chat vanished');
  const [row] = await tx
    .insert(messages)
    .values({ chatId: input.chatId, seq: chat.seq, senderId: input.actorId, clientId: randomUUID(), kind: 'system', body: '', event: input.event })
    .returning(messageColumns);
  return toMessageDTO(row!);
}

/** Locks the group and returns the caller's current membership; not_found for anything else. */
async function lockGroup(tx: Tx, chatId: string, actorId: string): Promise<ChatMember> {
  const [chat] = await tx.select({ kind: chats.kind }).from(chats).where(eq(chats.id, chatId)).for('update');
  if (!chat || chat.kind !== 'group') throw new AppError('not_found');
  const [actor] = await tx
    .select()
    .from(chatMembers)
    .where(and(eq(chatMembers.chatId, chatId), eq(chatMembers.userId, actorId), isNull(chatMembers.leftAtSeq)));
  if (!actor) throw new AppError('not_found');
  return actor;
}

export async function lockGroupAsAdmin(tx: Tx, chatId: string, actorId: string): Promise<ChatMember> {
  const actor = await lockGroup(tx, chatId, actorId);
  if (actor.role !== 'admin') throw new AppError('forbidden');
  return actor;
}

async function currentMember(tx: Tx, chatId: string, userId: string): Promise<ChatMember | null> {
  const [row] = await tx
    .select()
    .from(chatMembers)
    .where(and(eq(chatMembers.chatId, chatId), eq(chatMembers.userId, userId), isNull(chatMembers.leftAtSeq)));
  return row ?? null;
}

async function requireExistingUsers(tx: Tx, userIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  const found = await tx.select({ id: users.id }).from(users).where(inArray(users.id, userIds));
  if (found.length !== userIds.length) throw new AppError('invalid_input');
}

/**
 * Makes `userIds` current members who read from `afterSeq` on. New members start at the "added" line, not at
 * older history (as WhatsApp does). A former member coming back gets the same fresh window: what they could read
 * during their earlier membership is no longer readable, because one row holds one window; the price of one row
 * per (chat, user). Positions start at the window, so the older messages they never saw hold back no "read by all".
 */
async function enrol(tx: Tx, chatId: string, userIds: string[], afterSeq: number, admins: string[] = []): Promise<void> {
  await tx
    .insert(chatMembers)
    .values(userIds.map((userId) => ({ chatId, userId, role: admins.includes(userId) ? ('admin' as const) : ('member' as const), visibleAfterSeq: afterSeq, deliveredSeq: afterSeq, readSeq: afterSeq })))
    .onConflictDoUpdate({
      target: [chatMembers.chatId, chatMembers.userId],
      set: {
        role: sql`excluded.role`,
        joinedAt: sql`now()`,
        leftAtSeq: null,
        visibleAfterSeq: afterSeq,
        deliveredSeq: sql`greatest(${chatMembers.deliveredSeq}, ${afterSeq})`,
        readSeq: sql`greatest(${chatMembers.readSeq}, ${afterSeq})`,
        markedUnread: false,
        archivedAtSeq: null,
      },
    });
}

/** Ends a membership at `seq` (the line saying so, which they still read); former members hold no role. */
async function retire(tx: Tx, chatId: string, userId: string, seq: number): Promise<void> {
  await tx
    .update(chatMembers)
    .set({ leftAtSeq: seq, role: 'member' })
    .where(and(eq(chatMembers.chatId, chatId), eq(chatMembers.userId, userId)));
}

/** Creates a group of the creator (admin) and ≥ 2 other existing users; "created" and "added" lines open it. */
export async function createGroup(input: { creatorId: string; title: string; memberIds: string[] }): Promise<{ chatId: string; lines: MessageDTO[]; memberIds: string[] }> {
  const title = normalizeGroupTitle(input.title);
  const others = [...new Set(input.memberIds)].filter((id) => id !== input.creatorId);
  if (others.length < 2 || others.length + 1 > GROUP_MAX_MEMBERS) throw new AppError('invalid_input');
  return getDb().transaction(async (tx) => {
    await requireExistingUsers(tx, others);
    const [chat] = await tx.insert(chats).values({ kind: 'group', title }).returning({ id: chats.id });
    const chatId = chat!.id;
    const memberIds = [input.creatorId, ...others];
    await enrol(tx, chatId, memberIds, 0, [input.creatorId]);
    const lines = [
      await appendSystemLine(tx, { chatId, actorId: input.creatorId, event: { type: 'group_created', actorId: input.creatorId, title } }),
      await appendSystemLine(tx, { chatId, actorId: input.creatorId, event: { type: 'members_added', actorId: input.creatorId, userIds: others } }),
    ];
    return { chatId, lines, memberIds };
  });
}

/** Admins only. Users already in the group are skipped; nothing to add writes nothing. */
export async function addGroupMembers(input: { chatId: string; actorId: string; userIds: string[] }): Promise<GroupChange> {
  return getDb().transaction(async (tx) => {
    await lockGroupAsAdmin(tx, input.chatId, input.actorId);
    const current = await tx
      .select({ userId: chatMembers.userId })
      .from(chatMembers)
      .where(and(eq(chatMembers.chatId, input.chatId), isNull(chatMembers.leftAtSeq)));
    const currentIds = new Set(current.map((row) => row.userId));
    const addedIds = [...new Set(input.userIds)].filter((id) => !currentIds.has(id));
    if (addedIds.length === 0) return unchanged(input.chatId);
    if (currentIds.size + addedIds.length > GROUP_MAX_MEMBERS) throw new AppError('invalid_input');
    await requireExistingUsers(tx, addedIds);
    const line = await appendSystemLine(tx, { chatId: input.chatId, actorId: input.actorId, event: { type: 'members_added', actorId: input.actorId, userIds: addedIds } });
    await enrol(tx, input.chatId, addedIds, line.seq - 1);
    return { chatId: input.chatId, line, addedIds, removedIds: [] };
  });
}

/** Admins only, and not themselves (that is leaveGroup). The removed member keeps reading up to the "removed" line. */
export async function removeGroupMember(input: { chatId: string; actorId: string; userId: string }): Promise<GroupChange> {
  return getDb().transaction(async (tx) => {
    await lockGroupAsAdmin(tx, input.chatId, input.actorId);
    if (input.userId === input.actorId) throw new AppError('invalid_input');
    if (!(await currentMember(tx, input.chatId, input.userId))) throw new AppError('not_found');
    const line = await appendSystemLine(tx, { chatId: input.chatId, actorId: input.actorId, event: { type: 'member_removed', actorId: input.actorId, userId: input.userId } });
    await retire(tx, input.chatId, input.userId, line.seq);
    return { chatId: input.chatId, line, addedIds: [], removedIds: [input.userId] };
  });
}

/**
 * Any member. When the last admin leaves, the longest-standing remaining member becomes admin, so a group is
 * never left without one; no line of its own: the "left" line and the members list say enough.
 */
export async function leaveGroup(input: { chatId: string; userId: string }): Promise<GroupChange & { promotedId: string | null }> {
  return getDb().transaction(async (tx) => {
    const me = await lockGroup(tx, input.chatId, input.userId);
    const line = await appendSystemLine(tx, { chatId: input.chatId, actorId: input.userId, event: { type: 'member_left', actorId: input.userId } });
    await retire(tx, input.chatId, input.userId, line.seq);
    let promotedId: string | null = null;
    if (me.role === 'admin') {
      const remaining = await tx
        .select({ userId: chatMembers.userId, role: chatMembers.role })
        .from(chatMembers)
        .where(and(eq(chatMembers.chatId, input.chatId), isNull(chatMembers.leftAtSeq)))
        .orderBy(asc(chatMembers.joinedAt), asc(chatMembers.userId));
      const successor = remaining[0];
      if (successor && !remaining.some((member) => member.role === 'admin')) {
        await tx
          .update(chatMembers)
          .set({ role: 'admin' })
          .where(and(eq(chatMembers.chatId, input.chatId), eq(chatMembers.userId, successor.userId)));
        promotedId = successor.userId;
      }
    }
    return { chatId: input.chatId, line, addedIds: [], removedIds: [input.userId], promotedId };
  });
}

/** Admins only; the same title again writes nothing. */
export async function renameGroup(input: { chatId: string; actorId: string; title: string }): Promise<GroupChange> {
  const title = normalizeGroupTitle(input.title);
  return getDb().transaction(async (tx) => {
    await lockGroupAsAdmin(tx, input.chatId, input.actorId);
    const [chat] = await tx.select({ title: chats.title }).from(chats).where(eq(chats.id, input.chatId));
    if (chat?.title === title) return unchanged(input.chatId);
    await tx.update(chats).set({ title }).where(eq(chats.id, input.chatId));
    const line = await appendSystemLine(tx, { chatId: input.chatId, actorId: input.actorId, event: { type: 'group_renamed', actorId: input.actorId, title } });
    return { chatId: input.chatId, line, addedIds: [], removedIds: [] };
  });
}

/** Admins only; the target must be a current member; granting an admin again writes nothing. */
export async function grantGroupAdmin(input: { chatId: string; actorId: string; userId: string }): Promise<GroupChange> {
  return getDb().transaction(async (tx) => {
    await lockGroupAsAdmin(tx, input.chatId, input.actorId);
    const target = await currentMember(tx, input.chatId, input.userId);
    if (!target) throw new AppError('not_found');
    if (target.role === 'admin') return unchanged(input.chatId);
    await tx
      .update(chatMembers)
      .set({ role: 'admin' })
      .where(and(eq(chatMembers.chatId, input.chatId), eq(chatMembers.userId, input.userId)));
    const line = await appendSystemLine(tx, { chatId: input.chatId, actorId: input.actorId, event: { type: 'admin_granted', actorId: input.actorId, userId: input.userId } });
    return { chatId: input.chatId, line, addedIds: [], removedIds: [] };
  });
}

/**
 * Everyone who is or was in the chat (former members name the senders of old messages), admins first, then
 * current before former, then by name. A former viewer sees the list as it stood when they left: nobody added
 * later, and nobody's positions past their own end. Read positions follow the reciprocal rule of 1:1 chats.
 * not_found for a viewer who never belonged (or an unknown chat).
 */
export async function listChatMembers(input: { chatId: string; viewerId: string }): Promise<MemberDTO[]> {
  const rows = await getDb()
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      avatarVersion: users.avatarVersion,
      sendReadReceipts: users.sendReadReceipts,
      role: chatMembers.role,
      visibleAfterSeq: chatMembers.visibleAfterSeq,
      leftAtSeq: chatMembers.leftAtSeq,
      deliveredSeq: chatMembers.deliveredSeq,
      readSeq: chatMembers.readSeq,
    })
    .from(chatMembers)
    .innerJoin(users, eq(users.id, chatMembers.userId))
    .where(eq(chatMembers.chatId, input.chatId))
    .orderBy(sql`${chatMembers.role} = 'admin' desc`, sql`${chatMembers.leftAtSeq} is null desc`, asc(sql`lower(${users.displayName})`), asc(users.username));
  const viewer = rows.find((row) => row.id === input.viewerId);
  if (!viewer) throw new AppError('not_found');
  const end = viewer.leftAtSeq;
  return rows
    .filter((row) => end === null || row.visibleAfterSeq < end)
    .map((row) => ({
      id: row.id,
      username: row.username,
      displayName: row.displayName,
      avatarUrl: userAvatarUrl(row.id, row.avatarVersion),
      role: row.role,
      active: row.leftAtSeq === null || (end !== null && row.leftAtSeq > end),
      deliveredSeq: end === null ? row.deliveredSeq : Math.min(row.deliveredSeq, end),
      readSeq: viewer.sendReadReceipts && row.sendReadReceipts ? (end === null ? row.readSeq : Math.min(row.readSeq, end)) : null,
    }));
}

