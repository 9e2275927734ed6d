/**
 * Removing attachments from storage: when their message is deleted, when the uploader takes one back, and in the
 * sweep of abandoned uploads. Objects go first, rows after: a failure leaves the row, so the next sweep tries again
 * (a row whose message is deleted is always swept). The one exception is the uploader taking an upload back: its row
 * goes first, so a send cannot claim it meanwhile, and an object that then fails to go is logged.
 */
import { deleteAttachmentRows, listAbandonedAttachmentIds, listAttachmentIdsOfMessage, UNSENT_UPLOAD_TTL_MS } from '@/db/queries/attachments';
import { logger } from '@/lib/logger';
import type { MessageDTO } from '@/lib/realtime/events';
import { getStorage } from '@/lib/storage';
import { allAttachmentKeys } from './keys';

/** Removes the objects, then the rows. */
export async function removeAttachments(ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await getStorage().delete(allAttachmentKeys(ids));
  await deleteAttachmentRows(ids);
}

/** The uploader took back an upload no message carries: its row is already gone (deleteUnsentAttachment). */
export async function removeTakenBackUpload(id: string): Promise<void> {
  await getStorage()
    .delete(allAttachmentKeys([id]))
    .catch((error: unknown) => logger.warn('attachment_removal_failed', { attachmentId: id, error }));
}

/** After a message was deleted for everyone: its files leave storage. Best effort; the sweep retries a failure. */
export async function removeAttachmentsOf(message: Pick<MessageDTO, 'chatId' | 'senderId' | 'clientId'>): Promise<void> {
  try {
    await removeAttachments(await listAttachmentIdsOfMessage(message));
  } catch (error) {
    logger.warn('attachment_removal_failed', { chatId: message.chatId, error });
  }
}

export { UNSENT_UPLOAD_TTL_MS };
const SWEEP_BATCH = 500;

/** One pass of the sweep: at most a few batches, so a backlog is worked off across passes. */
export async function sweepAttachments(options: { unsentOlderThanMs?: number; maxBatches?: number } = {}): Promise<number> {
  let removed = 0;
  for (let batch = 0; batch < (options.maxBatches ?? 4); batch++) {
    const ids = await listAbandonedAttachmentIds({ unsentOlderThanMs: options.unsentOlderThanMs ?? UNSENT_UPLOAD_TTL_MS, limit: SWEEP_BATCH });
    await removeAttachments(ids);
    removed += ids.length;
    if (ids.length < SWEEP_BATCH) break;
  }
  return removed;
}

/** Sweeps once shortly after start, then hourly; every instance may, a second remover finds nothing left. */
export function startAttachmentSweep(intervalMs = 60 * 60_000): () => void {
  const run = () =>
    void sweepAttachments()
      .then((removed) => removed > 0 && logger.info('attachments_swept', { removed }))
      .catch((error: unknown) => logger.warn('attachment_sweep_failed', { error }));
  const first = setTimeout(run, 60_000);
  const timer = setInterval(run, intervalMs);
  first.unref();
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
