import { getCurrentUser } from '@/lib/auth';
import { removeUserAvatar, setUserAvatar } from '@/lib/avatars/avatars';
import { readPictureUpload } from '@/lib/avatars/upload';
import { isForeignOrigin, jsonFail, jsonResult } from '@/lib/http';

/**
 * My profile picture. PUT: the body is the picture file's raw bytes (fetch(url, {method: 'PUT', body: file})), not
 * multipart: its Content-Length is the file's size, so a too-large one is refused before anything is read, and
 * there is no form to parse. The answer carries the new picture's URL ({ avatarUrl }).
 */
export async function PUT(request: Request) {
  // As PUT /api/push/subscription: another site's page may not change anyone's picture.
  if (isForeignOrigin(request)) return jsonFail('forbidden');
  const user = await getCurrentUser();
  if (!user) return jsonFail('unauthorized');
  const upload = await readPictureUpload(request, user.id);
  if (!upload.ok) return jsonResult(upload);
  return jsonResult(await setUserAvatar({ userId: user.id, upload: upload.data }));
}

/** Back to initials. */
export async function DELETE(request: Request) {
  if (isForeignOrigin(request)) return jsonFail('forbidden');
  const user = await getCurrentUser();
  if (!user) return jsonFail('unauthorized');
  return jsonResult(await removeUserAvatar({ userId: user.id }));
}
