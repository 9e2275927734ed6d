/**
 * Scenario (c): group fan-out. One group per phase, one socket per member, a fixed send rate with the sender rotating
 * among the members; latency from the scheduled send to the LAST recipient of each message, and to each recipient.
 * B1 is bench/room-relay.ts (bare Socket.IO broadcasting to a room), P1 Parley's realtime server; each target in its
 * own process, the generator (bench/fanout-load.ts) in another.
 */
import type { FanoutConfig, FanoutPhase, FanoutPhaseResult, FanoutResult } from './fanout-load';
import { log, portOf, runGenerator, start, startParley, stopTargets } from './processes';
import { fmt, ratio, type BenchOptions, type Section } from './table';
import { DRAIN_MS, MAX_LAG_MS, TARGET_NAMES } from './scenario-chats';

type Target = FanoutConfig['target'];

const TARGET_LAST_P99_MS = 50;

async function measure(target: Target, phases: FanoutPhase[], cpuProfDir?: string): Promise<FanoutPhaseResult[]> {
  let url: string;
  let env: Record<string, string> = {};
  if (target === 'parley') {
    const parley = await startParley({ redis: false, cpuProfDir });
    env = parley.env;
    url = `http://127.0.0.1:${parley.ports[0]}`;
  } else {
    url = `http://127.0.0.1:${await portOf(start('bench/room-relay.ts', [], {}), 'B1 room relay')}`;
  }
  const result = await runGenerator<FanoutConfig, FanoutResult>('bench/fanout-load.ts', { target, url, phases, maxLagMs: MAX_LAG_MS, drainMs: DRAIN_MS }, env);
  await stopTargets();
  if (!result.ok) throw new Error(`fan-out generator failed on ${target}: ${result.error}`);
  return result.phases;
}

export async function scenarioFanout(options: BenchOptions): Promise<Section> {
  const seconds = Number(options.option('--fanout-seconds') ?? (options.quick ? 1 : 30));
  const phases: FanoutPhase[] = options.quick
    ? [{ members: 100, rate: 10, seconds, warmupSeconds: 0.5 }]
    : [
        { members: 100, rate: 10, seconds, warmupSeconds: 2 },
        { members: 1000, rate: 1, seconds, warmupSeconds: 2 },
      ];
  const results: Partial<Record<Target, FanoutPhaseResult[]>> = {};
  for (const target of ['socketio', 'parley'] as Target[]) {
    log(`(c) ${TARGET_NAMES[target]}: ${phases.map((phase) => `${phase.members} members at ${phase.rate} msg/s`).join(', ')}, ${seconds} s each`);
    results[target] = await measure(target, phases, target === 'parley' ? options.cpuProfDir : undefined);
  }
  const header = ['target', 'members', 'rate/s', 'sent', 'last p50 ms', 'p95', 'p99', 'p99.9', 'max', 'each p50', 'each p99', 'ack p99', 'lag max', 'last p99 ×B1', 'each p50 ×B1'];
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const target of ['socketio', 'parley'] as Target[]) {
    for (const [i, phase] of (results[target] ?? []).entries()) {
      const head = [TARGET_NAMES[target], String(phase.members), String(phase.rate), String(phase.sent)];
      if (phase.invalid.length) {
        rows.push([...head, `INVALID: ${phase.invalid.join('; ')}`]);
        continue;
      }
      const b1 = target === 'parley' && !results.socketio?.[i]?.invalid.length ? results.socketio?.[i] : undefined;
      const { p50, p95, p99, p999, max } = phase.last;
      rows.push([
        ...head, fmt(p50), fmt(p95), fmt(p99), fmt(p999), fmt(max), fmt(phase.each.p50), fmt(phase.each.p99),
        phase.ack ? fmt(phase.ack.p99) : '-', fmt(phase.maxLagMs), ratio(p99, b1?.last.p99), ratio(phase.each.p50, b1?.each.p50),
      ]);
    }
  }
  for (const phase of results.parley ?? []) {
    notes.push(`P1, ${phase.members} members: sending began once the members' connects had gone quiet (no event for 0.5 s), ${fmt(phase.settleMs / 1000)} s after the last one.`);
  }
  const p1Group100 = results.parley?.find((phase) => phase.members === 100);
  if (p1Group100) {
    const met = !p1Group100.invalid.length && p1Group100.last.p99 <= TARGET_LAST_P99_MS;
    notes.push(`Target: 100-member group at 10 msg/s, p99 to the last recipient ≤ ${TARGET_LAST_P99_MS} ms: ${p1Group100.invalid.length ? 'invalid' : `${fmt(p1Group100.last.p99)} ms`} → ${met ? 'met' : 'MISSED'}.`);
  }
  return {
    title: `(c) group fan-out, ${seconds} s per group: latency from scheduled send to the last recipient (last) and to each recipient (each), ms`,
    header,
    rows,
    invalid: Object.values(results).some((phasesOf) => phasesOf.some((phase) => phase.invalid.length)),
    figures: results,
    notes,
  };
}
