/**
 * Scenario (f), the ceiling: for each target, the highest rate of 1:1 messages at which the recipients' p99 stays under
 * 100 ms with nothing lost (a valid phase: nothing lost, refused, duplicated, missing from Postgres, and the generator
 * on schedule). Found in two stages, each bounded in steps:
 *  1. a ramp: one target, one generator, the rate doubled step by step until a step fails. Every step before the
 *     failing one passed, so it left no backlog behind (all received, acked and stored) to charge to the next.
 *     Every target's ramp runs before any bisection.
 *  2. a bisection between the last passing and the first failing rate (geometric middle), each step on a freshly
 *     started target and generator, so that no failed step's backlog can poison it.
 */
import type { PhaseResult, Target } from './load';
import { log, stopTargets } from './processes';
import { MAX_LAG_MS, runLoad, startTarget, type Started, TARGET_NAMES } from './scenario-chats';
import { fmt, type BenchOptions, type Section } from './table';

const BOUND_P99_MS = 100;
const TARGET_RATIO = 0.5;
const TARGET_PERSISTED_RATE = 2000;

type Plan = { pairs: number; ramp: number[]; seconds: number; warmupSeconds: number; bisections: number; lagRetries: number; drainMs: number };
/** `fresh`: on a fresh start of the target; `retried`: only the generator lagged, so the rate was tried again. */
type Step = { rate: number; passed: boolean; fresh: boolean; retried?: boolean; phase: PhaseResult };
/** `passed`: the highest passing rate (null: the first step failed); `failed`: the lowest failing one (null: none did). */
type Ceiling = { passed: number | null; failed: number | null; steps: Step[] };

const passes = (phase: PhaseResult) => !phase.invalid.length && phase.latency.p99 < BOUND_P99_MS;
const whyFailed = (phase: PhaseResult) => (phase.invalid.length ? phase.invalid.join('; ') : `p99 ${fmt(phase.latency.p99)} ms`);

const phasesOf = (plan: Plan, rates: number[]) => [{ rate: 100, seconds: plan.warmupSeconds, warmup: true }, ...rates.map((rate) => ({ rate, seconds: plan.seconds }))];

/** Runs a warm-up and then `rates` in order until one fails, against a started target it leaves running. */
function climb(started: Started, plan: Plan, rates: number[]): Promise<PhaseResult[]> {
  return runLoad(started, { pairs: plan.pairs, phases: phasesOf(plan, rates), maxLagMs: MAX_LAG_MS, drainMs: plan.drainMs, stopAboveP99Ms: BOUND_P99_MS });
}

/** Stage 1's steps: the ramp's phases up to and including the first failing one (the generator ran no later ones). */
function rampSteps(phases: PhaseResult[], fresh: boolean): Step[] {
  const failing = phases.findIndex((phase) => !passes(phase));
  return phases.slice(0, failing < 0 ? phases.length : failing + 1).map((phase) => ({ rate: phase.rate, passed: passes(phase), fresh, phase }));
}

/**
 * A step whose only fault was the generator falling behind measured nothing about the target: on 2 shared cores a
 * stall of the generator's process (another process, a GC) is enough. It gets one more try on a fresh start.
 */
const reasons = (phase: PhaseResult) => phase.invalid.flatMap((why) => why.replace(/^the warm-up was invalid: /, '').split('; '));
const lagged = (phase: PhaseResult) => reasons(phase).some((why) => why.startsWith('generator'));
const onlyLagged = (phase: PhaseResult) => phase.invalid.length > 0 && reasons(phase).every((why) => why.startsWith('generator')) && phase.latency.p99 < BOUND_P99_MS;

/** A fresh start of `target` for `rates` (a ramp's rest, or one bisection step), stopped afterwards. */
async function climbFresh(target: Target, plan: Plan, rates: number[], cpuProfDir?: string): Promise<Step[]> {
  return rampSteps(await climb(await startTarget(target, cpuProfDir), plan, rates).finally(stopTargets), true);
}

/**
 * Stage 2: retries a step that only lagged (at most `plan.lagRetries` times), then bisects between the last pass and
 * the first failure, each step on a freshly started target.
 */
async function refine(target: Target, plan: Plan, ramp: Step[], cpuProfDir?: string): Promise<Ceiling> {
  const steps = [...ramp];
  let retries = plan.lagRetries;
  const last = steps.at(-1);
  if (last && onlyLagged(last.phase) && retries-- > 0) {
    log(`(f) ${TARGET_NAMES[target]}: ${last.rate} msg/s failed only by the generator's lag; the ramp goes on from it on a fresh start`);
    last.retried = true;
    steps.push(...(await climbFresh(target, plan, plan.ramp.filter((rate) => rate >= last.rate), cpuProfDir)));
  }
  let passed = steps.findLast((step) => step.passed)?.rate ?? null;
  let failed = steps.findLast((step) => !step.passed && !step.retried)?.rate ?? null;
  for (let i = 0; i < plan.bisections && passed !== null && failed !== null && failed / passed > 1.1; i++) {
    const rate = Math.round(Math.sqrt(passed * failed) / 50) * 50;
    if (rate <= passed || rate >= failed) break;
    log(`(f) ${TARGET_NAMES[target]}: between ${passed} and ${failed} msg/s, trying ${rate} on a fresh start`);
    let [step] = await climbFresh(target, plan, [rate], cpuProfDir);
    if (onlyLagged(step!.phase) && retries-- > 0) {
      steps.push({ ...step!, retried: true });
      [step] = await climbFresh(target, plan, [rate], cpuProfDir);
    }
    steps.push(step!);
    if (step!.passed) passed = rate;
    else failed = rate;
  }
  return { passed, failed, steps };
}

/** The step that set `failed` (not one that was tried again). */
const failure = (ceiling: Ceiling) => ceiling.steps.find((step) => step.rate === ceiling.failed && !step.passed && !step.retried)?.phase;

/** "2000", "≥ 16000" (never failed: the steps ran out) or "< 250" (the first step failed). */
function describe(ceiling: Ceiling, plan: Plan): string {
  if (ceiling.passed === null) return `< ${plan.ramp[0]}`;
  return ceiling.failed === null ? `≥ ${ceiling.passed}` : String(ceiling.passed);
}

export async function scenarioCeiling(options: BenchOptions): Promise<Section> {
  const plan: Plan = options.quick
    ? { pairs: 50, ramp: [2000], seconds: 0.75, warmupSeconds: 0.5, bisections: 0, lagRetries: 0, drainMs: 1000 }
    : { pairs: 1000, ramp: [250, 500, 1000, 2000, 4000, 8000, 16000], seconds: 5, warmupSeconds: 2, bisections: 2, lagRetries: 2, drainMs: 2000 };
  // B0 is cheap but its ceiling is the generator's; --quick leaves it out to stay within its share of the 60 s.
  const targets: Target[] = options.quick ? ['socketio', 'parley'] : ['ws', 'socketio', 'parley'];
  // The ramps' targets start at once (an idle one costs nothing measurable); their generators then run one at a time.
  const started = await Promise.all(targets.map((target) => startTarget(target, options.cpuProfDir)));
  const ramps: Step[][] = [];
  try {
    for (const [i, target] of targets.entries()) {
      log(`(f) ${TARGET_NAMES[target]}: ${plan.pairs} pairs, ${plan.seconds} s steps up ${plan.ramp.join(', ')} msg/s until p99 ≥ ${BOUND_P99_MS} ms or a loss`);
      ramps.push(rampSteps(await climb(started[i]!, plan, plan.ramp), false));
    }
  } finally {
    await stopTargets();
  }
  const ceilings: Partial<Record<Target, Ceiling>> = {};
  for (const [i, target] of targets.entries()) ceilings[target] = await refine(target, plan, ramps[i]!, options.cpuProfDir);
  const header = ['target', 'ceiling/s', 'p50 ms', 'p99', 'ack p99', 'lag max', 'P1 ÷ this', 'failed at/s', 'steps', 'why it failed'];
  const rows: string[][] = [];
  for (const target of targets) {
    const ceiling = ceilings[target]!;
    const atCeiling = ceiling.steps.find((step) => step.passed && step.rate === ceiling.passed)?.phase;
    const firstFail = failure(ceiling);
    const p1 = ceilings.parley?.passed;
    rows.push([
      TARGET_NAMES[target]!, describe(ceiling, plan),
      atCeiling ? fmt(atCeiling.latency.p50) : '-', atCeiling ? fmt(atCeiling.latency.p99) : '-', atCeiling?.ack ? fmt(atCeiling.ack.p99) : '-', atCeiling ? fmt(atCeiling.maxLagMs) : '-',
      target !== 'parley' && p1 && ceiling.passed ? `${(p1 / ceiling.passed).toFixed(2)}×` : '',
      ceiling.failed === null ? '-' : String(ceiling.failed), ceiling.steps.map((step) => `${step.rate}${step.passed ? '✓' : step.retried ? '⟳' : '✗'}`).join(' '),
      firstFail ? whyFailed(firstFail) : '-',
    ]);
  }
  return {
    title: `(f) the ceiling: highest 1:1 rate with recipients' p99 < ${BOUND_P99_MS} ms and nothing lost, ${plan.pairs} pairs, ${plan.seconds} s per step (ramp ×2, then ${plan.bisections} bisection steps on fresh starts); ✓ passed, ✗ failed, ⟳ only the generator lagged: tried again on a fresh start`,
    header,
    rows,
    // A failing step is what a ceiling search looks for, not an invalid measurement.
    invalid: false,
    figures: { boundP99Ms: BOUND_P99_MS, plan, ceilings },
    notes: targetNotes(ceilings, plan),
  };
}

function targetNotes(ceilings: Partial<Record<Target, Ceiling>>, plan: Plan): string[] {
  const p1 = ceilings.parley;
  const b1 = ceilings.socketio;
  const notes: string[] = [];
  if (p1 && b1) {
    const verdict = (() => {
      if (p1.passed === null) return 'MISSED (P1 failed its first step)';
      if (b1.passed === null) return 'met (B1 failed its first step)';
      const ratio = p1.passed / b1.passed;
      // A B1 that never failed has an unknown, higher ceiling: the ratio is then an upper bound.
      if (b1.failed === null) return ratio >= TARGET_RATIO ? `${ratio.toFixed(2)}× at most (B1 never failed within the steps): not shown` : `${ratio.toFixed(2)}× at most: MISSED`;
      return `${ratio.toFixed(2)}×: ${ratio >= TARGET_RATIO ? 'met' : 'MISSED'}`;
    })();
    notes.push(`target (f) P1 ceiling ≥ ${TARGET_RATIO}× B1's in the same run: P1 ${describe(p1, plan)}, B1 ${describe(b1, plan)} msg/s: ${verdict}`);
  }
  if (p1) {
    const met = p1.passed !== null && p1.passed >= TARGET_PERSISTED_RATE;
    notes.push(`target (f) P1 ≥ ${TARGET_PERSISTED_RATE} msg/s persisted with ack after commit: P1 ${describe(p1, plan)} msg/s, every message acked and in Postgres at each passing step: ${met ? 'met' : 'MISSED'}`);
  }
  for (const [target, ceiling] of Object.entries(ceilings) as [Target, Ceiling][]) {
    const firstFail = failure(ceiling);
    // The target and the generator share 2 cores: a generator that fell behind may have been starved by the target
    // or may itself be the limit, and then the ceiling is the pair's, not the target's alone.
    if (firstFail && lagged(firstFail)) notes.push(`${TARGET_NAMES[target]} failed at ${ceiling.failed}/s with the generator behind schedule: this ceiling may be the generator's, not ${TARGET_NAMES[target]}'s alone`);
  }
  if (plan.bisections === 0) notes.push(`--quick: ${plan.ramp.length} step${plan.ramp.length === 1 ? "" : "s"} per target, no bisection; a ceiling is only known to lie between its last ✓ and first ✗`);
  return notes;
}
