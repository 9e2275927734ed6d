import { and, desc, eq, inArray, notInArray, sql } from 'drizzle-orm';
import type { ChatKind } from '@/lib/realtime/events';
import { getDb } from '../index';
import { pushSubscriptions } from '../schema';

/** Devices per user; the oldest beyond this are dropped (a browser that lost its subscription never says so). */
export const PUSH_SUBSCRIPTIONS_PER_USER = 20;

export type PushSubscriptionInput = { userId: string; endpoint: string; p256dh: string; auth: string; previews: boolean };

/**
 * Stores this device for this user. The endpoint identifies the device: its owner subscribing it again replaces its
 * keys, and on a shared browser (the same endpoint with the same keys: the browser's one subscription) the last
 * user to turn notifications on becomes its owner. Someone who merely knows another's endpoint, without its keys,
 * changes nothing.
 */
export async function savePushSubscription(input: PushSubscriptionInput): Promise<void> {
  const { userId, endpoint, p256dh, auth, previews } = input;
  await getDb().transaction(async (tx) => {
    await tx
      .insert(pushSubscriptions)
      .values({ userId, endpoint, p256dh, auth, previews })
      .onConflictDoUpdate({
        target: pushSubscriptions.endpoint,
        set: { userId, p256dh, auth, previews, createdAt: sql`now()` },
        setWhere: sql`${pushSubscriptions.userId} = ${userId} or (${pushSubscriptions.p256dh} = ${p256dh} and ${pushSubscriptions.auth} = ${auth})`,
      });
    const keep = tx
      .select({ id: pushSubscriptions.id })
      .from(pushSubscriptions)
      .where(eq(pushSubscriptions.userId, userId))
      .orderBy(desc(pushSubscriptions.createdAt))
      .limit(PUSH_SUBSCRIPTIONS_PER_USER);
    await tx.delete(pushSubscriptions).where(and(eq(pushSubscriptions.userId, userId), notInArray(pushSubscriptions.id, keep)));
  });
}

/** Only the user's own device: false when this user has no subscription at that endpoint. */
export async function deletePushSubscription(input: { userId: string; endpoint: string }): Promise<boolean> {
  const rows = await getDb()
    .delete(pushSubscriptions)
    .where(and(eq(pushSubscriptions.userId, input.userId), eq(pushSubscriptions.endpoint, input.endpoint)))
    .returning({ id: pushSubscriptions.id });
  return rows.length > 0;
}

export async function setPushPreviews(input: { userId: string; endpoint: string; previews: boolean }): Promise<boolean> {
  const rows = await getDb()
    .update(pushSubscriptions)
    .set({ previews: input.previews })
    .where(and(eq(pushSubscriptions.userId, input.userId), eq(pushSubscriptions.endpoint, input.endpoint)))
    .returning({ id: pushSubscriptions.id });
  return rows.length > 0;
}

/** This user's device at that endpoint (what the settings page shows), or null. */
export async function getPushDevice(input: { userId: string; endpoint: string }): Promise<{ previews: boolean } | null> {
  const [row] = await getDb()
    .select({ previews: pushSubscriptions.previews })
    .from(pushSubscriptions)
    .where(and(eq(pushSubscriptions.userId, input.userId), eq(pushSubscriptions.endpoint, input.endpoint)))
    .limit(1);
  return row ?? null;
}

/** Subscriptions the push service called gone (404, 410). By endpoint: whoever owns it now, it is dead. */
export async function deletePushSubscriptionsByEndpoint(endpoints: string[]): Promise<void> {
  if (endpoints.length === 0) return;
  await getDb().delete(pushSubscriptions).where(inArray(pushSubscriptions.endpoint, endpoints));
}

/** A member of a chat with a queued message: a device to push to, or (device null) the sender, for their name. */
export type PushCandidate = {
  chatId: string;
  chatKind: ChatKind;
  chatTitle: string | null;
  userId: string;
  displayName: string;
  active: boolean;
  visibleAfterSeq: number;
  /** Muted now (the member's own setting for this chat). */
  muted: boolean;
  device: { endpoint: string; p256dh: string; auth: string; previews: boolean } | null;
};

/**
 * One statement for a whole batch of queued messages: in their chats, every current member's devices, plus each
 * sender's name (a sender without devices comes back once, device null). Who among them gets which message (not
 * the sender, not muted, not someone who joined after it) is decided by the caller, which knows each message.
 */
export async function listPushCandidates(input: { chatIds: string[]; senderIds: string[] }): Promise<PushCandidate[]> {
  if (input.chatIds.length === 0) return [];
  const rows = await getDb().execute<{
    chat_id: string;
    kind: ChatKind;
    title: string | null;
    user_id: string;
    display_name: string;
    left_at_seq: number | null;
    visible_after_seq: number;
    muted: boolean;
    endpoint: string | null;
    p256dh: string | null;
    auth: string | null;
    previews: boolean | null;
  }>(sql`
    select cm.chat_id, c.kind, c.title, cm.user_id, u.display_name, cm.left_at_seq, cm.visible_after_seq,
           coalesce(cm.muted_until > now(), false) as muted,
           ps.endpoint, ps.p256dh, ps.auth, ps.previews
    from chat_members cm
    join chats c on c.id = cm.chat_id
    join users u on u.id = cm.user_id
    left join push_subscriptions ps on ps.user_id = cm.user_id and cm.left_at_seq is null
    where cm.chat_id = any(${sql.param(input.chatIds)}::uuid[])
      and (ps.id is not null or cm.user_id = any(${sql.param(input.senderIds)}::uuid[]))`);
  return rows.map((row) => ({
    chatId: row.chat_id,
    chatKind: row.kind,
    chatTitle: row.title,
    userId: row.user_id,
    displayName: row.display_name,
    active: row.left_at_seq === null,
    visibleAfterSeq: row.visible_after_seq,
    muted: row.muted,
    device:
      row.endpoint !== null && row.p256dh !== null && row.auth !== null
        ? { endpoint: row.endpoint, p256dh: row.p256dh, auth: row.auth, previews: row.previews ?? false }
        : null,
  }));
}
