import { z } from 'zod';
import { getMembership } from '@/db/queries/chats';
import { listMessagesBefore } from '@/db/queries/messages';
import { getCurrentUser } from '@/lib/auth';
import { HISTORY_PAGE_SIZE } from '@/lib/realtime/events';

const paramsSchema = z.object({ chatId: z.uuid() });
const querySchema = z.object({ before: z.coerce.number().int().min(1).max(2_147_483_647) });

const json = (body: unknown, status = 200) => Response.json(body, { status, headers: { 'cache-control': 'no-store' } });

/** Older history, one page of 50 before a sequence number (cursor pagination). */
export async function GET(request: Request, context: { params: Promise<{ chatId: string }> }) {
  const user = await getCurrentUser();
  if (!user) return json({ ok: false, error: 'unauthorized' }, 401);
  const params = paramsSchema.safeParse(await context.params);
  const query = querySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!params.success) return json({ ok: false, error: 'not_found' }, 404);
  if (!query.success) return json({ ok: false, error: 'invalid_input' }, 400);
  if (!(await getMembership({ chatId: params.data.chatId, userId: user.id }))) return json({ ok: false, error: 'not_found' }, 404);

  const page = await listMessagesBefore({ chatId: params.data.chatId, beforeSeq: query.data.before, limit: HISTORY_PAGE_SIZE + 1 });
  const hasMore = page.length > HISTORY_PAGE_SIZE;
  return json({ ok: true, data: { messages: hasMore ? page.slice(1) : page, hasMore } });
}
