/**
 * Counts the statements this process sends to Postgres, for tests that prove how many queries a code path costs.
 * Installs, as the app's shared pool (db/index.ts keeps it on globalThis), a postgres.js client configured like the
 * app's own plus its `debug` hook, which postgres.js calls once per statement it writes to a connection
 * (`begin` and `commit` of a transaction included). Nothing is mocked: every statement still runs.
 * Call before anything in the test process touches the database; `closeDb()` ends the pool as usual.
 */
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from '@/db/schema';

export type QueryLog = {
  /** Every statement sent so far, oldest first, whitespace collapsed. */
  readonly statements: string[];
  /** The statements sent from now on: call `.list()` on the result to read them. */
  mark(): { list: () => string[] };
};

export function installQueryLog(): QueryLog {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run through scripts/with-test-services.mjs');
  const global = globalThis as unknown as { parleyDb?: unknown };
  if (global.parleyDb) throw new Error('installQueryLog: the app pool already exists; install the log before any query');
  const statements: string[] = [];
  const sql = postgres(url, {
    max: 10,
    idle_timeout: 30,
    connect_timeout: 10,
    onnotice: () => {},
    debug: (_connection, query) => void statements.push(query.replace(/\s+/g, ' ').trim()),
  });
  global.parleyDb = { sql, db: drizzle(sql, { schema }) };
  return {
    statements,
    mark() {
      const start = statements.length;
      return { list: () => statements.slice(start) };
    },
  };
}
