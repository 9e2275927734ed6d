/**
 * Parley's entry: one port serves the Next.js app and Socket.IO.
 * Start-up order matters: environment, secrets, Postgres (embedded if DATABASE_URL is unset), migrations, Next, sockets.
 */
import { createServer } from 'node:http';
import os from 'node:os';
import nextEnv from '@next/env';
import next from 'next';
import { closeDb } from '@/db';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '@/db/embedded';
import { runMigrations } from '@/db/migrate';
import { CLIENT_ADDRESS_HEADER, getClientAddress } from '@/lib/client-address';
import { getEnv } from '@/lib/env';
import { startAttachmentSweep } from '@/lib/attachments/remove';
import { setDraining, trackConnections, trackPendingAcks } from '@/lib/lifecycle';
import { logger } from '@/lib/logger';
import { createRealtimeServer, settlePushes } from '@/lib/realtime/server';
import { closeRedis } from '@/lib/redis';
import { readOrCreateVapidKeys } from '@/lib/push/vapid';
import { readOrCreateSecret } from '@/lib/secrets';

const dev = process.env.NODE_ENV !== 'production';
// Next reads .env files only inside app.prepare(); the code below needs them first.
nextEnv.loadEnvConfig(process.cwd(), dev);

const env = getEnv();
const dataDir = env.DATA_DIR ?? '.data';
process.env.AUTH_SECRET ??= readOrCreateSecret(dataDir, 'auth-secret');
// Web Push keys: the environment's pair (validated by getEnv), else one generated once and kept beside the secret.
if (!env.VAPID_PUBLIC_KEY) {
  const vapid = readOrCreateVapidKeys(dataDir);
  process.env.VAPID_PUBLIC_KEY = vapid.publicKey;
  process.env.VAPID_PRIVATE_KEY = vapid.privateKey;
}

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

const httpServer = createServer((req, res) => {
  // Sign-in limits key on this; whatever a client sent under the same name is overwritten.
  req.headers[CLIENT_ADDRESS_HEADER] = getClientAddress(req, env.TRUST_PROXY);
  void handle(req, res);
});
// A 50 MB upload on a slow link takes longer than Node's 5-minute default for a whole request; a stalled one is
// still ended by the proxy's body timeout and Node's header timeout.
httpServer.requestTimeout = 60 * 60_000;
const connections = trackConnections(httpServer);
const stopAttachmentSweep = startAttachmentSweep();
const io = createRealtimeServer(httpServer);
const pendingAcks = trackPendingAcks(io);

httpServer.listen(env.PORT, hostname, () => {
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : env.PORT;
  // Shown on every Socket.IO handshake, so operators and the cluster tests see which instance serves a socket.
  const instance = env.INSTANCE_ID ?? `${os.hostname()}:${port}`;
  io.engine.on('headers', (headers: Record<string, string>) => (headers['x-parley-instance'] = instance));
  logger.info('server_listening', { url: `http://${hostname === '127.0.0.1' ? 'localhost' : hostname}:${port}`, dev, instance });
});

let shuttingDown = false;
async function shutdown(signal: string) {
  if (shuttingDown) return;
  shuttingDown = true;
  const force = setTimeout(() => {
    logger.error('server_stop_timeout', { signal, pendingAcks: pendingAcks.pending().length });
    process.exit(1);
  }, 10_000);
  force.unref();
  // 1. Report not-ready and accept no new connection: the load balancer sends newcomers to another instance.
  setDraining();
  logger.info('server_draining', { signal });
  httpServer.close();
  // 2. Sends already being handled commit and are acknowledged.
  const settled = await pendingAcks.settled(3_000);
  if (!settled) logger.warn('server_drain_unsettled', { pendingAcks: pendingAcks.pending().slice(0, 10) });
  // 3. Close every transport. (Not a Socket.IO disconnect: a client told to disconnect does not reconnect.)
  //    Clients reconnect through the load balancer and catch up from Postgres; a resent message is stored once.
  await Promise.race([io.close(), new Promise((resolve) => setTimeout(resolve, 1_000))]);
  connections.destroyAll();
  stopAttachmentSweep();
  // 4. Pushes for messages acknowledged above still go out (they read Postgres and Redis), briefly.
  await settlePushes();
  await Promise.allSettled([closeDb(), closeRedis()]);
  await embedded?.stop();
  logger.info('server_stopped', { signal, settled });
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
