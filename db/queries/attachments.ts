/**
 * Uploaded files and who may read them. An upload belongs to its uploader until a send claims it by writing the
 * message's clientId; from then on it is read by whoever may read that message: (chat, uploader, clientId) is the
 * message's unique key, so no second link can disagree.
 */
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { AppError } from '@/lib/errors';
import type { AttachmentDTO } from '@/lib/realtime/events';
import { getDb, getSql } from '../index';
import { attachments, type AttachmentRow } from '../schema';

export const toAttachmentDTO = (row: Pick<AttachmentRow, 'id' | 'kind' | 'name' | 'mime' | 'size' | 'width' | 'height'>): AttachmentDTO => ({
  id: row.id,
  kind: row.kind,
  name: row.name,
  mime: row.mime,
  size: row.size,
  width: row.width,
  height: row.height,
});

export async function insertAttachment(input: Omit<AttachmentRow, 'clientId' | 'createdAt'>): Promise<AttachmentDTO> {
  const [row] = await getDb().insert(attachments).values(input).returning();
  return toAttachmentDTO(row!);
}

/**
 * The attachment if `userId` may read it: a member whose window holds its message (not deleted), or its uploader
 * before any message carries it. Null otherwise — a stranger cannot tell a missing id from a forbidden one.
 */
export async function getReadableAttachment(input: { attachmentId: string; userId: string }): Promise<AttachmentDTO | null> {
  const [row] = await getSql()<(AttachmentRow & { readable: boolean })[]>`
    select a.id, a.kind, a.name, a.mime, a.size, a.width, a.height,
      case
        when m.id is not null then m.deleted_at is null and m.seq > cm.visible_after_seq and (cm.left_at_seq is null or m.seq <= cm.left_at_seq)
        else a.uploader_id = ${input.userId} and cm.left_at_seq is null
      end as readable
    from attachments a
    join chat_members cm on cm.chat_id = a.chat_id and cm.user_id = ${input.userId}
    left join messages m on m.chat_id = a.chat_id and m.sender_id = a.uploader_id and m.client_id = a.client_id
    where a.id = ${input.attachmentId}`;
  return row?.readable ? toAttachmentDTO(row) : null;
}

/** Uploads no message carried within this long are abandoned (a closed tab, a send given up): the sweep removes them. */
export const UNSENT_UPLOAD_TTL_MS = 48 * 60 * 60_000;
/** A send may claim an upload only this long: an hour short of the sweep's TTL, so the two never race. */
const CLAIMABLE_FOR_MS = UNSENT_UPLOAD_TTL_MS - 60 * 60_000;

/**
 * Claims the sender's uploads to this chat for the message with `clientId`, in the order given. Idempotent for a
 * retried send (same clientId); an upload another message carries, someone else's, or another chat's: not_found.
 */
export async function claimAttachments(input: { chatId: string; uploaderId: string; clientId: string; ids: string[] }): Promise<AttachmentDTO[]> {
  if (input.ids.length === 0) return [];
  // As Postgres writes them: the rows come back lower-case, and are matched back to the ids below.
  const ids = input.ids.map((id) => id.toLowerCase());
  if (new Set(ids).size !== ids.length) throw new AppError('invalid_input');
  const rows = await getDb()
    .update(attachments)
    .set({ clientId: input.clientId })
    .where(
      and(
        inArray(attachments.id, ids),
        eq(attachments.chatId, input.chatId),
        eq(attachments.uploaderId, input.uploaderId),
        // Already this send's (a retry), or a fresh upload: young enough that the sweep cannot be removing it, and
        // not added to a message already stored under this clientId (where no one would see it, nor the sweep take it).
        sql`(${attachments.clientId} = ${input.clientId} or (${attachments.clientId} is null
          and ${attachments.createdAt} > now() - make_interval(secs => ${CLAIMABLE_FOR_MS / 1000})
          and not exists (select 1 from messages m where m.chat_id = ${input.chatId} and m.sender_id = ${input.uploaderId} and m.client_id = ${input.clientId})))`,
      ),
    )
    .returning();
  if (rows.length !== ids.length) throw new AppError('not_found');
  const byId = new Map(rows.map((row) => [row.id, toAttachmentDTO(row)]));
  return ids.map((id) => byId.get(id)!);
}

/** Removes an upload no message carries, by its uploader (the composer's ×); false when there is no such upload. */
export async function deleteUnsentAttachment(input: { attachmentId: string; uploaderId: string }): Promise<boolean> {
  const rows = await getDb()
    .delete(attachments)
    .where(and(eq(attachments.id, input.attachmentId), eq(attachments.uploaderId, input.uploaderId), isNull(attachments.clientId)))
    .returning({ id: attachments.id });
  return rows.length > 0;
}

/** The ids of a (deleted) message's attachments, found by the message's key. */
export async function listAttachmentIdsOfMessage(input: { chatId: string; senderId: string; clientId: string }): Promise<string[]> {
  const rows = await getDb()
    .select({ id: attachments.id })
    .from(attachments)
    .where(and(eq(attachments.chatId, input.chatId), eq(attachments.uploaderId, input.senderId), eq(attachments.clientId, input.clientId)));
  return rows.map((row) => row.id);
}

export async function deleteAttachmentRows(ids: string[]): Promise<void> {
  if (ids.length > 0) await getDb().delete(attachments).where(inArray(attachments.id, ids));
}

/**
 * Attachments to remove from storage: those of deleted messages, and uploads no message carries that are older
 * than `unsentOlderThanMs` (a cancelled send, a closed tab). Oldest first, at most `limit`.
 */
export async function listAbandonedAttachmentIds(input: { unsentOlderThanMs: number; limit: number }): Promise<string[]> {
  const rows = await getSql()<{ id: string }[]>`
    select a.id from attachments a
    left join messages m on m.chat_id = a.chat_id and m.sender_id = a.uploader_id and m.client_id = a.client_id
    where (m.id is null and a.created_at < now() - make_interval(secs => ${input.unsentOlderThanMs / 1000}))
      or m.deleted_at is not null
    order by a.created_at
    limit ${input.limit}`;
  return rows.map((row) => row.id);
}
