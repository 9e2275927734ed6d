import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { getEnv } from '@/lib/env';
import * as schema from './schema';

export type Database = PostgresJsDatabase<typeof schema>;

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
  return { sql, db: drizzle(sql, { schema }) };
}

function handle(): DbHandle {
  globalForDb.parleyDb ??= connect();
  return globalForDb.parleyDb;
}

export function getDb(): Database {
  return handle().db;
}

export function getSql(): postgres.Sql {
  return handle().sql;
}

export async function closeDb(): Promise<void> {
  const current = globalForDb.parleyDb;
  globalForDb.parleyDb = undefined;
  await current?.sql.end({ timeout: 5 });
}
