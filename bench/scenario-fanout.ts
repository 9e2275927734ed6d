/** Scenario (c) of bench/README.md: not written yet. */
import type { BenchOptions, Section } from './table';

export async function scenarioFanout(options: BenchOptions): Promise<Section> {
  throw new Error(`scenario (c) is not written yet (quick: ${options.quick})`);
}
