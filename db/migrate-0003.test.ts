import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { getReadableMembership, listChatsForUser } from '@/db/queries/chats';
import { listMessagesAfter } from '@/db/queries/messages';
import * as schema from '@/db/schema';

/**
 * Migration 0003 (groups, replies, edits, reactions, search) applied to a database holding Parley's data as of
 * 0002: a database of its own on the run's Postgres server, migrated to 0002 from a copy of the folder whose
 * journal stops there, filled, then migrated to the end and read through the app's own queries.
 */
const migrations = path.join(process.cwd(), 'db/migrations');
const runUrl = new URL(process.env.DATABASE_URL!);
const database = `${runUrl.pathname.slice(1)}_m0003_${randomBytes(3).toString('hex')}`;
// db/index.ts keeps its pool here; pointing it at this database lets the app's queries read it.
const globalForDb = globalThis as unknown as { parleyDb?: { sql: postgres.Sql; db: unknown } };
let admin: postgres.Sql;
let sql: postgres.Sql;
let upTo0002: string;

beforeAll(async () => {
  admin = postgres(runUrl.toString(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${database}"`);
  const url = new URL(runUrl);
  url.pathname = `/${database}`;
  sql = postgres(url.toString(), { max: 2, onnotice: () => {} });

  upTo0002 = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-migrations-'));
  const journal = JSON.parse(fs.readFileSync(path.join(migrations, 'meta/_journal.json'), 'utf8')) as { entries: { idx: number; tag: string }[] };
  journal.entries = journal.entries.filter((entry) => entry.idx <= 2);
  expect(journal.entries.map((entry) => entry.tag)).toEqual(['0000_init', '0001_revoked_sessions', '0002_presence_receipts']);
  fs.mkdirSync(path.join(upTo0002, 'meta'));
  fs.writeFileSync(path.join(upTo0002, 'meta/_journal.json'), JSON.stringify(journal));
  for (const entry of journal.entries) fs.copyFileSync(path.join(migrations, `${entry.tag}.sql`), path.join(upTo0002, `${entry.tag}.sql`));
});

afterAll(async () => {
  globalForDb.parleyDb = undefined;
  await sql?.end({ timeout: 2 });
  await admin?.unsafe(`drop database if exists "${database}" with (force)`);
  await admin?.end({ timeout: 2 });
  if (upTo0002) fs.rmSync(upTo0002, { recursive: true, force: true });
});

it('keeps every message, member and position of a 0002 database, and every member reads the whole history', async () => {
  await migrate(drizzle(sql), { migrationsFolder: upTo0002 });

  // Data as issue 4 left it: a chat with messages and receipt positions (one marked unread), an empty chat.
  const [ann, ben, cat] = await sql<{ id: string }[]>`
    insert into users (username, display_name, password_hash, send_read_receipts)
    values ('ann', 'Ann', 'x', true), ('ben', 'Ben', 'x', true), ('cat', 'Cat', 'x', false) returning id`;
  const [busy] = await sql<{ id: string }[]>`insert into chats (direct_key, last_seq, last_message_at) values ('ann:ben', 4, now()) returning id`;
  const [quiet] = await sql<{ id: string }[]>`insert into chats (direct_key) values ('ann:cat') returning id`;
  await sql`insert into chat_members (chat_id, user_id, delivered_seq, read_seq, marked_unread) values
    (${busy!.id}, ${ann!.id}, 4, 3, false), (${busy!.id}, ${ben!.id}, 4, 2, true),
    (${quiet!.id}, ${ann!.id}, 0, 0, false), (${quiet!.id}, ${cat!.id}, 0, 0, false)`;
  const bodies = ['Morning Ann', 'Morning Ben', 'Coffee at nine?', 'Sure, the usual place'];
  const senders = [ben!.id, ann!.id, ben!.id, ann!.id];
  for (const [index, body] of bodies.entries()) {
    await sql`insert into messages (chat_id, seq, sender_id, client_id, body) values (${busy!.id}, ${index + 1}, ${senders[index]!}, gen_random_uuid(), ${body})`;
  }
  const before = await sql`select id, chat_id, seq, sender_id, client_id, body, created_at from messages order by seq`;
  const membersBefore = await sql`select chat_id, user_id, joined_at, delivered_seq, read_seq, marked_unread from chat_members order by chat_id, user_id`;

  await migrate(drizzle(sql), { migrationsFolder: migrations });

  // Nothing lost or renumbered; the new columns say "plain text, never edited or deleted, no reactions".
  expect([...(await sql`select id, chat_id, seq, sender_id, client_id, body, created_at from messages order by seq`)]).toEqual([...before]);
  const added = await sql`select kind, event, reply_to_id, mention_ids, edited_at, deleted_at, version from messages`;
  expect([...added]).toEqual(bodies.map(() => ({ kind: 'text', event: null, reply_to_id: null, mention_ids: [], edited_at: null, deleted_at: null, version: 0 })));
  expect([...(await sql`select kind, title, revision from chats`)]).toEqual([0, 1].map(() => ({ kind: 'direct', title: null, revision: 0 })));
  expect([...(await sql`select chat_id, user_id, joined_at, delivered_seq, read_seq, marked_unread from chat_members order by chat_id, user_id`)]).toEqual([
    ...membersBefore,
  ]);
  const memberships = await sql`select role, visible_after_seq, left_at_seq, muted_until, archived_at_seq from chat_members`;
  expect([...memberships]).toEqual([0, 1, 2, 3].map(() => ({ role: 'member', visible_after_seq: 0, left_at_seq: null, muted_until: null, archived_at_seq: null })));

  // The search column is filled for old rows too, and the GIN index exists.
  const hits = await sql<{ seq: number }[]>`select seq from messages where search_vector @@ to_tsquery('simple', 'morning') order by seq`;
  expect(hits.map((hit) => hit.seq)).toEqual([1, 2]);
  const [index] = await sql`select indexdef from pg_indexes where indexname = 'messages_search_vector_idx'`;
  expect(index?.indexdef).toMatch(/USING gin \(search_vector\)/);

  // Through the app's own queries: both members read 1..4, the list shows the same chat as before.
  globalForDb.parleyDb = { sql, db: drizzle(sql, { schema }) };
  for (const userId of [ann!.id, ben!.id]) {
    expect(await getReadableMembership({ chatId: busy!.id, userId })).toEqual({
      kind: 'direct',
      role: 'member',
      active: true,
      lastSeq: 4,
      revision: 0,
      visibleAfterSeq: 0,
      visibleUpToSeq: 4,
    });
  }
  expect((await listMessagesAfter({ chatId: busy!.id, afterSeq: 0, limit: 10 })).map((m) => [m.seq, m.body])).toEqual(bodies.map((body, i) => [i + 1, body]));

  const annChats = await listChatsForUser(ann!.id);
  expect(annChats.map((chat) => chat.id).sort()).toEqual([busy!.id, quiet!.id].sort());
  const annBusy = annChats.find((chat) => chat.id === busy!.id);
  const annQuiet = annChats.find((chat) => chat.id === quiet!.id);
  expect(annBusy).toMatchObject({
    id: busy!.id,
    kind: 'direct',
    title: 'Ben',
    peer: { id: ben!.id },
    memberCount: 2,
    myRole: 'member',
    active: true,
    mutedUntil: null,
    archived: false,
    unreadCount: 0,
    unreadMentionCount: 0,
    myReadSeq: 3,
    peerDeliveredSeq: 4,
    peerReadSeq: 2,
    lastMessage: { seq: 4, body: 'Sure, the usual place', kind: 'text' },
  });
  expect(annQuiet).toMatchObject({ id: quiet!.id, title: 'Cat', lastMessage: null, unreadCount: 0, peerReadSeq: null });
  const [benBusy] = await listChatsForUser(ben!.id);
  expect(benBusy).toMatchObject({ unreadCount: 1, markedUnread: true, myReadSeq: 2, peerReadSeq: 3 });
});
