/**
 * A small HDR-style histogram: values in microseconds, exact below 128 µs and within 1/64 (≈1.6 %) above,
 * in a fixed array of counts, so recording costs no allocation and two histograms merge by adding counts.
 * Percentiles report the highest value of their bucket (never flattering); max is exact.
 */
const SUB_BITS = 6;
const SUB = 1 << SUB_BITS;
const BUCKETS = 2 * SUB + 26 * SUB;

function indexOf(micros: number): number {
  if (micros < 2 * SUB) return micros;
  const shift = 31 - Math.clz32(micros) - SUB_BITS;
  return 2 * SUB + (shift - 1) * SUB + ((micros >>> shift) - SUB);
}

function highestOf(index: number): number {
  if (index < 2 * SUB) return index;
  const shift = Math.floor((index - 2 * SUB) / SUB) + 1;
  const mantissa = ((index - 2 * SUB) % SUB) + SUB;
  return ((mantissa + 1) << shift) - 1;
}

export type Summary = { count: number; p50: number; p95: number; p99: number; p999: number; max: number };

export class Histogram {
  readonly counts = new Float64Array(BUCKETS);
  count = 0;
  maxMicros = 0;

  /** Records a latency in milliseconds (negative clamps to 0; beyond ~18 h clamps to the last bucket). */
  record(ms: number): void {
    const micros = Math.min(Math.max(0, Math.round(ms * 1000)), 2 ** 31 - 1);
    this.counts[Math.min(indexOf(micros), BUCKETS - 1)]! += 1;
    this.count += 1;
    if (micros > this.maxMicros) this.maxMicros = micros;
  }

  /** The value (ms) at or below which `percent` of the recorded values lie. */
  percentile(percent: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil((percent / 100) * this.count));
    let seen = 0;
    for (let index = 0; index < BUCKETS; index++) {
      seen += this.counts[index]!;
      if (seen >= rank) return Math.min(highestOf(index), this.maxMicros) / 1000;
    }
    return this.maxMicros / 1000;
  }

  summary(): Summary {
    return {
      count: this.count,
      p50: this.percentile(50),
      p95: this.percentile(95),
      p99: this.percentile(99),
      p999: this.percentile(99.9),
      max: this.maxMicros / 1000,
    };
  }
}
