/**
 * `npm run bench [-- --quick] [--json [file]]`: runs the scenarios of bench/README.md, each target and each load
 * generator in its own process on 127.0.0.1, stops everything (also on Ctrl-C and on errors), and prints one table
 * per scenario. `--json [file]` writes the figures (default bench-results/latest.json, gitignored). Exits 2 if any
 * measurement was invalid, unless --smoke (npm test's quick run: it proves the benchmark runs, asserts no figure). Overrides: --scenarios b,… --pairs N, --rates 250,500, --seconds S,
 * --targets ws,socketio,parley; --cpu-prof profiles Parley's servers.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Target } from './load';
import { log, provideServices, REDIS_URL, stopAll } from './processes';
import { scenarioCeiling } from './scenario-ceiling';
import { scenarioChats, scenarioCrossInstance } from './scenario-chats';
import { scenarioFanout } from './scenario-fanout';
import { scenarioIdle } from './scenario-idle';
import { scenarioOpenChat } from './scenario-open-chat';
import { formatSection, type BenchOptions, type Section } from './table';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const smoke = args.includes('--smoke');
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const jsonIndex = args.indexOf('--json');
const jsonFile = jsonIndex < 0 ? null : args[jsonIndex + 1] && !args[jsonIndex + 1]!.startsWith('--') ? args[jsonIndex + 1]! : 'bench-results/latest.json';
const cpuProfDir = args.includes('--cpu-prof') ? 'bench-results/profiles' : undefined;

const benchOptions: BenchOptions = { quick, cpuProfDir, option };

// The whole run's bound: a stuck child can never hang it.
const RUN_BUDGET_MS = quick ? 90_000 : 1_800_000;

/** Each scenario by its letter in the issue; run in this order. */
const SCENARIOS: Record<string, () => Promise<Section>> = {
  a: () => scenarioIdle(benchOptions),
  // 2,000 connected users; --quick uses 100 pairs (200 users) to fit in 60 s.
  b: () =>
    scenarioChats({
      pairs: Number(option('--pairs') ?? (quick ? 100 : 1000)),
      rates: (option('--rates')?.split(',') ?? (quick ? [500] : [250, 500, 1000, 2000])).map(Number),
      seconds: Number(option('--seconds') ?? (quick ? 1 : 15)),
      warmupSeconds: quick ? 0.5 : 3,
      targets: (option('--targets')?.split(',') ?? ['ws', 'socketio', 'parley']) as Target[],
      cpuProfDir,
    }),
  c: () => scenarioFanout(benchOptions),
  d: () => scenarioOpenChat(benchOptions),
  e: () => (REDIS_URL ? scenarioCrossInstance(benchOptions) : Promise.resolve(skipped('(e) cross-instance delivery', 'REDIS_URL is not set'))),
  f: () => scenarioCeiling(benchOptions),
};

/** A scenario that could not run here: printed as such, never as figures. */
const skipped = (title: string, why: string): Section => ({ title: `${title}: SKIPPED (${why})`, header: [], rows: [], invalid: false, figures: { skipped: why } });

async function main() {
  const began = Date.now();
  const chosen = option('--scenarios')?.split(',') ?? Object.keys(SCENARIOS);
  const unknown = chosen.filter((name) => !SCENARIOS[name]);
  if (unknown.length) throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${Object.keys(SCENARIOS).join(', ')}`);
  const budget = setTimeout(() => {
    log(`over the ${RUN_BUDGET_MS} ms budget: stopping`);
    void stopAll().then(() => process.exit(1));
  }, RUN_BUDGET_MS);
  await provideServices();
  const sections: Section[] = [];
  for (const name of chosen) {
    const started = Date.now();
    sections.push(await SCENARIOS[name]!());
    log(`(${name}) done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  await stopAll();
  clearTimeout(budget);
  process.stdout.write(`\n${sections.map(formatSection).join('\n\n')}\n(${((Date.now() - began) / 1000).toFixed(1)} s)\n`);
  if (jsonFile) {
    fs.mkdirSync(path.dirname(jsonFile), { recursive: true });
    const figures = Object.fromEntries(sections.map((section, i) => [chosen[i], { title: section.title, figures: section.figures }]));
    fs.writeFileSync(jsonFile, `${JSON.stringify({ at: new Date().toISOString(), quick, scenarios: figures }, null, 2)}\n`);
    log(`figures written to ${jsonFile}`);
  }
  if (cpuProfDir) log(`CPU profiles of Parley's servers are in ${cpuProfDir}/`);
  // --smoke (npm test): the run must work end to end, but on a shared machine a late phase is no failure.
  process.exitCode = sections.some((section) => section.invalid) && !smoke ? 2 : 0;
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
