// Statistics for the benchmarks: median, percentiles, rates and timing, with no dependencies.

/** The value below which `p` percent of the samples fall (nearest-rank on sorted samples). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new Error('percentile of no samples');
  if (p < 0 || p > 100) throw new Error(`percentile ${p} is outside 0..100`);
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? Number.NaN;
}

/** The middle sample (the mean of the two middle ones for an even count). */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) throw new Error('median of no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const upper = sorted[mid] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? Number.NaN) + upper) / 2;
}

export function p99(samples: readonly number[]): number {
  return percentile(samples, 99);
}

export interface Summary {
  readonly count: number;
  readonly median: number;
  readonly p99: number;
  readonly min: number;
  readonly max: number;
}

export function summarize(samples: readonly number[]): Summary {
  return {
    count: samples.length,
    median: median(samples),
    p99: p99(samples),
    min: Math.min(...samples),
    max: Math.max(...samples),
  };
}

/** Milliseconds since an arbitrary origin, sub-millisecond resolution. */
export function now(): number {
  return performance.now();
}

/** Runs `fn` and returns how long it took in milliseconds. */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = now();
  await fn();
  return now() - start;
}

/** Items per second for `count` items done in `ms` milliseconds. */
export function perSecond(count: number, ms: number): number {
  return ms > 0 ? (count * 1000) / ms : Number.POSITIVE_INFINITY;
}

/** Fails loudly when a measured loop would run longer than planned (every loop here is bounded). */
export function deadline(ms: number, what: string): () => void {
  const end = Date.now() + ms;
  return () => {
    if (Date.now() > end) throw new Error(`${what} did not finish within ${Math.round(ms / 1000)} s`);
  };
}

/** Rounds for display: 3 significant digits below 100, whole numbers above. */
export function round(value: number): number {
  if (!Number.isFinite(value)) return value;
  if (Math.abs(value) >= 100) return Math.round(value);
  return Number(value.toPrecision(3));
}
