/**
 * `node scripts/lighthouse.mjs [--runs 3] [--json file] [--lhr dir]`: Lighthouse 12 (its default config: mobile
 * emulation, simulated throttling) on /login and on a real chat page, signed in, against the production build;
 * exits 1 when a median score or the chat page's first-load JavaScript misses issue 7's thresholds
 * (scripts/lighthouse/report.mjs). --json writes the figures, --lhr keeps each run's full Lighthouse report.
 *
 * Builds when the sources are newer than the last build, provisions a throwaway database and Redis prefix
 * (scripts/with-test-services.mjs: DATABASE_URL's server or an embedded Postgres), then re-runs itself inside
 * them with --inner, which starts `node dist/server.mjs`, seeds a chat and audits. Every browser and the
 * server are stopped on every path, and the whole run is bounded by DEADLINE_MS.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildIfNeeded } from './build-if-needed.mjs';
import { runWithTestServices } from './with-test-services.mjs';

const CHROME = process.env.CHROME_PATH || '/usr/bin/chromium';
const DEADLINE_MS = 180_000;

const { values: options } = parseArgs({
  options: { inner: { type: 'boolean', default: false }, runs: { type: 'string', default: '3' }, json: { type: 'string' }, lhr: { type: 'string' } },
});
const runs = Number(options.runs);
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write('usage: node scripts/lighthouse.mjs [--runs N] [--json file] [--lhr dir]\n');
  process.exit(2);
}

if (!options.inner) {
  if (!fs.existsSync(CHROME)) {
    process.stderr.write(`[lighthouse] no Chromium at ${CHROME} (set CHROME_PATH)\n`);
    process.exit(1);
  }
  buildIfNeeded('lighthouse');
  const self = fileURLToPath(import.meta.url);
  process.exit(await runWithTestServices(process.execPath, [self, '--inner', ...process.argv.slice(2)]));
}

// Inner: the services' env is set. Loaded only here, so the outer process stays light.
const { startServer } = await import('./lighthouse/server.mjs');
const { seedChat } = await import('./lighthouse/seed.mjs');
const { auditOnce, killAllChromes } = await import('./lighthouse/audit.mjs');
const { summarize, formatReport } = await import('./lighthouse/report.mjs');

const log = (line) => process.stdout.write(`[lighthouse] ${line}\n`);
const started = Date.now();
const aborter = new AbortController();
let server;

async function shutdown() {
  aborter.abort();
  killAllChromes();
  await server?.stop();
}

// A signal (Ctrl-C, or the outer process passing one on) or the deadline: stop everything, then exit.
let stopping = false;
const stopAndExit = (why, code) => {
  if (stopping) return;
  stopping = true;
  process.stderr.write(`[lighthouse] ${why}: stopping\n`);
  void shutdown().finally(() => process.exit(code));
};
process.on('SIGINT', () => stopAndExit('SIGINT', 130));
process.on('SIGTERM', () => stopAndExit('SIGTERM', 143));
setTimeout(() => stopAndExit(`over ${DEADLINE_MS / 1000} s`, 1), DEADLINE_MS).unref();

let code = 1;
try {
  server = await startServer();
  log(`server on ${server.baseURL} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  const { chatId, cookie, sent } = await seedChat({ baseURL: server.baseURL, chromePath: CHROME });
  log(`seeded chat ${chatId} with ${sent} messages (${((Date.now() - started) / 1000).toFixed(1)} s)`);

  const pages = [
    { name: 'sign-in', path: '/login', cookie: null, jsBudget: false },
    { name: 'chat', path: `/c/${chatId}`, cookie, jsBudget: true },
  ].map((page) => ({ page, runs: [] }));
  // Alternating pages spreads the machine's noise over both instead of over one page's runs.
  for (let i = 0; i < runs; i++) {
    for (const entry of pages) {
      const t = Date.now();
      const result = await auditOnce({ url: `${server.baseURL}${entry.page.path}`, chromePath: CHROME, cookie: entry.page.cookie, signal: aborter.signal });
      if (options.lhr) {
        fs.mkdirSync(options.lhr, { recursive: true });
        fs.writeFileSync(`${options.lhr}/${entry.page.name}-${i + 1}.json`, JSON.stringify(result.lhr));
      }
      delete result.lhr;
      entry.runs.push(result);
      const scores = Object.values(result.scores).join('/');
      log(`${entry.page.name} run ${i + 1}: ${scores} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    }
  }
  for (const entry of pages) entry.summary = summarize(entry.page, entry.runs);

  process.stdout.write(`\n${formatReport(pages)}\n`);
  const misses = pages.flatMap((entry) => entry.summary.misses);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (options.json) fs.writeFileSync(options.json, `${JSON.stringify({ seconds: Number(seconds), pages }, null, 2)}\n`);
  if (misses.length) {
    process.stdout.write(`\nMISSED: ${misses.join('; ')} (${seconds} s)\n`);
  } else {
    process.stdout.write(`\nall thresholds met (${seconds} s)\n`);
    code = 0;
  }
} catch (error) {
  process.stderr.write(`[lighthouse] failed: ${error?.stack ?? error}\n`);
} finally {
  if (!stopping) await shutdown();
}
if (!stopping) process.exit(code);
