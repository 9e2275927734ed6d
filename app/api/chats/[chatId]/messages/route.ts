import { z } from 'zod';
import { getReadableMembership } from '@/db/queries/chats';
import { listMessagesBefore } from '@/db/queries/messages';
import { getCurrentUser } from '@/lib/auth';
import { HISTORY_PAGE_SIZE } from '@/lib/realtime/events';
import { hideQuotesBefore } from '@/lib/realtime/messages';

/** Enough to reach an old quoted message or search result in a few requests, small enough to stay cheap. */
const HISTORY_MAX_PAGE = 500;

const paramsSchema = z.object({ chatId: z.uuid() });
const querySchema = z.object({
  before: z.coerce.number().int().min(1).max(2_147_483_647),
  limit: z.coerce.number().int().min(1).max(HISTORY_MAX_PAGE).default(HISTORY_PAGE_SIZE),
});

const json = (body: unknown, status = 200) => Response.json(body, { status, headers: { 'cache-control': 'no-store' } });

/**
 * Older history: up to `limit` (default 50) messages before a sequence number (cursor pagination), only those
 * the user may read. A former member reads what was sent while they belonged; a non-member gets not_found.
 */
export async function GET(request: Request, context: { params: Promise<{ chatId: string }> }) {
  const user = await getCurrentUser();
  if (!user) return json({ ok: false, error: 'unauthorized' }, 401);
  const params = paramsSchema.safeParse(await context.params);
  const query = querySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!params.success) return json({ ok: false, error: 'not_found' }, 404);
  if (!query.success) return json({ ok: false, error: 'invalid_input' }, 400);
  const { chatId } = params.data;
  const membership = await getReadableMembership({ chatId, userId: user.id });
  if (!membership) return json({ ok: false, error: 'not_found' }, 404);

  const { before, limit } = query.data;
  const page = await listMessagesBefore({
    chatId,
    beforeSeq: before,
    afterSeq: membership.visibleAfterSeq,
    // Bounded for current members too: a removal committing after the membership read ends the window here.
    upToSeq: membership.visibleUpToSeq,
    limit: limit + 1,
  });
  const hasMore = page.length > limit;
  const messages = hideQuotesBefore(hasMore ? page.slice(1) : page, membership.visibleAfterSeq);
  return json({ ok: true, data: { messages, hasMore } });
}
