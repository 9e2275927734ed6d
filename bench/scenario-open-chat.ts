/**
 * Scenario (d): opening a chat with 1,000,000 messages stored. `chat:open` answers a chat's newest 25 from the
 * cache when it holds the complete tail, else from Postgres (refilling the cache): the generator (bench/open-chat-load.ts)
 * times both, from the scheduled emit to the ack, at a fixed open rate, against P1 with its in-process cache and,
 * in the full run, with Redis as the cache. The dataset is bench/search-dataset.ts's, in a throwaway database.
 */
import type { OpenChatConfig, OpenChatResult, OpenPhaseResult } from './open-chat-load';
import { log, provisionDatabase, REDIS_URL, runGenerator, SERVER_URL, startParley, stopTargets } from './processes';
import { DEFAULT_DATASET, type DatasetOptions } from './search-dataset';
import { fmt, type BenchOptions, type Section } from './table';

type Cache = 'memory' | 'redis';
const CACHE_NAMES: Record<Cache, string> = { memory: 'P1 in-process cache', redis: 'P1 Redis cache' };
const TARGET_P99_MS = { hit: 5, miss: 20 };
const GENERATOR = 'bench/open-chat-load.ts';

/**
 * --quick: fewer users and chats than the full dataset, so that 30,000 messages still give about 250 chats with 25
 * messages or more. Full: the search benchmark's 1,000,000 messages in 13,500 chats (about 5,000 such chats).
 */
const QUICK_DATASET: DatasetOptions = { ...DEFAULT_DATASET, messages: 30_000, users: 250, directChats: 300, groups: 40 };

type Plan = { dataset: DatasetOptions; rate: number; warmupChats: number; misses: number; hits: number; caches: Cache[] };

function planOf(options: BenchOptions): Plan {
  const rate = Number(options.option('--open-rate') ?? 100);
  // Misses stay below the memory cache's 10,000 chats (with the warm-up's), so every hit is a hit.
  const plan: Plan = options.quick
    ? { dataset: QUICK_DATASET, rate, warmupChats: 30, misses: 60, hits: 120, caches: ['memory'] }
    : { dataset: DEFAULT_DATASET, rate, warmupChats: 200, misses: 3000, hits: 3000, caches: ['memory', 'redis'] };
  const caches = (options.option('--open-caches')?.split(',') as Cache[] | undefined) ?? plan.caches;
  // Without a Redis the Redis cache is skipped, with a note (bench/processes.ts provideServices).
  return { ...plan, caches: caches.filter((cache) => cache !== 'redis' || REDIS_URL) };
}

async function measureCache(cache: Cache, plan: Plan, databaseUrl: string, cpuProfDir?: string): Promise<Extract<OpenChatResult, { job: 'open' }>> {
  // A fresh server: its memory cache is empty, and Redis gets a fresh prefix, so the first open of a chat misses.
  const parley = await startParley({ redis: cache === 'redis', databaseUrl, cpuProfDir });
  const config: OpenChatConfig = {
    job: 'open',
    url: `http://127.0.0.1:${parley.ports[0]}`,
    warmupChats: plan.warmupChats,
    phases: [
      { name: 'miss', rate: plan.rate, opens: plan.misses },
      { name: 'hit', rate: plan.rate, opens: plan.hits },
    ],
    maxLagMs: 100,
    ackTimeoutMs: 5000,
  };
  try {
    const result = await runGenerator<OpenChatConfig, OpenChatResult>(GENERATOR, config, parley.env);
    if (!result.ok || result.job !== 'open') throw new Error(`(d) generator failed on ${cache}: ${result.ok ? 'wrong job' : result.error}`);
    return result;
  } finally {
    await stopTargets();
  }
}

export async function scenarioOpenChat(options: BenchOptions): Promise<Section> {
  const plan = planOf(options);
  // A unique name whose drop stopAll() already owns; createDataset recreates it, migrated and filled.
  const databaseUrl = await provisionDatabase();
  const dbName = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
  log(`(d) dataset: ${plan.dataset.messages} messages in ${dbName}`);
  // search-dataset.ts makes and fills the database through its server's admin URL (DATABASE_URL, read at load).
  const built = await runGenerator<OpenChatConfig, OpenChatResult>(GENERATOR, { job: 'dataset', dbName, dataset: plan.dataset }, { DATABASE_URL: SERVER_URL });
  if (!built.ok || built.job !== 'dataset') throw new Error(`(d) dataset failed: ${built.ok ? 'wrong job' : built.error}`);
  log(`(d) dataset ready after ${built.seconds.toFixed(1)} s`);

  const results: Partial<Record<Cache, Extract<OpenChatResult, { job: 'open' }>>> = {};
  for (const cache of plan.caches) {
    log(`(d) ${CACHE_NAMES[cache]}: ${plan.misses} first opens (Postgres), then ${plan.hits} re-opens (cache) at ${plan.rate}/s`);
    results[cache] = await measureCache(cache, plan, databaseUrl, options.cpuProfDir);
  }

  const header = ['target', 'read from', 'rate/s', 'opens', 'chats', 'p50 ms', 'p95', 'p99', 'p99.9', 'max', 'lag max', 'p99 from emit', 'p99 target'];
  const rows: string[][] = [];
  const notes: string[] = [];
  const readFrom = (phase: OpenPhaseResult) => (phase.name === 'hit' ? 'cache (hit)' : 'Postgres (miss)');
  for (const cache of plan.caches) {
    for (const phase of results[cache]!.phases) {
      const head = [CACHE_NAMES[cache], readFrom(phase), String(phase.rate), String(phase.opens), String(phase.chats)];
      const target = TARGET_P99_MS[phase.name];
      if (phase.invalid.length) {
        rows.push([...head, `INVALID: ${phase.invalid.join('; ')}`]);
        notes.push(`${CACHE_NAMES[cache]}, ${readFrom(phase)}: not measured (invalid), target p99 ≤ ${target} ms unknown`);
        continue;
      }
      const { p50, p95, p99, p999, max } = phase.latency;
      rows.push([...head, fmt(p50), fmt(p95), fmt(p99), fmt(p999), fmt(max), fmt(phase.maxLagMs), fmt(phase.fromEmit.p99), `≤ ${target}`]);
      notes.push(`${CACHE_NAMES[cache]}, ${readFrom(phase)}: p99 ${fmt(p99)} ms, target ≤ ${target} ms: ${p99 <= target ? 'met' : 'MISSED'}`);
    }
  }
  if (!REDIS_URL) notes.push('P1 Redis cache: SKIPPED (REDIS_URL is not set)');
  const first = Object.values(results)[0];
  if (first) {
    notes.push(`${first.sockets} members connected (one socket each); every open is checked to answer the chat's newest 25 messages`);
    // Where Postgres's part of a miss goes, measured inside Postgres (the rest is round trips, the driver and the app).
    notes.push(...first.explain.map((line) => `EXPLAIN ANALYZE, one chat: ${line}`));
  }
  return {
    title: `(d) opening a chat (chat:open, newest 25), ${plan.dataset.messages.toLocaleString('en')} messages stored: latency from scheduled emit to ack, ms`,
    header,
    rows,
    invalid: Object.values(results).some((result) => result.phases.some((phase) => phase.invalid.length)),
    figures: { dataset: plan.dataset, results },
    notes,
  };
}
