/**
 * Scenario (b): 1:1 chats at fixed rates against each target (bench/load.ts is the generator), latency from the
 * scheduled send to the recipient. Each target runs in its own process, then its generator in another.
 */
import type { LoadConfig, LoadResult, PhaseResult, Target } from './load';
import { log, portOf, runGenerator, start, startParley, stopTargets } from './processes';
import { fmt, ratio, type BenchOptions, type Section } from './table';

export type ChatsOptions = { pairs: number; rates: number[]; seconds: number; warmupSeconds: number; targets: Target[]; cpuProfDir?: string };

const MAX_LAG_MS = 100;
const DRAIN_MS = 5000;
export const TARGET_NAMES: Record<Target, string> = { ws: 'B0 ws', socketio: 'B1 socket.io', parley: 'P1 Parley' };

/** Starts `target`, runs the phases against it, stops it: the measured (not warm-up) phases. */
export async function measureTarget(target: Target, options: ChatsOptions): Promise<PhaseResult[]> {
  let url: string;
  let env: Record<string, string> = {};
  if (target === 'parley') {
    const parley = await startParley({ redis: false, cpuProfDir: options.cpuProfDir });
    env = parley.env;
    url = `http://127.0.0.1:${parley.ports[0]}`;
  } else {
    const port = await portOf(start('bench/relays.ts', [target], {}), target);
    url = target === 'ws' ? `ws://127.0.0.1:${port}` : `http://127.0.0.1:${port}`;
  }
  const phases = [{ rate: 100, seconds: options.warmupSeconds, warmup: true }, ...options.rates.map((rate) => ({ rate, seconds: options.seconds }))];
  const config: LoadConfig = { target, url, pairs: options.pairs, phases, maxLagMs: MAX_LAG_MS, drainMs: DRAIN_MS };
  const result = await runGenerator<LoadConfig, LoadResult>('bench/load.ts', config, env);
  await stopTargets();
  if (!result.ok) throw new Error(`load generator failed on ${target}: ${result.error}`);
  return result.phases.filter((phase) => !phase.warmup);
}

export async function scenarioChats(options: ChatsOptions): Promise<Section> {
  const results: Partial<Record<Target, PhaseResult[]>> = {};
  for (const target of options.targets) {
    log(`(b) ${TARGET_NAMES[target]}: ${options.pairs} pairs at ${options.rates.join(', ')} msg/s for ${options.seconds} s each`);
    results[target] = await measureTarget(target, options);
  }
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

/** Scenario (e): cross-instance delivery, P2 against P1 (not written yet). */
export async function scenarioCrossInstance(options: BenchOptions): Promise<Section> {
  throw new Error(`scenario (e) is not written yet (quick: ${options.quick})`);
}
