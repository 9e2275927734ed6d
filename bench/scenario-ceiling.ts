/** Scenario (f) of bench/README.md: not written yet. */
import type { BenchOptions, Section } from './table';

export async function scenarioCeiling(options: BenchOptions): Promise<Section> {
  throw new Error(`scenario (f) is not written yet (quick: ${options.quick})`);
}
