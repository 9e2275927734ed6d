import type { ErrorCode } from '@/lib/errors';
import type { AttachmentDTO } from '@/lib/realtime/events';
import { errorMessages } from '@/components/ui/error-messages';

export type UploadResult = { ok: true; data: AttachmentDTO } | { ok: false; error: ErrorCode };

/**
 * Sends one file's bytes to the chat's upload route. XMLHttpRequest rather than fetch: only it reports upload
 * progress in browsers today. Resolves once with the stored attachment or an error code; `abort()` cancels and the
 * server stores nothing.
 */
export function uploadAttachment(chatId: string, file: File, onProgress: (fraction: number) => void) {
  const request = new XMLHttpRequest();
  const result = new Promise<UploadResult | null>((resolve) => {
    request.open('POST', `/api/chats/${chatId}/attachments?name=${encodeURIComponent(file.name)}`);
    request.responseType = 'json';
    request.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    request.onload = () => resolve(readResponse(request.status, request.response));
    // No answer at all (offline, server away): worth retrying later.
    request.onerror = () => resolve({ ok: false, error: 'unavailable' });
    request.onabort = () => resolve(null);
    request.send(file);
  });
  return { result, abort: () => request.abort() };
}

function readResponse(status: number, body: unknown): UploadResult {
  const reply = body as { ok?: boolean; data?: AttachmentDTO; error?: string } | null;
  if (status === 201 && reply?.ok && reply.data) return { ok: true, data: reply.data };
  // A proxy in front may refuse a large body with its own page instead of our JSON.
  if (status === 413) return { ok: false, error: 'too_large' };
  const error = reply?.error;
  if (error && error in errorMessages) return { ok: false, error: error as ErrorCode };
  return { ok: false, error: status >= 500 || status === 0 ? 'unavailable' : 'internal' };
}

/** Removes an upload that was stored but never sent; best effort (the server also sweeps unsent uploads). */
export function deleteUpload(id: string) {
  void fetch(`/api/attachments/${id}`, { method: 'DELETE' }).catch(() => {});
}
