import { z } from 'zod';
import { getGroupAvatarVersion } from '@/db/queries/avatars';
import { getCurrentUser } from '@/lib/auth';
import { pictureResponse } from '@/lib/avatars/http';
import { AVATAR_VERSION_PATTERN, groupAvatarKey } from '@/lib/avatars/keys';
import { getStorage } from '@/lib/storage';
import { jsonFail } from '@/lib/http';

const paramsSchema = z.object({ chatId: z.uuid(), version: z.string().regex(AVATAR_VERSION_PATTERN) });

/**
 * A group's picture (256×256 WebP), for its current and former members (a former member still sees the group in
 * their list); anyone else gets not_found, as for a chat that does not exist. Only the current version is served.
 */
export async function GET(request: Request, context: { params: Promise<{ chatId: string; version: string }> }) {
  const user = await getCurrentUser();
  if (!user) return jsonFail('unauthorized');
  const params = paramsSchema.safeParse(await context.params);
  if (!params.success) return jsonFail('not_found');
  const { chatId, version } = params.data;
  if ((await getGroupAvatarVersion({ chatId, viewerId: user.id })) !== version) return jsonFail('not_found');
  // Next answers HEAD with this handler and never reads (nor cancels) a body: open nothing.
  if (request.method === 'HEAD') return pictureResponse(null);
  const object = await getStorage().get(groupAvatarKey(chatId, version));
  return object ? pictureResponse(object) : jsonFail('not_found');
}
