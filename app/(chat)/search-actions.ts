'use server';

import { z } from 'zod';
import {
  decodeSearchCursor,
  searchMessages as searchMessagesQuery,
  type MessageSearchPage,
} from '@/db/queries/search';
import { getCurrentUser } from '@/lib/auth';
import { fail, ok, type Result } from '@/lib/errors';
import { SEARCH_QUERY_MAX_LENGTH } from '@/lib/realtime/events';

const searchInputSchema = z.object({
  query: z.string().trim().min(1).max(SEARCH_QUERY_MAX_LENGTH),
  // Opaque to the client: only a cursor this server produced decodes.
  cursor: z
    .string()
    .max(200)
    .transform((value, ctx) => decodeSearchCursor(value) ?? (ctx.addIssue({ code: 'custom', message: 'bad cursor' }), z.NEVER))
    .nullish(),
});

/**
 * Full-text search over every message the user may read (see db/queries/search.ts for what "may read" means).
 * Authorization is the query itself: it only looks inside the user's own memberships.
 */
export async function searchMessages(input: unknown): Promise<Result<MessageSearchPage>> {
  const user = await getCurrentUser();
  if (!user) return fail('unauthorized');
  const parsed = searchInputSchema.safeParse(input);
  if (!parsed.success) return fail('invalid_input');
  return ok(await searchMessagesQuery({ userId: user.id, query: parsed.data.query, cursor: parsed.data.cursor }));
}
