/**
 * Parley's entry: one port serves the Next.js app and Socket.IO.
 * Start-up order matters: environment, secrets, Postgres (embedded if DATABASE_URL is unset), migrations, Next, sockets.
 */
import { createServer } from 'node:http';
import nextEnv from '@next/env';
import next from 'next';
import { closeDb } from '@/db';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '@/db/embedded';
import { runMigrations } from '@/db/migrate';
import { getEnv } from '@/lib/env';
import { logger } from '@/lib/logger';
import { createRealtimeServer } from '@/lib/realtime/server';
import { closeRedis } from '@/lib/redis';
import { readOrCreateSecret } from '@/lib/secrets';

const dev = process.env.NODE_ENV !== 'production';
// Next reads .env files only inside app.prepare(); the code below needs them first.
nextEnv.loadEnvConfig(process.cwd(), dev);

const env = getEnv();
const dataDir = env.DATA_DIR ?? '.data';
process.env.AUTH_SECRET ??= readOrCreateSecret(dataDir, 'auth-secret');

let embedded: EmbeddedDatabase | undefined;
if (!env.DATABASE_URL) {
  embedded = await startEmbeddedPostgres(dataDir, env.EMBEDDED_PG_PORT);
  process.env.DATABASE_URL = embedded.url;
}
await runMigrations();

const hostname = env.HOST ?? '127.0.0.1';
const app = next({ dev, hostname, port: env.PORT });
await app.prepare();
const handle = app.getRequestHandler();

const httpServer = createServer((req, res) => void handle(req, res));
const io = createRealtimeServer(httpServer);

httpServer.listen(env.PORT, hostname, () => {
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : env.PORT;
  logger.info('server_listening', { url: `http://${hostname === '127.0.0.1' ? 'localhost' : hostname}:${port}`, dev });
});

let shuttingDown = false;
async function shutdown(signal: string) {
  if (shuttingDown) return;
  shuttingDown = true;
  logger.info('server_stopping', { signal });
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
  // Closing io also closes the HTTP server; clients reconnect (to another instance, if any) and catch up.
  await new Promise<void>((resolve) => io.close(() => resolve()));
  await Promise.allSettled([closeDb(), closeRedis()]);
  await embedded?.stop();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
