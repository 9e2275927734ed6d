/** Scenario (a) of bench/README.md: not written yet. */
import type { BenchOptions, Section } from './table';

export async function scenarioIdle(options: BenchOptions): Promise<Section> {
  throw new Error(`scenario (a) is not written yet (quick: ${options.quick})`);
}
