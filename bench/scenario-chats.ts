/**
 * Scenarios (b) and (e): 1:1 chats at fixed rates against each target (bench/load.ts is the generator), latency from
 * the scheduled send to the recipient; (e) puts each pair's sender and recipient on different instances. Each target
 * runs in its own process(es), its generator in another. startTarget and runLoad serve scenario (f) too.
 */
import crypto from 'node:crypto';
import type { LoadConfig, LoadResult, PhaseResult, Target } from './load';
import { log, portOf, REDIS_URL, runGenerator, start, startParley, stopTargets } from './processes';
import { fmt, ratio, type BenchOptions, type Section } from './table';

export type ChatsOptions = { pairs: number; rates: number[]; seconds: number; warmupSeconds: number; targets: Target[]; cpuProfDir?: string };

export const MAX_LAG_MS = 100;
export const DRAIN_MS = 5000;
export const TARGET_NAMES: Record<Target, string> = { ws: 'B0 ws', socketio: 'B1 socket.io', parley: 'P1 Parley' };

/** A running target: where the generator's senders and recipients connect, and the env its generator needs. */
export type Started = { target: Target; url: string; recipientUrls?: string[]; env: Record<string, string> };

/** Starts B0, B1 or P1 (one process; P1 on a fresh database, no Redis). */
export async function startTarget(target: Target, cpuProfDir?: string): Promise<Started> {
  if (target === 'parley') {
    const parley = await startParley({ redis: false, cpuProfDir });
    return { target, url: `http://127.0.0.1:${parley.ports[0]}`, env: parley.env };
  }
  const port = await portOf(start('bench/relays.ts', [target], {}), target);
  return { target, url: target === 'ws' ? `ws://127.0.0.1:${port}` : `http://127.0.0.1:${port}`, env: {} };
}

/** Runs a generator against a started target (which it leaves running): the measured (not warm-up) phases. */
export async function runLoad(started: Started, load: Omit<LoadConfig, 'target' | 'url' | 'recipientUrls'>): Promise<PhaseResult[]> {
  const config: LoadConfig = { ...load, target: started.target, url: started.url, recipientUrls: started.recipientUrls };
  const result = await runGenerator<LoadConfig, LoadResult>('bench/load.ts', config, started.env);
  if (!result.ok) throw new Error(`load generator failed on ${started.target}: ${result.error}`);
  // The warm-up is not reported, but why it was invalid (and so nothing after it ran) must be.
  const warmup = result.phases.find((phase) => phase.warmup && phase.invalid.length);
  const measured = result.phases.filter((phase) => !phase.warmup);
  return warmup ? measured.map((phase) => ({ ...phase, invalid: [`the warm-up was invalid: ${warmup.invalid.join('; ')}`] })) : measured;
}

export async function scenarioChats(options: ChatsOptions): Promise<Section> {
  const results: Partial<Record<Target, PhaseResult[]>> = {};
  const phases = [{ rate: 100, seconds: options.warmupSeconds, warmup: true }, ...options.rates.map((rate) => ({ rate, seconds: options.seconds }))];
  // Started together (an idle target costs the others nothing), measured one at a time.
  const started = await Promise.all(options.targets.map((target) => startTarget(target, options.cpuProfDir)));
  for (const target of started) {
    log(`(b) ${TARGET_NAMES[target.target]}: ${options.pairs} pairs at ${options.rates.join(', ')} msg/s for ${options.seconds} s each`);
    results[target.target] = await runLoad(target, { pairs: options.pairs, phases, maxLagMs: MAX_LAG_MS, drainMs: DRAIN_MS });
  }
  await stopTargets();
  const header = ['target', 'rate/s', 'sent', 'p50 ms', 'p95', 'p99', 'p99.9', 'max', 'ack p99', 'lag max', 'p50 ×B1', 'p99 ×B1', 'p50 ×B0', 'p99 ×B0'];
  const rows: string[][] = [];
  for (const target of Object.keys(TARGET_NAMES) as Target[]) {
    for (const [i, phase] of (results[target] ?? []).entries()) {
      const head = [TARGET_NAMES[target], String(phase.rate), String(phase.sent)];
      if (phase.invalid.length) {
        rows.push([...head, `INVALID: ${phase.invalid.join('; ')}`]);
        continue;
      }
      const { p50, p95, p99, p999, max } = phase.latency;
      const valid = (base: PhaseResult | undefined) => (target !== 'ws' && target !== 'socketio' && base && !base.invalid.length ? base.latency : undefined);
      const b1 = valid(results.socketio?.[i]);
      const b0 = valid(results.ws?.[i]);
      rows.push([...head, fmt(p50), fmt(p95), fmt(p99), fmt(p999), fmt(max), phase.ack ? fmt(phase.ack.p99) : '-', fmt(phase.maxLagMs), ratio(p50, b1?.p50), ratio(p99, b1?.p99), ratio(p50, b0?.p50), ratio(p99, b0?.p99)]);
    }
  }
  return {
    title: `(b) 1:1 chats, ${options.pairs} pairs (${options.pairs * 2} users), ${options.seconds} s per rate: latency from scheduled send to recipient, ms`,
    header,
    rows,
    invalid: Object.values(results).some((phases) => phases.some((phase) => phase.invalid.length)),
    figures: results,
  };
}

/**
 * The cross-instance targets of scenario (e): B2, two bare Socket.IO relays over the Redis adapter, and P2, two
 * Parley instances sharing one Redis and one database; every pair's sender is on the first, its recipient on the second.
 */
async function startCrossInstance(kind: 'B2' | 'P2', cpuProfDir?: string): Promise<Started> {
  if (kind === 'P2') {
    const parley = await startParley({ redis: true, instances: 2, cpuProfDir });
    return { target: 'parley', url: `http://127.0.0.1:${parley.ports[0]}`, recipientUrls: [`http://127.0.0.1:${parley.ports[1]}`], env: parley.env };
  }
  // A prefix of this run's own, so that nothing else on the Redis (another run, a test) shares its channels.
  const prefix = `parley-bench-b2-${process.pid}-${crypto.randomBytes(3).toString('hex')}:`;
  const ports = await Promise.all([1, 2].map((n) => portOf(start('bench/relays.ts', ['socketio-redis', prefix], { REDIS_URL }), `B2 #${n}`)));
  return { target: 'socketio', url: `http://127.0.0.1:${ports[0]}`, recipientUrls: [`http://127.0.0.1:${ports[1]}`], env: {} };
}

const CROSS_NAMES = { B1: 'B1 socket.io', B2: 'B2 socket.io+Redis', P1: 'P1 Parley', P2: 'P2 Parley×2+Redis' } as const;
type CrossName = keyof typeof CROSS_NAMES;
/** What each row is compared with: the same stack on one instance, without Redis. */
const SINGLE: Partial<Record<CrossName, CrossName>> = { B2: 'B1', P2: 'P1' };
const TARGET_ADDED_P99_MS = 10;

/**
 * Scenario (e): cross-instance delivery. P2 against P1, and B2 against B1 for what the Redis hop costs a bare
 * relay, at the same rate(s) in the same run; each target in its own processes, then its generator.
 */
export async function scenarioCrossInstance(options: BenchOptions): Promise<Section> {
  const pairs = options.quick ? 50 : 1000;
  const rates = options.quick ? [250] : [500];
  const seconds = options.quick ? 0.5 : 15;
  const phases = [{ rate: 100, seconds: options.quick ? 0.5 : 3, warmup: true }, ...rates.map((rate) => ({ rate, seconds }))];
  // --quick leaves B1 out (scenario (b) has it) to stay within its share of the 60 s.
  const names: CrossName[] = options.quick ? ['B2', 'P1', 'P2'] : ['B1', 'B2', 'P1', 'P2'];
  // Every target starts at once (an idle one costs nothing measurable) and the generators then run one at a time:
  // the starts (tsx, migrations) would otherwise take most of --quick's share.
  log(`(e) starting ${names.map((name) => CROSS_NAMES[name]).join(', ')}`);
  const started = await Promise.all(names.map((name) => (name === 'B2' || name === 'P2' ? startCrossInstance(name, options.cpuProfDir) : startTarget(name === 'B1' ? 'socketio' : 'parley', options.cpuProfDir))));
  const results: Partial<Record<CrossName, PhaseResult[]>> = {};
  for (const [i, name] of names.entries()) {
    log(`(e) ${CROSS_NAMES[name]}: ${pairs} pairs at ${rates.join(', ')} msg/s for ${seconds} s each`);
    results[name] = await runLoad(started[i]!, { pairs, phases, maxLagMs: MAX_LAG_MS, drainMs: DRAIN_MS });
  }
  await stopTargets();
  const header = ['target', 'rate/s', 'sent', 'p50 ms', 'p95', 'p99', 'p99.9', 'max', 'ack p99', 'lag max', 'p99 added'];
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const name of names) {
    for (const [i, phase] of results[name]!.entries()) {
      const head = [CROSS_NAMES[name], String(phase.rate), String(phase.sent)];
      if (phase.invalid.length) {
        rows.push([...head, `INVALID: ${phase.invalid.join('; ')}`]);
        continue;
      }
      const single = SINGLE[name] && results[SINGLE[name]]?.[i];
      const added = single && !single.invalid.length ? phase.latency.p99 - single.latency.p99 : undefined;
      const { p50, p95, p99, p999, max } = phase.latency;
      rows.push([...head, fmt(p50), fmt(p95), fmt(p99), fmt(p999), fmt(max), phase.ack ? fmt(phase.ack.p99) : '-', fmt(phase.maxLagMs), added === undefined ? '' : `${added >= 0 ? '+' : ''}${fmt(added)}`]);
      if (name === 'P2') {
        notes.push(added === undefined
          ? `target (e) P2 adds ≤ ${TARGET_ADDED_P99_MS} ms at p99 over P1, at ${phase.rate}/s: not measured (P1 invalid)`
          : `target (e) P2 adds ≤ ${TARGET_ADDED_P99_MS} ms at p99 over P1, at ${phase.rate}/s: P2 adds ${fmt(added)} ms (P1 ${fmt(single!.latency.p99)}, P2 ${fmt(p99)}): ${added <= TARGET_ADDED_P99_MS ? 'met' : 'MISSED'}`);
      }
      if (name === 'B2' && added !== undefined) notes.push(`the Redis hop alone: B2 adds ${fmt(added)} ms at p99 over B1 at ${phase.rate}/s`);
    }
  }
  if (results.P2?.some((phase) => phase.invalid.length)) notes.push(`target (e) P2 adds ≤ ${TARGET_ADDED_P99_MS} ms at p99 over P1: not measured (P2 invalid)`);
  return {
    title: `(e) cross-instance delivery, ${pairs} pairs, sender on instance 1, recipient on instance 2 (B2, P2), ${seconds} s per rate: latency from scheduled send to recipient, ms; "p99 added" is over the same stack on one instance (B2 − B1, P2 − P1)`,
    header,
    rows,
    invalid: Object.values(results).some((phases) => phases.some((phase) => phase.invalid.length)),
    figures: results,
    notes,
  };
}
