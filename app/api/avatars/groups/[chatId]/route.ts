import { z } from 'zod';
import { requireGroupAdmin } from '@/db/queries/avatars';
import { getCurrentUser } from '@/lib/auth';
import { removeGroupAvatar, setGroupAvatar } from '@/lib/avatars/avatars';
import { readPictureUpload } from '@/lib/avatars/upload';
import { AppError } from '@/lib/errors';
import { isForeignOrigin, jsonFail, jsonResult } from '@/lib/http';

const paramsSchema = z.object({ chatId: z.uuid() });
type Context = { params: Promise<{ chatId: string }> };

/** Origin, session, chat id, then "a current admin of this group", all before the body is read. */
async function authorize(request: Request, context: Context): Promise<{ userId: string; chatId: string } | Response> {
  // As PUT /api/push/subscription: another site's page may not change anyone's picture.
  if (isForeignOrigin(request)) return jsonFail('forbidden');
  const user = await getCurrentUser();
  if (!user) return jsonFail('unauthorized');
  const params = paramsSchema.safeParse(await context.params);
  if (!params.success) return jsonFail('not_found');
  try {
    await requireGroupAdmin({ chatId: params.data.chatId, userId: user.id });
  } catch (error) {
    if (error instanceof AppError) return jsonFail(error.code);
    throw error;
  }
  return { userId: user.id, chatId: params.data.chatId };
}

/**
 * A group's picture, set by one of its admins; the members' chat lists and headers show it live (chat:updated).
 * The body is the raw file, as in PUT /api/avatars/me. No system line: a picture change is shown, not announced.
 */
export async function PUT(request: Request, context: Context) {
  const allowed = await authorize(request, context);
  if (allowed instanceof Response) return allowed;
  const upload = await readPictureUpload(request, allowed.userId);
  if (!upload.ok) return jsonResult(upload);
  return jsonResult(await setGroupAvatar({ chatId: allowed.chatId, actorId: allowed.userId, upload: upload.data }));
}

/** Back to the group's initials. */
export async function DELETE(request: Request, context: Context) {
  const allowed = await authorize(request, context);
  if (allowed instanceof Response) return allowed;
  return jsonResult(await removeGroupAvatar({ chatId: allowed.chatId, actorId: allowed.userId }));
}
