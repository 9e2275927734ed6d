/** isDatabaseUnavailable against errors the real drivers throw, not hand-made objects. */
import { DrizzleQueryError, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb, getSql } from '@/db';
import { closeTestServices } from '@/lib/testing/harness';
import { getFreePort } from '@/lib/testing/ports';
import { isDatabaseUnavailable } from './errors';

let closedUrl: string;
const clients: postgres.Sql[] = [];
const client = (url: string) => {
  const created = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
  clients.push(created);
  return created;
};
/** The rejection of `promise`; fails the test if it resolves. */
const rejectionOf = (promise: PromiseLike<unknown>) =>
  Promise.resolve(promise).then(
    () => {
      throw new Error('expected the query to fail');
    },
    (error: unknown) => error as Error & { code?: string },
  );

beforeAll(async () => {
  closedUrl = `postgres://postgres@127.0.0.1:${await getFreePort()}/postgres`;
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.end({ timeout: 1 })));
  await closeTestServices();
});

describe('isDatabaseUnavailable', () => {
  it('is true for postgres.js connecting to a port where nothing listens', async () => {
    const error = await rejectionOf(client(closedUrl)`select 1`);
    expect(error.code).toBe('ECONNREFUSED');
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it('is true for a DrizzleQueryError whose cause is that connection error', async () => {
    const error = await rejectionOf(drizzle(client(closedUrl)).execute(sql`select 1`));
    expect(error).toBeInstanceOf(DrizzleQueryError);
    expect((error.cause as { code?: string }).code).toBe('ECONNREFUSED');
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it('is true when the server ends the session (57P01, as on a shutdown)', async () => {
    const error = await rejectionOf(client(new URL(process.env.DATABASE_URL!).toString())`select pg_terminate_backend(pg_backend_pid())`);
    // postgres.js reports the server's FATAL 57P01 or, when the socket closes first, CONNECTION_CLOSED.
    expect(['57P01', 'CONNECTION_CLOSED']).toContain(error.code);
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it('is false for a syntax error, raw or wrapped by Drizzle', async () => {
    const raw = await rejectionOf(getSql().unsafe('selec 1'));
    expect(raw.code).toBe('42601');
    expect(isDatabaseUnavailable(raw)).toBe(false);

    const wrapped = await rejectionOf(getDb().execute(sql.raw('selec 1')));
    expect(wrapped).toBeInstanceOf(DrizzleQueryError);
    expect(isDatabaseUnavailable(wrapped)).toBe(false);
  });

  it('is false for other query errors: a missing table, a constraint violation', async () => {
    const missing = await rejectionOf(getSql().unsafe('select * from no_such_table'));
    expect(missing.code).toBe('42P01');
    expect(isDatabaseUnavailable(missing)).toBe(false);

    const violation = await rejectionOf(getDb().execute(sql`insert into users (id) values (null)`));
    expect((violation.cause as { code?: string }).code).toBe('23502');
    expect(isDatabaseUnavailable(violation)).toBe(false);
  });

  it('is false for things that are not errors, even with a connection code', () => {
    expect(isDatabaseUnavailable(null)).toBe(false);
    expect(isDatabaseUnavailable('ECONNREFUSED')).toBe(false);
    expect(isDatabaseUnavailable({ code: 'ECONNREFUSED' })).toBe(false);
  });
});
