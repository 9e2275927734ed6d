/**
 * Users, chats and client sockets in bulk for the generators of scenarios (a) and (c) (bench/idle-load.ts,
 * bench/fanout-load.ts), which need thousands of real users: one INSERT for all the users and one per table for
 * their chats, instead of a transaction per user, so seeding 10,000 takes about a second, not a minute.
 * Sessions are real Auth.js cookies (lib/testing/harness.ts), so every handshake does its full work.
 * Runs only in a generator process that has Parley's env (DATABASE_URL, AUTH_SECRET).
 */
import { randomUUID } from 'node:crypto';
import { io as connectSocketIo, type Socket } from 'socket.io-client';
import { getSql } from '@/db';
import { directChatKey } from '@/db/queries/chats';
import { cookieHeader, mintSessionToken } from '@/lib/testing/harness';
import { inBatches } from './batches';

export type BulkUser = { id: string; sessionVersion: number; displayName: string };

/** Runs `make` for 0..count-1, `size` at a time: bounded concurrency towards the server and Postgres. */

/** `count` users named `<prefix>_<n>`, in one statement. */
export async function createUsers(prefix: string, count: number): Promise<BulkUser[]> {
  const rows = await getSql()`
    insert into users (username, display_name, password_hash)
    select ${prefix} || '_' || g, ${prefix} || ' ' || g, 'not-a-real-hash' from generate_series(1, ${count}::int) g
    returning id, session_version, display_name`;
  return rows.map((row) => ({ id: row.id as string, sessionVersion: row.session_version as number, displayName: row.display_name as string }));
}

/** A 1:1 chat for each consecutive pair of users (0–1, 2–3, …), as getOrCreateDirectChat makes it; returns the chat ids. */
export async function pairIntoDirectChats(users: BulkUser[]): Promise<string[]> {
  const chatIds: string[] = [];
  const keys: string[] = [];
  const memberChats: string[] = [];
  const memberUsers: string[] = [];
  for (let i = 0; i + 1 < users.length; i += 2) {
    const [a, b] = [users[i]!.id, users[i + 1]!.id];
    const chatId = randomUUID();
    chatIds.push(chatId);
    keys.push(directChatKey(a, b));
    memberChats.push(chatId, chatId);
    memberUsers.push(a, b);
  }
  const sql = getSql();
  await sql.begin(async (tx) => {
    await tx`insert into chats (id, kind, direct_key) select id, 'direct', key from unnest(${chatIds}::uuid[], ${keys}::text[]) as t(id, key)`;
    await tx`insert into chat_members (chat_id, user_id) select * from unnest(${memberChats}::uuid[], ${memberUsers}::uuid[])`;
  });
  return chatIds;
}

/** Like the browser: websocket, no reconnection (a dropped socket must show, not heal), one connection per socket. */
export const CLIENT_OPTIONS = { transports: ['websocket'], reconnection: false, forceNew: true, timeout: 20_000 };

/** Resolves once connected, rejects on a refused or failed handshake. */
export function opened(socket: Socket): Promise<Socket> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** Session cookies for every user, minted up front so connecting measures the server, not the minting. */
export const mintCookies = (users: BulkUser[]) => inBatches(users.length, 500, async (i) => cookieHeader(await mintSessionToken(users[i]!)));

/** A Parley socket for a user's cookie (not awaited: pass to opened()). */
export const connectParley = (url: string, cookie: string) => connectSocketIo(url, { ...CLIENT_OPTIONS, extraHeaders: { cookie } });
