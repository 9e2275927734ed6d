import { serveAttachment } from '@/lib/attachments/serve';

/** An image's thumbnail (WebP, longest side ≤ 640 px): what a message shows. Members only, like the file. */
export function GET(request: Request, context: { params: Promise<{ attachmentId: string }> }) {
  return serveAttachment(request, context.params, 'thumb');
}
