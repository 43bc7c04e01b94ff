import { createHash } from 'node:crypto';
import { DEFAULT_TOKEN_FORMAT, generateToken } from '../src/domain/token-format.js';
import { type LatencySummary, round, summarize } from './stats.js';

export interface HashBenchResult {
  /** Mean over a tight loop: the cost of the digest alone. */
  meanNsPerOp: number;
  /** Each digest timed on its own, the same way verifications are, so the two can be compared directly. */
  timedEach: LatencySummary;
}

/** The floor under any verification: one SHA-256 of a token with node:crypto. */
export function benchHash(ops: number): HashBenchResult {
  const tokens = Array.from({ length: 1000 }, () => generateToken(DEFAULT_TOKEN_FORMAT, 'live'));
  const digest = (token: string) => createHash('sha256').update(token).digest('base64url');
  for (let i = 0; i < 20_000; i++) digest(tokens[i % tokens.length]!);
  const started = process.hrtime.bigint();
  for (let i = 0; i < ops; i++) digest(tokens[i % tokens.length]!);
  const meanNsPerOp = Number(process.hrtime.bigint() - started) / ops;
  const each: number[] = [];
  for (let i = 0; i < 5000; i++) {
    const t = process.hrtime.bigint();
    digest(tokens[i % tokens.length]!);
    each.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return { meanNsPerOp: round(meanNsPerOp, 1), timedEach: summarize(each) };
}
