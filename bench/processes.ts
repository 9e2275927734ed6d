/**
 * Child processes and throwaway databases for the benchmark: every target and every load generator runs in its
 * own process on 127.0.0.1:0, and stopAll() stops them all and drops the databases (on the end, an error or Ctrl-C).
 */
import { fork, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import postgres from 'postgres';

const TARGET_START_MS = 30_000;
const children = new Set<ChildProcess>();
const cleanups: (() => Promise<void>)[] = [];

export const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
/** The Postgres server the benchmark's databases go on, and the Redis of the Redis targets: set by provideServices(). */
export let SERVER_URL = '';
/** '' when there is no Redis: the Redis targets (B2, P2) are then skipped, with a notice. */
export let REDIS_URL = '';

/**
 * DATABASE_URL's server, or else the embedded Postgres the app itself starts without one (data under .data/bench,
 * fsync on: acks after commit mean durable commits); REDIS_URL, or else none. In CI a missing Redis is an error.
 */
export async function provideServices(): Promise<void> {
  REDIS_URL = process.env.REDIS_URL ?? '';
  if (!REDIS_URL && process.env.CI === 'true') throw new Error('REDIS_URL is not set: in CI the Redis targets may not be skipped');
  if (!REDIS_URL) log('NOTICE: REDIS_URL is not set: B2 and P2 (scenario e) are SKIPPED');
  if (process.env.DATABASE_URL) {
    SERVER_URL = process.env.DATABASE_URL;
    return;
  }
  const { startEmbeddedPostgres } = await import('@/db/embedded');
  // A fixed port (the app's is 54329): a second run started meanwhile finds this one's Postgres there instead of failing
  // on its data directory (and loses it when this run ends: run them one at a time).
  const embedded = await startEmbeddedPostgres('.data/bench', 54330);
  // Cleanups run last-in first-out: this one, pushed first, stops Postgres after every database is dropped.
  cleanups.unshift(embedded.stop);
  SERVER_URL = embedded.url;
  log(`Postgres: embedded (DATABASE_URL is not set), data in .data/bench`);
}

/** Forks `file` (relative to the repository) with tsx; stdout is piped so portOf() can read it. */
export function start(file: string, argv: string[], env: Record<string, string>, execArgv: string[] = []): ChildProcess {
  const child = fork(path.join(import.meta.dirname, '..', file), argv, { execArgv: ['--import', 'tsx', ...execArgv], env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Resolves with the port a target prints as `{"port":N}` on stdout. */
export function portOf(child: ChildProcess, name: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`${name} did not start within ${TARGET_START_MS} ms`)), TARGET_START_MS);
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const match = /\{"port":(\d+)\}/.exec(buffer);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}) before listening`)));
  });
}

export function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

let stopping: Promise<void> | null = null;
/** Stops every child and runs every cleanup; every caller (Ctrl-C, an error, the end) awaits the same run of it. */
export function stopAll(): Promise<void> {
  stopping ??= (async () => {
    await Promise.all([...children].map(stop));
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((error: Error) => log(`cleanup failed: ${error.message}`));
  })();
  return stopping;
}

/** A fresh database on DATABASE_URL's server, dropped by stopAll(). */
export async function provisionDatabase(): Promise<string> {
  const database = `parley_bench_${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
  const admin = () => postgres(SERVER_URL, { max: 1, connect_timeout: 10, onnotice: () => {} });
  const sql = admin();
  await sql.unsafe(`create database "${database}"`).finally(() => sql.end({ timeout: 2 }));
  cleanups.push(async () => {
    const dropper = admin();
    await dropper.unsafe(`drop database if exists "${database}" with (force)`).finally(() => dropper.end({ timeout: 2 }));
  });
  const url = new URL(SERVER_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Removes the keys under a Parley instance's Redis prefix. */
async function dropRedisKeys(prefix: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 1000 }) as AsyncIterable<string[]>) if (keys.length) await redis.unlink(...keys);
  } finally {
    redis.disconnect();
  }
}

/** The env of a Parley instance (and of a generator that seeds its database) for one database, with or without Redis. */
export function parleyEnv(databaseUrl: string, redis: { url: string; prefix: string } | null, authSecret: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    AUTH_SECRET: authSecret,
    REDIS_URL: redis?.url ?? '',
    REDIS_PREFIX: redis?.prefix ?? '',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    // The per-user send limit would throttle a load generator, not measure the server.
    SEND_RATE_BURST: '1000000',
    SEND_RATE_PER_SECOND: '1000000',
  };
}

/**
 * Starts Parley's realtime server (lib/testing/instance-process.ts: createRealtimeServer as server.ts wires it, without
 * Next) on a fresh database, `instances` times over one Redis when `redis`, else once on the in-memory adapter.
 * `cpuProfDir` writes a V8 CPU profile of each instance there when it stops; `databaseUrl` uses an existing database
 * (e.g. a seeded one; its cleanup is the caller's) instead of a fresh one.
 */
export async function startParley(options: { redis: boolean; instances?: number; cpuProfDir?: string; databaseUrl?: string }): Promise<{ env: Record<string, string>; ports: number[] }> {
  const redis = options.redis ? { url: REDIS_URL, prefix: `parley-bench-${process.pid}-${crypto.randomBytes(3).toString('hex')}:` } : null;
  // Its cached lists and presence go with the run, also on Ctrl-C.
  if (redis) cleanups.push(() => dropRedisKeys(redis.prefix));
  const env = parleyEnv(options.databaseUrl ?? (await provisionDatabase()), redis, crypto.randomBytes(32).toString('base64url'));
  const execArgv = options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : [];
  const ports: number[] = [];
  // The first instance migrates the database; the others start once it has.
  for (let i = 0; i < (options.instances ?? 1); i++) {
    const child = start('lib/testing/instance-process.ts', [], { ...env, PARLEY_TEST_MIGRATE: i === 0 ? '1' : '0' }, execArgv);
    ports.push(await portOf(child, `parley #${i + 1}`));
  }
  return { env, ports };
}

/** Runs a generator module in its own process: sends it `config` over IPC and resolves with its one reply. */
export async function runGenerator<Config, Result>(file: string, config: Config, env: Record<string, string> = {}): Promise<Result> {
  const generator = start(file, [], env);
  try {
    return await new Promise<Result>((resolve, reject) => {
      generator.once('message', (message) => resolve(message as Result));
      generator.once('exit', (code) => reject(new Error(`${file} exited (${code}) without a result`)));
      generator.send(config as object);
    });
  } finally {
    await stop(generator);
  }
}

/** Stops the targets a scenario started (its generators stop themselves). */
export const stopTargets = () => Promise.all([...children].map(stop)).then(() => undefined);
