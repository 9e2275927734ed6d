/**
 * Profile and group pictures end to end, without Next: resize, store under a new version, switch the row to it,
 * delete the picture it replaced, tell the sockets. The route handlers (app/api/avatars/**) only check the origin,
 * authenticate, validate and read the upload before calling these.
 */
import { listChatMemberIds } from '@/db/queries/chats';
import { switchGroupAvatar, switchUserAvatar } from '@/db/queries/avatars';
import { ImageRejectedError, prepareAvatar } from '@/lib/media/images';
import { getStorage } from '@/lib/storage';
import { AppError, fail, ok, type Result } from '@/lib/errors';
import { logger } from '@/lib/logger';
import { notifyChatUpdated } from '@/lib/realtime/notify';
import { groupAvatarKey, newAvatarVersion, userAvatarKey } from './keys';
import { groupAvatarUrl, userAvatarUrl } from './urls';

export type AvatarChange = { avatarUrl: string | null };

type Target = { kind: 'user'; userId: string } | { kind: 'group'; chatId: string; actorId: string };

const keyOf = (target: Target, version: string) => (target.kind === 'user' ? userAvatarKey(target.userId, version) : groupAvatarKey(target.chatId, version));
const urlOf = (target: Target, version: string | null) => (target.kind === 'user' ? userAvatarUrl(target.userId, version) : groupAvatarUrl(target.chatId, version));

/** Best effort: a leftover object costs storage, never correctness (no URL reaches it once the row moved on). */
async function deleteObject(target: Target, version: string | null): Promise<void> {
  if (!version) return;
  const key = keyOf(target, version);
  await getStorage()
    .delete([key])
    .catch((error: unknown) => logger.warn('avatar_delete_failed', { key, error }));
}

/** The row now names `version` (null: initials); the previous object goes. Refusals come back as their code. */
async function switchTo(target: Target, version: string | null): Promise<Result<AvatarChange>> {
  let previous: string | null;
  try {
    if (target.kind === 'user') {
      const switched = await switchUserAvatar({ userId: target.userId, version });
      // The account was deleted while its session still worked.
      if (!switched) return fail('unauthorized');
      previous = switched.previous;
    } else {
      previous = (await switchGroupAvatar({ chatId: target.chatId, actorId: target.actorId, version })).previous;
    }
  } catch (error) {
    if (error instanceof AppError) return fail(error.code);
    throw error;
  }
  if (previous === version) return ok({ avatarUrl: urlOf(target, version) });
  await deleteObject(target, previous);
  // A group's members see the new picture live, the way they see a rename: their chat list and header take
  // the summary. A profile picture reaches others on their next load (ChatSummaryDTO.peer carries it).
  // Best effort, and never a throw from here on: the caller would take the new picture for a failed one.
  if (target.kind === 'group') {
    try {
      await notifyChatUpdated(target.chatId, await listChatMemberIds(target.chatId));
    } catch (error) {
      logger.warn('avatar_notify_failed', { chatId: target.chatId, error });
    }
  }
  return ok({ avatarUrl: urlOf(target, version) });
}

/** Crops and resizes `upload` (already sniffed as a picture), stores it, and makes it the target's picture. */
async function setPicture(target: Target, upload: Buffer): Promise<Result<AvatarChange>> {
  let image: Buffer;
  try {
    image = await prepareAvatar(upload);
  } catch (error) {
    // Looked like a picture by its first bytes, but does not decode (truncated, corrupt, or too many pixels).
    logger.info('avatar_rejected', { target: target.kind, reason: error instanceof ImageRejectedError ? error.reason : String(error) });
    return fail('invalid_input');
  }
  const version = newAvatarVersion();
  const key = keyOf(target, version);
  try {
    await getStorage().put(key, image, { contentType: 'image/webp', size: image.length });
  } catch (error) {
    // Storage down (a full disk, S3 unreachable): the old picture stays; the person may try again.
    logger.error('avatar_store_failed', { key, error });
    return fail('unavailable');
  }
  try {
    const switched = await switchTo(target, version);
    if (!switched.ok) await deleteObject(target, version);
    return switched;
  } catch (error) {
    await deleteObject(target, version);
    throw error;
  }
}

export const setUserAvatar = (input: { userId: string; upload: Buffer }) => setPicture({ kind: 'user', userId: input.userId }, input.upload);

export const removeUserAvatar = (input: { userId: string }) => switchTo({ kind: 'user', userId: input.userId }, null);

export const setGroupAvatar = (input: { chatId: string; actorId: string; upload: Buffer }) =>
  setPicture({ kind: 'group', chatId: input.chatId, actorId: input.actorId }, input.upload);

export const removeGroupAvatar = (input: { chatId: string; actorId: string }) => switchTo({ kind: 'group', chatId: input.chatId, actorId: input.actorId }, null);
