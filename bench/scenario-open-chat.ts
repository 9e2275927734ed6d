/** Scenario (d) of bench/README.md: not written yet. */
import type { BenchOptions, Section } from './table';

export async function scenarioOpenChat(options: BenchOptions): Promise<Section> {
  throw new Error(`scenario (d) is not written yet (quick: ${options.quick})`);
}
