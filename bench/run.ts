/**
 * `npm run bench [-- --quick] [--json [file]]`: starts each target in its own process on 127.0.0.1:0, then a
 * load generator (bench/load.ts) in another, runs scenario (b) — 1:1 chats at fixed rates — against it,
 * stops everything (also on Ctrl-C and on errors), and prints one table. Targets: B0 a bare `ws` relay,
 * B1 a bare Socket.IO relay (in-memory adapter), P1 Parley's realtime server on one instance (no Next) with
 * a throwaway Postgres database on DATABASE_URL's server (default postgres://postgres@127.0.0.1:5432/postgres)
 * and the in-process cache and presence (no Redis). `--json [file]` writes the figures (default
 * bench-results/latest.json, gitignored). Exits 2 if any phase was invalid.
 * Overrides: --pairs N, --rates 250,500, --seconds S, --targets ws,socketio,parley; --cpu-prof profiles P1's server.
 */
import { fork, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import type { LoadConfig, LoadResult, PhaseResult, Target } from './load';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const jsonIndex = args.indexOf('--json');
const jsonFile = jsonIndex < 0 ? null : args[jsonIndex + 1] && !args[jsonIndex + 1]!.startsWith('--') ? args[jsonIndex + 1]! : 'bench-results/latest.json';

const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);

// Scenario (b) asks for 2,000 connected users; --quick uses 200 pairs (400 users) to fit in 60 s.
const PAIRS = Number(option('--pairs') ?? (quick ? 200 : 1000));
const RATES = (option('--rates')?.split(',') ?? (quick ? [250, 500] : [250, 500, 1000, 2000])).map(Number);
const SECONDS = Number(option('--seconds') ?? (quick ? 4 : 15));
// --cpu-prof: P1's server writes a V8 CPU profile (open it in Chrome DevTools) when it stops.
const CPU_PROF = args.includes('--cpu-prof');
const CPU_PROF_DIR = 'bench-results/profiles';
const TARGETS = (option('--targets')?.split(',') ?? ['ws', 'socketio', 'parley']) as Target[];
const WARMUP = { rate: 100, seconds: quick ? 1 : 3, warmup: true };
const MAX_LAG_MS = 100;
const DRAIN_MS = 5000;
const TARGET_START_MS = 30_000;
// The whole run's bound: a stuck child can never hang it.
const RUN_BUDGET_MS = quick ? 90_000 : 600_000;

const children = new Set<ChildProcess>();
const cleanups: (() => Promise<void>)[] = [];
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

function start(file: string, argv: string[], env: Record<string, string>, execArgv: string[] = []): ChildProcess {
  const child = fork(path.join(import.meta.dirname, '..', file), argv, { execArgv: ['--import', 'tsx', ...execArgv], env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Resolves with the port a target prints as `{"port":N}` on stdout. */
function portOf(child: ChildProcess, name: string): Promise<number> {
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

function stop(child: ChildProcess): Promise<void> {
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
/** Stops every child and drops the database; every caller (Ctrl-C, an error, the end) awaits the same run of it. */
function stopAll(): Promise<void> {
  stopping ??= (async () => {
    await Promise.all([...children].map(stop));
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((error: Error) => log(`cleanup failed: ${error.message}`));
  })();
  return stopping;
}

/** A fresh database on DATABASE_URL's server, dropped by stopAll(). */
async function provisionDatabase(): Promise<string> {
  const serverUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const database = `parley_bench_${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
  const admin = () => postgres(serverUrl, { max: 1, connect_timeout: 10, onnotice: () => {} });
  const sql = admin();
  await sql.unsafe(`create database "${database}"`).finally(() => sql.end({ timeout: 2 }));
  cleanups.push(async () => {
    const dropper = admin();
    await dropper.unsafe(`drop database if exists "${database}" with (force)`).finally(() => dropper.end({ timeout: 2 }));
  });
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function measure(target: Target): Promise<PhaseResult[]> {
  let server: ChildProcess;
  let env: Record<string, string> = {};
  if (target === 'parley') {
    env = {
      DATABASE_URL: await provisionDatabase(),
      AUTH_SECRET: crypto.randomBytes(32).toString('base64url'),
      REDIS_URL: '',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      // The per-user send limit would throttle a load generator, not measure the server.
      SEND_RATE_BURST: '1000000',
      SEND_RATE_PER_SECOND: '1000000',
    };
    server = start('lib/testing/instance-process.ts', [], { ...env, PARLEY_TEST_MIGRATE: '1' }, CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF_DIR}`] : []);
  } else {
    server = start('bench/relays.ts', [target], {});
  }
  const port = await portOf(server, target);
  const url = target === 'ws' ? `ws://127.0.0.1:${port}` : `http://127.0.0.1:${port}`;
  const generator = start('bench/load.ts', [], env);
  const config: LoadConfig = { target, url, pairs: PAIRS, phases: [WARMUP, ...RATES.map((rate) => ({ rate, seconds: SECONDS }))], maxLagMs: MAX_LAG_MS, drainMs: DRAIN_MS };
  const result = await new Promise<LoadResult>((resolve, reject) => {
    generator.once('message', (message) => resolve(message as LoadResult));
    generator.once('exit', (code) => reject(new Error(`load generator exited (${code}) without a result`)));
    generator.send(config);
  });
  await Promise.all([stop(generator), stop(server)]);
  if (!result.ok) throw new Error(`load generator failed on ${target}: ${result.error}`);
  return result.phases.filter((phase) => !phase.warmup);
}

const NAMES: Record<Target, string> = { ws: 'B0 ws', socketio: 'B1 socket.io', parley: 'P1 Parley' };

function table(results: Partial<Record<Target, PhaseResult[]>>): string {
  const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(2));
  const rows = [['target', 'rate/s', 'sent', 'p50 ms', 'p95', 'p99', 'p99.9', 'max', 'ack p99', 'lag max', 'p50 ×B1', 'p99 ×B1', 'p50 ×B0', 'p99 ×B0']];
  for (const target of Object.keys(NAMES) as Target[]) {
    for (const [i, phase] of (results[target] ?? []).entries()) {
      const head = [NAMES[target], String(phase.rate), String(phase.sent)];
      if (phase.invalid.length) {
        rows.push([...head, `INVALID: ${phase.invalid.join('; ')}`]);
        continue;
      }
      const { p50, p95, p99, p999, max } = phase.latency;
      const ratio = (base: PhaseResult | undefined, key: 'p50' | 'p99') => (target === 'parley' && base && !base.invalid.length ? `${(phase.latency[key] / base.latency[key]).toFixed(1)}×` : '');
      const b1 = results.socketio?.[i];
      const b0 = results.ws?.[i];
      rows.push([...head, fmt(p50), fmt(p95), fmt(p99), fmt(p999), fmt(max), phase.ack ? fmt(phase.ack.p99) : '-', fmt(phase.maxLagMs), ratio(b1, 'p50'), ratio(b1, 'p99'), ratio(b0, 'p50'), ratio(b0, 'p99')]);
    }
  }
  const widths = rows[0]!.map((_, col) => Math.max(...rows.filter((row) => row.length > 4).map((row) => (row[col] ?? '').length)));
  return rows.map((row) => row.map((cell, col) => (row.length <= 4 && col === 3 ? cell : cell.padStart(widths[col]!))).join('  ')).join('\n');
}

async function main() {
  const began = Date.now();
  const budget = setTimeout(() => {
    log(`over the ${RUN_BUDGET_MS} ms budget: stopping`);
    void stopAll().then(() => process.exit(1));
  }, RUN_BUDGET_MS);
  const results: Partial<Record<Target, PhaseResult[]>> = {};
  for (const target of TARGETS) {
    log(`${NAMES[target]}: ${PAIRS} pairs at ${RATES.join(', ')} msg/s for ${SECONDS} s each`);
    results[target] = await measure(target);
  }
  await stopAll();
  clearTimeout(budget);
  process.stdout.write(`\nScenario (b): 1:1 chats, ${PAIRS} pairs (${PAIRS * 2} users), latency from scheduled send to recipient, ms\n${table(results)}\n`);
  process.stdout.write(`(${((Date.now() - began) / 1000).toFixed(1)} s)\n`);
  if (jsonFile) {
    fs.mkdirSync(path.dirname(jsonFile), { recursive: true });
    fs.writeFileSync(jsonFile, `${JSON.stringify({ at: new Date().toISOString(), quick, pairs: PAIRS, seconds: SECONDS, results }, null, 2)}\n`);
    log(`figures written to ${jsonFile}`);
  }
  if (CPU_PROF) log(`P1's CPU profile is in ${CPU_PROF_DIR}/`);
  const invalid = Object.values(results).some((phases) => phases.some((phase) => phase.invalid.length));
  process.exitCode = invalid ? 2 : 0;
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    log(`${signal}: stopping`);
    void stopAll().then(() => process.exit(130));
  });
}
main().catch(async (error: unknown) => {
  // After Ctrl-C, the children's exits surface here as errors: the signal handler reports and exits.
  if (interrupted) return;
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  await stopAll();
  process.exit(1);
});
