/**
 * postgres.js fetches the server's array types as the first statement on each new connection, from a promise no
 * caller holds: if that connection dies mid-fetch (Postgres shutting down, a reset), the error is an unhandled
 * rejection and ends the process (porsager/postgres#1192, #1205). db/index.ts fetches them once, on the first
 * connection only. Here the app's pool talks to Postgres through a proxy that resets any later connection the
 * moment it sends that fetch.
 */
import net from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeDb, getSql } from '@/db';

const TYPE_FETCH = 'pg_catalog.pg_type';

let proxy: net.Server;
let typeFetches = 0;
let resetTypeFetch = false;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  const url = new URL(process.env.DATABASE_URL!);
  const upstream = { port: Number(url.port || 5432), host: url.hostname };
  proxy = net.createServer((client) => {
    const server = net.connect(upstream.port, upstream.host);
    client.on('data', (chunk) => {
      if (chunk.includes(TYPE_FETCH)) {
        typeFetches++;
        // What a connection reset mid-fetch looks like to the driver: `read ECONNRESET`.
        if (resetTypeFetch) return void (client.resetAndDestroy(), server.destroy());
      }
      server.write(chunk);
    });
    server.pipe(client);
    client.on('error', () => server.destroy());
    server.on('error', () => client.destroy());
    client.on('close', () => server.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  url.port = String((proxy.address() as net.AddressInfo).port);
  url.hostname = '127.0.0.1';
  vi.stubEnv('DATABASE_URL', url.toString());
  process.on('unhandledRejection', onUnhandled);
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await closeDb();
  vi.unstubAllEnvs();
  await new Promise((resolve) => proxy.close(resolve));
});

describe('array types on new pool connections', () => {
  it('fetches them on the first connection, and a later connection reset mid-start-up is no unhandled rejection', async () => {
    await getSql()`select 1`;
    expect(typeFetches).toBe(1);

    resetTypeFetch = true;
    // The first connection is busy sleeping, so the pool opens others for the rest.
    const results = await Promise.all([
      getSql()`select pg_sleep(0.3)`,
      ...Array.from({ length: 3 }, (_, i) => getSql()`select ${[i, i + 1]}::int[] as xs, array['a', 'b']::text[] as ys, pg_sleep(0.1)`),
    ]);
    await delay(50);

    expect(unhandled).toEqual([]);
    expect(typeFetches).toBe(1);
    // Arrays still cross in both directions on connections that never fetched the types.
    expect(results.slice(1).map(([row]) => [row?.xs, row?.ys])).toEqual([0, 1, 2].map((i) => [[i, i + 1], ['a', 'b']]));
  });
});
