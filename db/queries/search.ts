import { sql, type SQL } from 'drizzle-orm';
import type { ChatKind } from '@/lib/realtime/events';
import { getDb } from '../index';
import { titleWhenLeft } from './chats';

export const SEARCH_PAGE_SIZE = 20;
/** More words only narrow an AND query; the cap bounds the work of one query. */
const MAX_WORDS = 10;
/** Upper bound on a snippet's characters, whatever ts_headline picked (one "word" may be 4000 letters). */
const SNIPPET_MAX_CHARS = 240;

export type SnippetSegment = { text: string; match: boolean };

export type MessageSearchResultDTO = {
  messageId: string;
  chatId: string;
  /** The group's title, or the other person's display name for a 1:1 chat. */
  chatTitle: string;
  chatKind: ChatKind;
  seq: number;
  senderId: string;
  senderName: string;
  createdAt: string;
  /** Plain text pieces; `match` ones are rendered as <mark>. Never HTML. */
  snippet: SnippetSegment[];
};

export type MessageSearchPage = { results: MessageSearchResultDTO[]; nextCursor: string | null };

// The words of a query the way to_tsvector's parser splits a body: letters (with their marks) and digits.
const WORD = /[\p{L}\p{M}\p{N}]+/gu;

/**
 * The user's words as to_tsquery input: each a quoted lexeme, AND-ed, the last one (probably still being
 * typed) a prefix from its second letter. Only letters and digits survive, so no quote, operator or
 * backslash reaches the tsquery parser; the text is still a bind parameter, never spliced into SQL.
 * Null: nothing to search.
 */
export function toPrefixTsQuery(query: string): string | null {
  const words = query.toLowerCase().match(WORD)?.slice(0, MAX_WORDS);
  if (!words?.length) return null;
  // A one-letter prefix matches a large part of any vocabulary and narrows nothing: whole word only.
  const isPrefix = (i: number) => i === words.length - 1 && words[i]!.length > 1;
  return words.map((word, i) => `'${word}'${isPrefix(i) ? ':*' : ''}`).join(' & ');
}

// ts_headline marks matches with these two control characters; they are removed from the body first, so
// every one in the output is a marker. Parsed into segments here: the client never parses HTML.
const START = '\u0001';
const STOP = '\u0002';
const HEADLINE_OPTIONS = `StartSel=${START}, StopSel=${STOP}, MaxWords=24, MinWords=10`;

export function toSnippetSegments(headline: string, maxChars = SNIPPET_MAX_CHARS): SnippetSegment[] {
  const segments: SnippetSegment[] = [];
  let budget = maxChars;
  const push = (text: string, match: boolean) => {
    if (!text || budget <= 0) return;
    const piece = text.length > budget ? `${text.slice(0, budget)}…` : text;
    budget -= text.length;
    const last = segments.at(-1);
    if (last && last.match === match) last.text += piece;
    else segments.push({ text: piece, match });
  };
  for (const [i, part] of headline.split(START).entries()) {
    if (i === 0) {
      push(part.replaceAll(STOP, ''), false);
      continue;
    }
    const stop = part.indexOf(STOP);
    push(stop < 0 ? part : part.slice(0, stop), true);
    if (stop >= 0) push(part.slice(stop + 1).replaceAll(STOP, ''), false);
  }
  return segments;
}

/** Keyset position: the last result's exact created_at (microseconds, UTC) and id. Opaque to clients. */
export type SearchCursor = { createdAt: string; id: string };
const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function encodeSearchCursor(cursor: SearchCursor): string {
  return Buffer.from(`${cursor.createdAt}|${cursor.id}`).toString('base64url');
}

/** Null for anything this module did not produce. */
export function decodeSearchCursor(value: string): SearchCursor | null {
  if (value.length > 200 || !/^[A-Za-z0-9_-]+$/.test(value)) return null;
  const [createdAt, id, ...rest] = Buffer.from(value, 'base64url').toString('utf8').split('|');
  if (rest.length || !createdAt || !id || !CURSOR_TIME.test(createdAt) || !UUID.test(id)) return null;
  if (Number.isNaN(Date.parse(createdAt))) return null;
  return { createdAt, id };
}

type SearchRow = {
  id: string;
  chat_id: string;
  seq: number;
  sender_id: string;
  cursor_at: string;
  chat_kind: ChatKind;
  chat_title: string | null;
  sender_name: string;
  headline: string;
};

/**
 * Text messages matching every word (the last as a prefix), newest first, in chats the user belongs or
 * belonged to, and only the part of each chat they could read: (visible_after_seq, left_at_seq].
 *
 * The matches are found once over all the user's chats (`chat_id = any(their chats)`), not chat by chat: in
 * a join the planner would repeat the GIN lookup for every membership, and a prefix lookup costs far more
 * than it estimates. Inside, it either intersects the GIN index with the user's chats (most words) or
 * filters the user's messages (words found in most messages), as its word statistics say; that choice
 * needs the actual tsquery, so the plan is forced custom: a generic plan cached after five runs of this
 * prepared statement would use one strategy for every word. ts_headline runs on the page's rows only.
 */
export async function searchMessages(input: { userId: string; query: string; cursor?: SearchCursor | null }): Promise<MessageSearchPage> {
  const tsquery = toPrefixTsQuery(input.query);
  if (!tsquery) return { results: [], nextCursor: null };
  const rows = await getDb().transaction(async (tx) => {
    await tx.execute(planSettings);
    return tx.execute<SearchRow>(searchStatement({ userId: input.userId, tsquery, cursor: input.cursor ?? null }));
  });
  const page = rows.slice(0, SEARCH_PAGE_SIZE);
  const last = page.at(-1);
  return {
    results: page.map((row) => ({
      messageId: row.id,
      chatId: row.chat_id,
      chatTitle: row.chat_title ?? '',
      chatKind: row.chat_kind,
      seq: row.seq,
      senderId: row.sender_id,
      senderName: row.sender_name,
      // Milliseconds, as every other DTO date (JavaScript's Date.toISOString()).
      createdAt: `${row.cursor_at.slice(0, 23)}Z`,
      snippet: toSnippetSegments(row.headline),
    })),
    nextCursor: rows.length > SEARCH_PAGE_SIZE && last ? encodeSearchCursor({ createdAt: last.cursor_at, id: last.id }) : null,
  };
}

/**
 * For this transaction only. A custom plan for every call (see above). And the cost of reading a heap page
 * at random as the planner should see it when messages and indexes are cached (as on this machine and any
 * server sized for its data): with the default 4 it prefers a 176,000-entry GIN bitmap for a word in most
 * messages over reading a typical user's few hundred messages, 40 ms against 2 (bench/search.ts).
 */
export const planSettings = sql`select set_config('plan_cache_mode', 'force_custom_plan', true), set_config('random_page_cost', '1.1', true)`;

/** The statement itself, exported so bench/search.ts can EXPLAIN exactly what the app runs. */
export function searchStatement(input: { userId: string; tsquery: string; cursor: SearchCursor | null }): SQL {
  const { userId, tsquery, cursor } = input;
  const after = cursor ? sql`and (m.created_at, m.id) < (${cursor.createdAt}::timestamptz, ${cursor.id}::uuid)` : sql``;
  return sql`
    with hits as materialized (
      select m.id, m.chat_id, m.seq, m.sender_id, m.created_at from messages m
      where m.chat_id = any(array(select chat_id from chat_members where user_id = ${userId}))
        and m.search_vector @@ to_tsquery('simple', ${tsquery})
        and m.kind = 'text' and m.deleted_at is null
        ${after}
    ), page as (
      select h.*, cm.left_at_seq from hits h
      join chat_members cm on cm.chat_id = h.chat_id and cm.user_id = ${userId}
      where h.seq > cm.visible_after_seq and (cm.left_at_seq is null or h.seq <= cm.left_at_seq)
      order by h.created_at desc, h.id desc
      limit ${SEARCH_PAGE_SIZE + 1}
    )
    select p.id, p.chat_id, p.seq, p.sender_id,
      to_char(p.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as cursor_at,
      c.kind as chat_kind,
      coalesce(${titleWhenLeft({ chatId: sql`c.id`, kind: sql`c.kind`, leftAtSeq: sql`p.left_at_seq` })}, c.title, (
        select u.display_name from chat_members o join users u on u.id = o.user_id
        where o.chat_id = c.id and o.user_id <> ${userId} limit 1
      )) as chat_title,
      s.display_name as sender_name,
      ts_headline('simple', translate(body.body, ${START + STOP}, ''), to_tsquery('simple', ${tsquery}), ${HEADLINE_OPTIONS}) as headline
    from page p
    join messages body on body.id = p.id
    join chats c on c.id = p.chat_id
    join users s on s.id = p.sender_id
    order by p.created_at desc, p.id desc`;
}
