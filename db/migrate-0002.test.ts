import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { afterAll, beforeAll, expect, it } from 'vitest';

/**
 * Migration 0002 (presence and receipts) applied to a database that already holds Parley core data: a database of
 * its own on the run's Postgres server, migrated to 0001 from a copy of the folder whose journal stops there.
 */
const migrations = path.join(process.cwd(), 'db/migrations');
const runUrl = new URL(process.env.DATABASE_URL!);
// The run's database is parley_test_*: this one is named after it, so a leftover is recognisably the tests'.
const database = `${runUrl.pathname.slice(1)}_m0002_${randomBytes(3).toString('hex')}`;
let admin: postgres.Sql;
let sql: postgres.Sql;
let upTo0001: string;

beforeAll(async () => {
  admin = postgres(runUrl.toString(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${database}"`);
  const url = new URL(runUrl);
  url.pathname = `/${database}`;
  sql = postgres(url.toString(), { max: 1, onnotice: () => {} });

  upTo0001 = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-migrations-'));
  const journal = JSON.parse(fs.readFileSync(path.join(migrations, 'meta/_journal.json'), 'utf8')) as { entries: { idx: number; tag: string }[] };
  journal.entries = journal.entries.filter((entry) => entry.idx <= 1);
  expect(journal.entries.map((entry) => entry.tag)).toEqual(['0000_init', '0001_revoked_sessions']);
  fs.mkdirSync(path.join(upTo0001, 'meta'));
  fs.writeFileSync(path.join(upTo0001, 'meta/_journal.json'), JSON.stringify(journal));
  for (const entry of journal.entries) fs.copyFileSync(path.join(migrations, `${entry.tag}.sql`), path.join(upTo0001, `${entry.tag}.sql`));
});

afterAll(async () => {
  await sql?.end({ timeout: 2 });
  await admin?.unsafe(`drop database if exists "${database}" with (force)`);
  await admin?.end({ timeout: 2 });
  if (upTo0001) fs.rmSync(upTo0001, { recursive: true, force: true });
});

it('counts the history from before receipts as delivered and read, and adds privacy defaults', async () => {
  await migrate(drizzle(sql), { migrationsFolder: upTo0001 });

  // Core data as issue 2 left it: a chat with three messages, an empty chat, and a third person.
  const [ann, ben, cat] = await sql<{ id: string }[]>`
    insert into users (username, display_name, password_hash)
    values ('ann', 'Ann', 'x'), ('ben', 'Ben', 'x'), ('cat', 'Cat', 'x') returning id`;
  const [busy] = await sql<{ id: string }[]>`insert into chats (direct_key, last_seq, last_message_at) values ('ann:ben', 3, now()) returning id`;
  const [quiet] = await sql<{ id: string }[]>`insert into chats (direct_key) values ('ann:cat') returning id`;
  await sql`insert into chat_members (chat_id, user_id) values
    (${busy!.id}, ${ann!.id}), (${busy!.id}, ${ben!.id}), (${quiet!.id}, ${ann!.id}), (${quiet!.id}, ${cat!.id})`;
  await sql`insert into messages (chat_id, seq, sender_id, client_id, body) values
    (${busy!.id}, 1, ${ann!.id}, gen_random_uuid(), 'one'),
    (${busy!.id}, 2, ${ben!.id}, gen_random_uuid(), 'two'),
    (${busy!.id}, 3, ${ann!.id}, gen_random_uuid(), 'three')`;

  await migrate(drizzle(sql), { migrationsFolder: migrations });

  const members = await sql<{ chat_id: string; user_id: string; delivered_seq: number; read_seq: number; marked_unread: boolean }[]>`
    select chat_id, user_id, delivered_seq, read_seq, marked_unread from chat_members`;
  const byKey = Object.fromEntries(members.map((m) => [`${m.chat_id}:${m.user_id}`, [m.delivered_seq, m.read_seq, m.marked_unread]]));
  expect(byKey).toEqual({
    [`${busy!.id}:${ann!.id}`]: [3, 3, false],
    [`${busy!.id}:${ben!.id}`]: [3, 3, false],
    [`${quiet!.id}:${ann!.id}`]: [0, 0, false],
    [`${quiet!.id}:${cat!.id}`]: [0, 0, false],
  });
  // So nobody wakes up to old "unread" chats: the list's count is zero everywhere.
  const unread = await sql<{ unread: number }[]>`
    select count(*)::int as unread from chat_members cm join messages m on m.chat_id = cm.chat_id
    where m.seq > cm.read_seq and m.sender_id <> cm.user_id`;
  expect(unread[0]!.unread).toBe(0);

  const people = await sql`select last_seen_at, hide_last_seen, send_read_receipts from users`;
  expect([...people]).toEqual(Array.from({ length: 3 }, () => ({ last_seen_at: null, hide_last_seen: false, send_read_receipts: true })));

  // New rows after the migration start at zero, as the schema says.
  const [later] = await sql<{ id: string }[]>`insert into chats (direct_key) values ('ben:cat') returning id`;
  await sql`insert into chat_members (chat_id, user_id) values (${later!.id}, ${ben!.id})`;
  const [fresh] = await sql`select delivered_seq, read_seq, marked_unread from chat_members where chat_id = ${later!.id}`;
  expect({ ...fresh }).toEqual({ delivered_seq: 0, read_seq: 0, marked_unread: false });
});
