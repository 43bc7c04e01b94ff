/** Latency summary of a series of per-operation timings, in milliseconds. */
export interface LatencySummary {
  n: number;
  /** Set when a time budget stopped the series before all `planned` operations ran. */
  planned?: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  maxMs: number;
}

export function summarize(samplesMs: readonly number[], planned = samplesMs.length): LatencySummary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  const mean = sorted.reduce((sum, v) => sum + v, 0) / Math.max(1, sorted.length);
  return {
    n: sorted.length,
    ...(planned > sorted.length ? { planned } : {}),
    p50Ms: round(at(0.5)),
    p99Ms: round(at(0.99)),
    meanMs: round(mean),
    maxMs: round(sorted[sorted.length - 1] ?? 0),
  };
}

export interface TimeOptions<T> {
  /** Runs before each operation, outside the timing. */
  before?: (input: T) => void;
  /** Stops early once this much time has gone, so one pathological series cannot eat the whole run. */
  budgetSeconds?: number;
}

/** Runs `op` once per input and times each call on its own, so percentiles describe single operations. */
export async function timeEach<T>(inputs: readonly T[], op: (input: T, index: number) => unknown, options: TimeOptions<T> = {}): Promise<number[]> {
  const samples: number[] = [];
  const deadline = options.budgetSeconds === undefined ? Number.POSITIVE_INFINITY : performance.now() + options.budgetSeconds * 1000;
  for (let i = 0; i < inputs.length && performance.now() < deadline; i++) {
    options.before?.(inputs[i]!);
    const start = process.hrtime.bigint();
    await op(inputs[i]!, i);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return samples;
}

export function round(value: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function pick<T>(items: readonly T[], count: number, random: () => number = Math.random): T[] {
  const out: T[] = [];
  for (let i = 0; i < count; i++) out.push(items[Math.floor(random() * items.length)]!);
  return out;
}

/** Distinct random picks (partial Fisher–Yates on a copy). */
export function sample<T>(items: readonly T[], count: number): T[] {
  const copy = [...items];
  const n = Math.min(count, copy.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(Math.random() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, n);
}
