import { afterEach, describe, expect, it } from 'vitest';
import { closeDb } from '@/db';
import { checkReadiness } from './health';
import { setDraining } from './lifecycle';
import { closeRedis } from './redis';

// A loopback port nothing listens on: connections are refused at once.
const DEAD = '127.0.0.1:1';
const saved = { DATABASE_URL: process.env.DATABASE_URL, REDIS_URL: process.env.REDIS_URL };

/** Points the shared clients at another URL until the test ends (they are created on first use). */
async function use(variable: keyof typeof saved, url: string) {
  await Promise.all([closeDb(), closeRedis()]);
  process.env[variable] = url;
}

afterEach(async () => {
  await Promise.all([closeDb(), closeRedis()]);
  Object.assign(process.env, saved);
});

describe('checkReadiness', () => {
  it('is ready when Postgres and, where configured, Redis answer', async () => {
    expect(await checkReadiness()).toEqual({ ready: true, postgres: true, redis: saved.REDIS_URL ? true : null });
  });

  it('is not ready when Postgres is unreachable, and says so within the timeout', async () => {
    await use('DATABASE_URL', `postgres://postgres@${DEAD}/none`);
    const started = Date.now();
    expect(await checkReadiness(500)).toMatchObject({ ready: false, postgres: false });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it.runIf(saved.REDIS_URL)('is not ready when the configured Redis is unreachable', async () => {
    await use('REDIS_URL', `redis://${DEAD}`);
    expect(await checkReadiness(500)).toEqual({ ready: false, postgres: true, redis: false });
  });

  // Last: draining cannot be undone, it is the end of an instance's life.
  it('is not ready while the instance drains, whatever its dependencies say', async () => {
    setDraining();
    expect(await checkReadiness()).toEqual({ ready: false, draining: true });
  });
});
