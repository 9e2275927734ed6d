import { serveAttachment } from '@/lib/attachments/serve';

/** The file as a download under its original name, images too. */
export function GET(request: Request, context: { params: Promise<{ attachmentId: string }> }) {
  return serveAttachment(request, context.params, 'download');
}
