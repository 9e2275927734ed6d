import { z } from 'zod';
import { getMembership } from '@/db/queries/chats';
import { storeUpload } from '@/lib/attachments/upload';
import { getCurrentUser } from '@/lib/auth';
import { AppError } from '@/lib/errors';
import { isForeignOrigin, jsonFail, jsonOk } from '@/lib/http';
import { logger } from '@/lib/logger';
import { createTokenBucket } from '@/lib/rate-limit';
import { FILE_MAX_BYTES } from '@/lib/realtime/limits';

const paramsSchema = z.object({ chatId: z.uuid() });
const querySchema = z.object({ name: z.string().min(1).max(1000) });
const contentLengthSchema = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

// Per user and instance: a burst of 30 files (a holiday's photos), then one every 2 s.
const uploadLimit = createTokenBucket({ capacity: 30, perSecond: 0.5 });

/**
 * Uploads one file to a chat the user is a current member of; the raw bytes are the body (so the browser can report
 * progress), the original name is `?name=`. Answers the stored attachment, which a message:send then carries.
 */
export async function POST(request: Request, context: { params: Promise<{ chatId: string }> }) {
  if (isForeignOrigin(request)) return jsonFail('forbidden');
  const user = await getCurrentUser();
  if (!user) return jsonFail('unauthorized');
  const params = paramsSchema.safeParse(await context.params);
  if (!params.success) return jsonFail('not_found');
  const query = querySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  const declaredSize = contentLengthSchema.safeParse(request.headers.get('content-length'));
  if (!query.success || !declaredSize.success || !request.body) return jsonFail('invalid_input');
  // Refused before a byte of the body is read, and before any I/O.
  if (declaredSize.data > FILE_MAX_BYTES) return jsonFail('too_large');
  if (!uploadLimit.take(user.id)) return jsonFail('rate_limited');
  const { chatId } = params.data;
  if (!(await getMembership({ chatId, userId: user.id }))) return jsonFail('not_found');
  try {
    const attachment = await storeUpload({ chatId, uploaderId: user.id, name: query.data.name, declaredSize: declaredSize.data, body: request.body });
    return jsonOk(attachment, 201);
  } catch (error) {
    if (error instanceof AppError) return jsonFail(error.code);
    if (request.signal.aborted) return jsonFail('invalid_input');
    logger.error('attachment_upload_failed', { chatId, error });
    return jsonFail('internal');
  }
}
