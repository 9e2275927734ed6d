/**
 * Scenario (a): idle authenticated sockets. Each target runs in its own process with --expose-gc; the generator
 * (bench/idle-load.ts) opens and holds the sockets in another; the orchestrator reads the target's memory after a
 * full GC once the server has settled: after a warm-up (50 sockets opened and closed), while the sockets are held,
 * and after they closed. Per socket = (held − before) / held sockets.
 * B1 is bench/room-relay.ts (bare Socket.IO, the same three rooms per socket); P1 is lib/testing/instance-process.ts.
 */
import crypto from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import type { IdleConfig, IdleHeld } from './idle-load';
import { log, parleyEnv, portOf, provisionDatabase, start, stop, stopTargets } from './processes';
import { fmt, ratio, type BenchOptions, type Section } from './table';
import { TARGET_NAMES } from './scenario-chats';

type Target = IdleConfig['target'];
type Memory = NodeJS.MemoryUsage;
type IdleResult = { target: Target; sockets: number; held: IdleHeld; before: Memory; during: Memory; after: Memory };

const TARGET_HEAP_KB = 20;
const REPLY_MS = 30_000;
const KB = 1024;
const MB = 1024 * 1024;
// A server still working off connects or disconnects (presence writes "last seen" per user) holds their promises and
// queries: read until the heap stops moving (two readings this far apart within 1 %), at most SETTLE_MAX_MS.
const SETTLE_STEP_MS = 300;
const SETTLE_MAX_MS = 20_000;

/** The next IPC message from `child` that `accept` takes, bounded in time. */
function reply<T>(child: ChildProcess, what: string, accept: (message: unknown) => T | undefined, ms = REPLY_MS): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`${what}: no answer within ${ms} ms`)), ms);
    const onMessage = (message: unknown) => {
      const value = accept(message);
      if (value !== undefined) done(null, value);
    };
    const onExit = (code: number | null) => done(new Error(`${what}: process exited (${code})`));
    function done(error: Error | null, value?: T) {
      clearTimeout(timer);
      child.off('message', onMessage).off('exit', onExit);
      if (error) reject(error);
      else resolve(value!);
    }
    child.on('message', onMessage).once('exit', onExit);
  });
}

let requestId = 0;
async function memoryOf(child: ChildProcess): Promise<Memory> {
  const id = ++requestId;
  const answer = reply(child, 'memory', (message) => ((message as { id?: number }).id === id ? (message as { ok: boolean; value?: Memory; error?: string }) : undefined));
  child.send({ id, op: 'memory', input: null });
  const { ok, value, error } = await answer;
  if (!ok || !value) throw new Error(`memory: ${error}`);
  return value;
}

async function settledMemoryOf(child: ChildProcess): Promise<Memory> {
  const until = performance.now() + SETTLE_MAX_MS;
  let last = await memoryOf(child);
  while (performance.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_STEP_MS));
    const now = await memoryOf(child);
    const settled = Math.abs(now.heapUsed - last.heapUsed) < 0.01 * last.heapUsed;
    last = now;
    if (settled) break;
  }
  return last;
}

async function startTarget(target: Target): Promise<{ child: ChildProcess; url: string; env: Record<string, string> }> {
  if (target === 'socketio') {
    const child = start('bench/room-relay.ts', [], {}, ['--expose-gc']);
    return { child, url: `http://127.0.0.1:${await portOf(child, 'B1 room relay')}`, env: {} };
  }
  // As startParley() does, but keeping the child, whose memory() op we call.
  const env = parleyEnv(await provisionDatabase(), null, crypto.randomBytes(32).toString('base64url'));
  const child = start('lib/testing/instance-process.ts', [], { ...env, PARLEY_TEST_MIGRATE: '1' }, ['--expose-gc']);
  return { child, url: `http://127.0.0.1:${await portOf(child, 'parley')}`, env };
}

async function measure(target: Target, sockets: number, holdMs: number): Promise<IdleResult> {
  const { child, url, env } = await startTarget(target);
  const generator = start('bench/idle-load.ts', [], env);
  // Every step answers with a string except the report of the held sockets (an object); a failure, at any step, is
  // `{ok: false, error}`: the hold step reports it as an invalid result, the others end the run with it at once.
  const step = async <T>(what: string, accept: (message: unknown) => T | undefined, send: unknown) => {
    const failure = (message: unknown) => (what !== 'hold' && (message as { ok?: boolean } | null)?.ok === false ? new Error(`idle generator ${what}: ${(message as { error: string }).error}`) : undefined);
    const answer = reply(generator, `idle generator ${what}`, (message) => failure(message) ?? accept(message), 600_000);
    generator.send(send as object);
    const value = await answer;
    if (value instanceof Error) throw value;
    return value as T;
  };
  try {
    await step('warm-up', (message) => (message === 'warm' ? true : undefined), { target, url, sockets, holdMs } satisfies IdleConfig);
    const before = await settledMemoryOf(child);
    const held = await step('hold', (message) => (typeof message === 'object' && message ? (message as IdleHeld) : undefined), 'hold');
    const during = await settledMemoryOf(child);
    await step('close', (message) => (message === 'closed' ? true : undefined), 'close');
    // Its exit closes whatever the disconnects had not flushed yet, so the server's settled reading comes after all.
    await stop(generator);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_STEP_MS));
    return { target, sockets, held, before, during, after: await settledMemoryOf(child) };
  } finally {
    await stop(generator);
    await stopTargets();
  }
}

const perSocket = (result: IdleResult, key: keyof Memory) =>
  result.held.ok && result.held.connected ? (result.during[key] - result.before[key]) / result.held.connected / KB : undefined;

export async function scenarioIdle(options: BenchOptions): Promise<Section> {
  const sockets = Number(options.option('--idle-sockets') ?? (options.quick ? 100 : 10_000));
  // Full: past the first heartbeat (Socket.IO pings every 25 s), so held means held, not just opened.
  const holdMs = options.quick ? 500 : 30_000;
  const results: IdleResult[] = [];
  for (const target of ['socketio', 'parley'] as Target[]) {
    log(`(a) ${TARGET_NAMES[target]}: ${sockets} idle sockets held ${holdMs / 1000} s`);
    results.push(await measure(target, sockets, holdMs));
  }
  const header = ['target', 'sockets', 'held', 'connect/s', 'heap before MB', 'heap held MB', 'heap/socket KB', 'RSS/socket KB', 'external/socket KB', 'heap ×B1', 'RSS ×B1', 'heap closed MB'];
  const rows: string[][] = [];
  const notes: string[] = [];
  const b1 = results.find((result) => result.target === 'socketio');
  let invalid = false;
  for (const result of results) {
    const { held } = result;
    if (!held.ok) {
      invalid = true;
      rows.push([TARGET_NAMES[result.target], String(result.sockets), `INVALID: generator failed: ${held.error.split('\n')[0]}`]);
      continue;
    }
    const heap = perSocket(result, 'heapUsed')!;
    const rss = perSocket(result, 'rss')!;
    rows.push([
      TARGET_NAMES[result.target], String(result.sockets), String(held.connected), fmt(held.connected / (held.connectMs / 1000)),
      fmt(result.before.heapUsed / MB), fmt(result.during.heapUsed / MB), fmt(heap), fmt(rss), fmt(perSocket(result, 'external')!),
      ratio(heap, perSocket(b1!, 'heapUsed')), ratio(rss, perSocket(b1!, 'rss')), fmt(result.after.heapUsed / MB),
    ]);
    const problems = [
      ...(held.failed ? [`${held.failed} handshakes failed (first: ${held.firstError})`] : []),
      ...(held.dropped ? [`${held.dropped} sockets dropped while held`] : []),
    ];
    if (problems.length) {
      invalid = true;
      rows.push([TARGET_NAMES[result.target], String(result.sockets), `INVALID: ${problems.join('; ')}`]);
    }
    if (result.target === 'parley') {
      const allHeld = held.connected === result.sockets && !held.dropped;
      notes.push(`Target: ≤ ${TARGET_HEAP_KB} KB heap per idle authenticated socket, all held: ${fmt(heap)} KB, ${allHeld ? 'all held' : 'NOT all held'} → ${heap <= TARGET_HEAP_KB && allHeld ? 'met' : 'MISSED'}.`);
    }
  }
  return {
    title: `(a) idle sockets: ${sockets.toLocaleString('en')} held ${holdMs / 1000} s (P1: real users, one 1:1 chat each, 3 rooms per socket; B1: the same 3 rooms); server memory after a full GC, KB = 1,024 B`,
    header,
    rows,
    invalid,
    figures: results,
    notes,
  };
}
