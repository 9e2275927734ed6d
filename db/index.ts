import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { getEnv } from '@/lib/env';
import * as schema from './schema';

export type Database = PostgresJsDatabase<typeof schema>;
/** The handle inside getDb().transaction(…), for query helpers that run within a caller's transaction. */
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

type DbHandle = { sql: postgres.Sql; db: Database };

// server.ts and Next's bundle load separate copies of this module in one process: share one pool.
const globalForDb = globalThis as unknown as { parleyDb?: DbHandle };

function connect(): DbHandle {
  const url = getEnv().DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: server.ts starts the embedded Postgres before anything connects');
  const sql = postgres(url, {
    max: 10,
    idle_timeout: 30,
    connect_timeout: 10,
    // Reconnect within a second of Postgres coming back (the default backs off towards 20 s).
    backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1),
    onnotice: () => {},
  });
  fetchArrayTypesOnce(sql);
  return { sql, db: drizzle(sql, { schema }) };
}

/**
 * postgres.js (3.4.9) starts every new connection with a query for the server's array types, from a promise no caller
 * holds: if that connection dies during it (Postgres shutting down or a reset while the pool reconnects), the error is
 * an unhandled rejection and ends the process (porsager/postgres#1192, #1205). The answer is the same on every
 * connection and is kept for the whole pool, so ask only until one connection has it: after start-up (migrations run
 * on the first connection), no reconnect during an outage runs that query. db/fetch-types.test.ts proves both.
 */
function fetchArrayTypesOnce(sql: postgres.Sql) {
  const options = sql.options as unknown as { fetch_types: boolean; shared: { typeArrayMap: Record<number, number> } };
  // Read by each connection as it opens; filled once the first connection's query has answered.
  Object.defineProperty(options, 'fetch_types', { get: () => Object.keys(options.shared.typeArrayMap).length === 0 });
}

function handle(): DbHandle {
  globalForDb.parleyDb ??= connect();
  return globalForDb.parleyDb;
}

export function getDb(): Database {
  return handle().db;
}

/**
 * A query built once per pool: the hottest reads (drizzle's `.prepare()` with `sql.placeholder`s) skip rebuilding their
 * SQL on every call. Kept per pool, so a pool closed and opened again (tests) builds them anew.
 */
const builtByDb = new WeakMap<Database, Map<string, unknown>>();
export function prebuilt<T>(name: string, build: (db: Database) => T): T {
  const db = getDb();
  let built = builtByDb.get(db);
  if (!built) builtByDb.set(db, (built = new Map()));
  if (!built.has(name)) built.set(name, build(db));
  return built.get(name) as T;
}

export function getSql(): postgres.Sql {
  return handle().sql;
}

export async function closeDb(): Promise<void> {
  const current = globalForDb.parleyDb;
  globalForDb.parleyDb = undefined;
  await current?.sql.end({ timeout: 5 });
}
