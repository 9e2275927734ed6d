/**
 * A cluster per spec file: two instances of the built app behind nginx on free loopback ports, on a fresh database
 * (so the instances race to migrate it, as in a real rollout) and a Redis prefix of its own under the run's.
 * Skips with a visible reason without nginx or Redis, except in CI, where that is a failure.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { Browser } from '@playwright/test';
import postgres from 'postgres';
import { findNginx, startCluster, type Cluster } from '../../scripts/start-cluster';
import { chatIdOf, expect, newCredentials, Person, test } from '../fixtures';

export type TestCluster = Cluster & { databaseUrl: string; logs: string[] };

function missingPrerequisite(): string | null {
  if (!findNginx()) return 'nginx is not installed (Debian: apt-get install nginx)';
  if (!process.env.REDIS_URL) return 'REDIS_URL is not set: instances share nothing without Redis';
  if (!process.env.DATABASE_URL || !process.env.AUTH_SECRET) return 'run through `npm run test:e2e` (it provisions DATABASE_URL and AUTH_SECRET)';
  return null;
}

async function withAdmin<T>(url: string, work: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(url, { max: 1, connect_timeout: 10, onnotice: () => {} });
  try {
    return await work(sql);
  } finally {
    await sql.end({ timeout: 2 });
  }
}

/** A new empty database beside the run's one; drop() removes it. */
async function createDatabase(runUrl: string) {
  const name = `${new URL(runUrl).pathname.slice(1)}_c${randomBytes(3).toString('hex')}`.slice(0, 63);
  await withAdmin(runUrl, (sql) => sql.unsafe(`create database "${name}"`));
  const url = new URL(runUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => withAdmin(runUrl, (sql) => sql.unsafe(`drop database if exists "${name}" with (force)`)) };
}

/** Registers beforeAll/afterAll hooks for this file's cluster; the returned getter is valid inside tests. */
export function startClusterForFile(): () => TestCluster {
  let cluster: TestCluster | undefined;
  let dropDatabase: (() => Promise<unknown>) | undefined;

  test.beforeAll(async () => {
    test.setTimeout(90_000);
    const missing = missingPrerequisite();
    if (missing && process.env.CI === 'true') throw new Error(`${missing} (in CI a skipped cluster test is a failure)`);
    if (missing) {
      // The list reporter shows no skip reasons: say it where people look.
      process.stderr.write(`\n${'='.repeat(64)}\n  cluster tests SKIPPED (${test.info().file.split('/').at(-1)}): ${missing}\n${'='.repeat(64)}\n\n`);
      test.skip(true, `cluster tests SKIPPED: ${missing}`);
    }

    const database = await createDatabase(process.env.DATABASE_URL!);
    dropDatabase = database.drop;
    const logs: string[] = [];
    const started = await startCluster({
      instances: 2,
      port: 0,
      instancePort: 0,
      // info: the instances' drain and shutdown lines are in the log attached to a failure.
      env: { ...process.env, LOG_LEVEL: 'info', DATABASE_URL: database.url, REDIS_PREFIX: `${process.env.REDIS_PREFIX ?? 'parley-test:'}c${randomBytes(3).toString('hex')}:` },
      onOutput: (source, line) => logs.push(`[${source}] ${line}`),
      startTimeoutMs: 60_000,
    });
    cluster = { ...started, databaseUrl: database.url, logs };
  });

  test.afterEach(async () => {
    const testInfo = test.info();
    if (cluster && testInfo.status !== testInfo.expectedStatus) {
      // A file in test-results (kept by CI), attached to the report.
      const file = testInfo.outputPath('cluster.log');
      fs.writeFileSync(file, `${cluster.logs.join('\n')}\n`);
      await testInfo.attach('cluster.log', { path: file, contentType: 'text/plain' });
    }
  });

  test.afterAll(async () => {
    test.setTimeout(60_000);
    await cluster?.stop();
    await dropDatabase?.();
  });

  return () => {
    if (!cluster) throw new Error('the cluster is not running');
    return cluster;
  };
}

/** How many times each committed migration was recorded: one row each proves they ran once. */
export async function listAppliedMigrations(databaseUrl: string): Promise<string[]> {
  return withAdmin(databaseUrl, async (sql) => (await sql<{ hash: string }[]>`select hash from drizzle.__drizzle_migrations order by id`).map((row) => row.hash));
}

/** `name=value` of the browser's Auth.js session cookie(s), for a socket.io-client handshake. */
export async function sessionCookie(person: Person, url: string): Promise<string> {
  const cookies = await person.context.cookies(url);
  const cookie = cookies
    .filter((c) => c.name.startsWith('authjs.session-token'))
    .map((c) => `${c.name}=${c.value}`)
    .join('; ');
  if (!cookie) throw new Error(`${person.username} has no session cookie`);
  return cookie;
}

/** A person in a browser context of their own, talking to `url` (the cluster's nginx). */
export async function createPerson(browser: Browser, url: string, name: string): Promise<Person> {
  const context = await browser.newContext({ baseURL: url });
  const page = await context.newPage();
  return new Person(context, page, newCredentials(name), url);
}

/**
 * Two people who signed up through the load balancer and a chat between them, started from the UI.
 * Returns their session cookies; the browsers are closed unless `keepBrowsers`.
 */
export async function signUpPair(browser: Browser, url: string) {
  const alice = await createPerson(browser, url, 'Alice');
  const bob = await createPerson(browser, url, 'Bob');
  await alice.register();
  await bob.register();
  await alice.app.startChatWith(bob.searchTerm, bob);
  const chatId = chatIdOf(alice.page);
  const cookies = { alice: await sessionCookie(alice, url), bob: await sessionCookie(bob, url) };
  await Promise.all([alice.context.close(), bob.context.close()]);
  expect(cookies.alice).not.toEqual(cookies.bob);
  return { chatId, cookies };
}
