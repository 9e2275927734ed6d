/**
 * The app's own pool (db/index.ts) while Postgres is down: a send must hear `unavailable` promptly, so the UI can
 * say "not delivered yet" and retry, instead of waiting out the client's ack timeout. This file points the pool at a
 * loopback port where nothing listens (its own worker: no other file shares this pool).
 */
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeDb, getSql } from '@/db';
import { getFreePort } from '@/lib/testing/ports';
import { isDatabaseUnavailable } from './errors';

/** Far inside the app's 10 s ack timeout (components/chat/use-chat-room.ts). */
const PROMPT_MS = 2_000;

/** The query's error, or 'no answer' if it neither resolved nor rejected within PROMPT_MS. */
async function outcomeOfQuery(): Promise<unknown> {
  const query = getSql()`select 1`.then(
    () => 'connected',
    (error: unknown) => error,
  );
  return Promise.race([query, delay(PROMPT_MS).then(() => 'no answer')]);
}

beforeAll(async () => {
  vi.stubEnv('DATABASE_URL', `postgres://postgres@127.0.0.1:${await getFreePort()}/postgres`);
});

afterAll(async () => {
  // A query may still wait for the pool's next connect attempt: do not wait for it.
  await getSql().end({ timeout: 0 });
  await closeDb();
  vi.unstubAllEnvs();
});

describe('the app pool with Postgres down', () => {
  it('fails a query with an error isDatabaseUnavailable recognises', async () => {
    const outcome = await outcomeOfQuery();
    expect(isDatabaseUnavailable(outcome)).toBe(true);
  });

  // postgres.js's default reconnect backoff grows towards 20 s; db/index.ts caps it at 1 s, so late in an
  // outage a send still hears `unavailable` and the pool reconnects promptly once Postgres is back.
  it('fails every query within 2 s, however long the outage lasts', async () => {
    for (let attempt = 1; attempt <= 18; attempt++) {
      const outcome = await outcomeOfQuery();
      expect(outcome, `query ${attempt}`).not.toBe('no answer');
      expect(isDatabaseUnavailable(outcome), `query ${attempt}`).toBe(true);
    }
  }, 30_000);
});
