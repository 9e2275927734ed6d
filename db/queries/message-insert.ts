/**
 * Storing new messages, by group commit: sends that arrive while a batch is being written wait and go together in
 * the next one, so under load the messages of many chats share one transaction and one commit (one fsync), and a lone
 * send goes at once (no timer: a batch is whatever queued meanwhile). Every send is still acked after the commit that
 * stored it. One batch costs five statements, however many messages it holds: begin, a lock timeout, lock, insert,
 * commit.
 */
import postgres from 'postgres';
import { AppError } from '@/lib/errors';
import { GROUP_MAX_MEMBERS, type AttachmentDTO, type ChatKind, type MessageDTO } from '@/lib/realtime/events';
import { hideQuotesBefore, parseMentionNames } from '@/lib/realtime/messages';
import { getSql } from '../index';
import { getReadableMembership } from './chats';
import { getMessageByClientId, hydrateMessages, toMessageDTO, toReplyPreview, type MessageRow } from './messages';

export type InsertInput = {
  chatId: string;
  senderId: string;
  clientId: string;
  body: string;
  /** Claimed by the caller (claimAttachments): stored with the message, shown in the order given. */
  attachments?: AttachmentDTO[];
  /** The original, already read and checked readable by the caller: it becomes the quote. */
  replyTo?: MessageRow;
};
export type InsertResult = { message: MessageDTO; created: true; chatKind: ChatKind } | { message: MessageDTO; created: false };

type Stored = { row: MessageRow; chatKind: ChatKind };
type StoredRow = Omit<MessageRow, 'editedAt' | 'deletedAt' | 'createdAt'> & { createdAt: string; chatKind: ChatKind };
type Pending = { input: InsertInput; resolve: (stored: Stored | null) => void; reject: (error: unknown) => void };

/** Bounds one statement's size; a longer queue simply takes several batches. */
const MAX_BATCH = 256;
/**
 * Batches written at once (on separate connections): while one waits for its commit's fsync, the next is already
 * running. Each chat is in at most one of them, so a chat's messages are still numbered in the order they queued.
 */
const MAX_IN_FLIGHT = 2;
const LOCK_TIMEOUT = '5s';
let queue: Pending[] = [];
let inFlight = 0;
let scheduled = false;
const chatsInFlight = new Set<string>();

/**
 * Stores a message once per (chat, sender, clientId) with the chat's next number, without gaps, numbers following
 * commit order. The sender must be a current member when the chat row lock is held: a non-member's send (also one
 * removed while this waited) locks and writes nothing and gets not_found, as for a chat that does not exist.
 * A retry of a stored send answers the stored message with `created: false`.
 */
export async function insertMessage(raw: InsertInput): Promise<InsertResult> {
  // Ids as Postgres writes them (a client may send upper-case hex): a batch matches its rows back by them.
  const input = { ...raw, chatId: raw.chatId.toLowerCase(), senderId: raw.senderId.toLowerCase(), clientId: raw.clientId.toLowerCase() };
  const stored = await new Promise<Stored | null>((resolve, reject) => {
    queue.push({ input, resolve, reject });
    schedule();
  });
  if (stored) return { message: toMessageDTO(stored.row, { replyTo: input.replyTo ? toReplyPreview(input.replyTo) : null }), created: true, chatKind: stored.chatKind };
  // Not written: stored before under this clientId (a retry), or the sender is not a current member. A retry is
  // answered only inside the sender's window: a removed member replaying an old send learns nothing new.
  const [existing, membership] = await Promise.all([getMessageByClientId(input), getReadableMembership({ chatId: input.chatId, userId: input.senderId })]);
  if (!existing || !membership || existing.seq <= membership.visibleAfterSeq || existing.seq > membership.visibleUpToSeq) throw new AppError('not_found');
  return { message: hideQuotesBefore(await hydrateMessages([existing]), membership.visibleAfterSeq)[0]!, created: false };
}

const keyOf = (input: Pick<InsertInput, 'chatId' | 'senderId' | 'clientId'>) => `${input.chatId}/${input.senderId}/${input.clientId}`;

/** setImmediate, not now: every frame read in this turn of the event loop joins the batch. */
function schedule() {
  if (scheduled) return;
  scheduled = true;
  setImmediate(startBatches);
}

function startBatches() {
  scheduled = false;
  while (inFlight < MAX_IN_FLIGHT && queue.length > 0) {
    const batch = takeBatch();
    // Everything queued belongs to chats in flight: their batches' ends schedule the next.
    if (batch.length === 0) return;
    const chatIds = new Set(batch.map((pending) => pending.input.chatId));
    inFlight++;
    chatIds.forEach((chatId) => chatsInFlight.add(chatId));
    void write(batch).finally(() => {
      inFlight--;
      chatIds.forEach((chatId) => chatsInFlight.delete(chatId));
      if (queue.length > 0) schedule();
    });
  }
}

/** The oldest queued sends of chats not in flight, up to MAX_BATCH; the rest stay queued in order. */
function takeBatch(): Pending[] {
  const batch: Pending[] = [];
  const rest: Pending[] = [];
  for (const pending of queue) (batch.length < MAX_BATCH && !chatsInFlight.has(pending.input.chatId) ? batch : rest).push(pending);
  queue = rest;
  return batch;
}

/**
 * SQLSTATE classes one send can cause or that end one transaction, not the server: bad data (22), a constraint (23),
 * a deadlock or serialization failure (40), a lock wait over LOCK_TIMEOUT (55). Anything else (an outage, a shutdown,
 * too many connections) fails every send of the batch at once, and the clients retry.
 */
const ONE_SEND_CLASSES = ['22', '23', '40', '55'];

async function write(batch: Pending[]): Promise<void> {
  try {
    settle(batch, await writeBatch(batch.map((pending) => pending.input)));
  } catch (error) {
    const oneSend = error instanceof postgres.PostgresError && ONE_SEND_CLASSES.includes(error.code.slice(0, 2));
    if (batch.length === 1 || !oneSend) batch.forEach((pending) => pending.reject(error));
    // The others must not fail with it: each is written alone.
    else for (const pending of batch) await writeBatch([pending.input]).then((stored) => settle([pending], stored), pending.reject);
  }
}

/** Each stored row answers the first send with its key; a second copy in the same batch is a retry. */
function settle(batch: Pending[], stored: Map<string, Stored>) {
  for (const pending of batch) {
    const key = keyOf(pending.input);
    pending.resolve(stored.get(key) ?? null);
    stored.delete(key);
  }
}

/**
 * One transaction. The first statement locks the chats (in id order, so two batches never deadlock) in which a sender
 * is a member; the second, whose snapshot is taken after those locks were granted (READ COMMITTED), sees every
 * removal and every other copy of a send that committed meanwhile in those chats, numbers the new messages of each
 * chat after its last one, and stores them with their mentions (names resolved to current members, the author
 * excluded). A chat the first statement did not lock is written only if it did not change in between.
 */
async function writeBatch(inputs: InsertInput[]): Promise<Map<string, Stored>> {
  const rows = JSON.stringify(
    inputs.map((input, ord) => ({
      ord,
      chat_id: input.chatId,
      sender_id: input.senderId,
      client_id: input.clientId,
      body: input.body,
      attachments: input.attachments ?? [],
      reply_to_id: input.replyTo?.id ?? null,
      mentions: parseMentionNames(input.body).slice(0, GROUP_MAX_MEMBERS),
    })),
  );
  const inserted = await getSql().begin(async (sql) => {
    // Sent together (pipelined): Postgres runs the insert once the lock statement is done.
    const [, , stored] = await Promise.all([
      // A chat locked elsewhere for this long (a stalled transaction) fails the batch, not every send after it.
      sql.unsafe(`set local lock_timeout = '${LOCK_TIMEOUT}'`),
      sql`
        select c.id from chats c
        where c.id in (
          select i.chat_id from jsonb_to_recordset(${rows}::jsonb) as i(chat_id uuid, sender_id uuid)
          join chat_members cm on cm.chat_id = i.chat_id and cm.user_id = i.sender_id and cm.left_at_seq is null)
        order by c.id
        for update`,
      sql<StoredRow[]>`
        with input as (
          select * from jsonb_to_recordset(${rows}::jsonb)
            as i(ord int, chat_id uuid, sender_id uuid, client_id uuid, body text, attachments jsonb, reply_to_id uuid, mentions text[])
        ), fresh as (
          select distinct on (i.chat_id, i.sender_id, i.client_id) i.*, c.last_seq as seen_seq from input i
          join chat_members cm on cm.chat_id = i.chat_id and cm.user_id = i.sender_id and cm.left_at_seq is null
          join chats c on c.id = i.chat_id
          where not exists (select 1 from messages m where m.chat_id = i.chat_id and m.sender_id = i.sender_id and m.client_id = i.client_id)
          order by i.chat_id, i.sender_id, i.client_id, i.ord
        ), numbered as (
          select f.*, row_number() over (partition by f.chat_id order by f.ord) as n, count(*) over (partition by f.chat_id) as k from fresh f
        ), bumped as (
          update chats c set last_seq = c.last_seq + x.k, last_message_at = now()
          -- Unchanged since this snapshot: true for every chat the first statement locked. A chat it did not lock (the
          -- sender was added meanwhile) that changed since (a removal, say) is left out: its sends answer not_found.
          from (select distinct chat_id, k, seen_seq from numbered) x where c.id = x.chat_id and c.last_seq = x.seen_seq
          returning c.id, c.last_seq, c.kind
        )
        insert into messages (chat_id, seq, sender_id, client_id, body, attachments, reply_to_id, mention_ids)
        select n.chat_id, b.last_seq - n.k + n.n, n.sender_id, n.client_id, n.body, n.attachments, n.reply_to_id,
          coalesce((select array_agg(cm.user_id order by cm.user_id) from chat_members cm join users u on u.id = cm.user_id
            where cm.chat_id = n.chat_id and cm.left_at_seq is null and cm.user_id <> n.sender_id and u.username = any(n.mentions)), '{}')
        from numbered n join bumped b on b.id = n.chat_id
        order by n.chat_id, n.n
        returning id, chat_id as "chatId", seq, sender_id as "senderId", client_id as "clientId", kind, body, attachments, event,
          reply_to_id as "replyToId", mention_ids as "mentionIds", version, created_at as "createdAt",
          (select c.kind from chats c where c.id = chat_id) as "chatKind"`,
    ]);
    return stored;
  });
  // A new message is neither edited nor deleted; timestamps arrive as text (drizzle's driver turns postgres.js's parsing off).
  return new Map(inserted.map(({ chatKind, createdAt, ...row }) => [keyOf(row), { row: { ...row, editedAt: null, deletedAt: null, createdAt: new Date(createdAt) }, chatKind }]));
}
