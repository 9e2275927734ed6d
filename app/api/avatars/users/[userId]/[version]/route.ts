import { z } from 'zod';
import { getUserAvatarVersion } from '@/db/queries/avatars';
import { getCurrentUser } from '@/lib/auth';
import { pictureResponse } from '@/lib/avatars/http';
import { AVATAR_VERSION_PATTERN, userAvatarKey } from '@/lib/avatars/keys';
import { getStorage } from '@/lib/storage';
import { jsonFail } from '@/lib/http';

const paramsSchema = z.object({ userId: z.uuid(), version: z.string().regex(AVATAR_VERSION_PATTERN) });

/**
 * Someone's profile picture (256×256 WebP), for any signed-in user: people see each other's in search results
 * before they share a chat. Only the current version is served; a replaced or removed one is not_found.
 */
export async function GET(request: Request, context: { params: Promise<{ userId: string; version: string }> }) {
  const user = await getCurrentUser();
  if (!user) return jsonFail('unauthorized');
  const params = paramsSchema.safeParse(await context.params);
  if (!params.success) return jsonFail('not_found');
  const { userId, version } = params.data;
  if ((await getUserAvatarVersion(userId)) !== version) return jsonFail('not_found');
  // Next answers HEAD with this handler and never reads (nor cancels) a body: open nothing.
  if (request.method === 'HEAD') return pictureResponse(null);
  const object = await getStorage().get(userAvatarKey(userId, version));
  return object ? pictureResponse(object) : jsonFail('not_found');
}
