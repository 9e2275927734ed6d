import { z } from 'zod';
import { deleteUnsentAttachment } from '@/db/queries/attachments';
import { removeTakenBackUpload } from '@/lib/attachments/remove';
import { serveAttachment } from '@/lib/attachments/serve';
import { getCurrentUser } from '@/lib/auth';
import { isForeignOrigin, jsonFail } from '@/lib/http';

type Context = { params: Promise<{ attachmentId: string }> };

/** The file itself: an image shown inline (the viewer), any other file as a download. */
export function GET(request: Request, context: Context) {
  return serveAttachment(request, context.params, 'original');
}

/** The uploader takes back an upload no message carries yet (removed from the composer before sending). */
export async function DELETE(request: Request, context: Context) {
  if (isForeignOrigin(request)) return jsonFail('forbidden');
  const user = await getCurrentUser();
  if (!user) return jsonFail('unauthorized');
  const id = z.uuid().safeParse((await context.params).attachmentId);
  if (!id.success) return jsonFail('not_found');
  if (!(await deleteUnsentAttachment({ attachmentId: id.data, uploaderId: user.id }))) return jsonFail('not_found');
  await removeTakenBackUpload(id.data);
  return new Response(null, { status: 204 });
}
