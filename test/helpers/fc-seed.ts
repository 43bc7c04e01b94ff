import type fc from 'fast-check';

const DEFAULT_SEED = 20261201;

function seedFrom(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_SEED;
  const seed = Number(value);
  if (!Number.isSafeInteger(seed)) throw new Error(`LATCHKEY_FC_SEED must be an integer, not ${JSON.stringify(value)}`);
  return seed | 0;
}

/**
 * The seed of every fast-check property in the suite: fixed, so a run that passes passes again and a property
 * that catches a mutant catches it every time, not half the time. LATCHKEY_FC_SEED=<n> explores other cases;
 * a failure report from fast-check names the seed and path that replay it.
 */
export const FC_SEED = seedFrom(process.env.LATCHKEY_FC_SEED);

console.log(`fast-check seed ${FC_SEED}${FC_SEED === DEFAULT_SEED ? ' (the default; set LATCHKEY_FC_SEED to change it)' : ' (from LATCHKEY_FC_SEED)'}`);

/** Parameters for fc.assert: the shared seed plus whatever the property sets itself (numRuns, …). */
export function fcParams<T>(params: fc.Parameters<T> = {}): fc.Parameters<T> {
  return { ...params, seed: FC_SEED };
}
