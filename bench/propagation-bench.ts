import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { startCluster } from '../test/helpers/latchkey-cluster.js';
import type { LatchkeyProcess } from '../test/helpers/latchkey-process.js';
import { type LatencySummary, summarize } from './stats.js';

export interface PropagationBenchResult {
  mode: 'postgres' | 'postgres+redis';
  revocations: number;
  /** From sending the revocation to A until B (and C) first answered REVOKED, polled in a tight loop meanwhile. */
  untilRevokedOnB: LatencySummary;
  untilRevokedOnC: LatencySummary;
  /** The revocation's response time on A with B and C live (it waits for their acknowledgements). */
  revokeResponse: LatencySummary;
  /** The same on A alone (B and C stopped), the baseline for the added latency. */
  revokeResponseAlone: LatencySummary;
  addedP50Ms: number;
}

/**
 * BENCH_ONLY=propagation: three real Latchkey processes on a PostgreSQL database of their own (and, with Redis, a
 * key prefix of their own). For each revocation on A, B and C are polled over HTTP from the moment it is sent.
 */
export async function benchPropagation(mode: PropagationBenchResult['mode'], o: { revocations: number; redisUrl: string; log: (line: string) => void }): Promise<PropagationBenchResult> {
  const prefix = `lk-bench-${randomBytes(4).toString('hex')}:`;
  const cluster = await startCluster(3, {
    LOG_LEVEL: 'info',
    LATCHKEY_INSTANCE_HEARTBEAT_MS: '1000',
    ...(mode === 'postgres+redis' ? { REDIS_URL: o.redisUrl, LATCHKEY_REDIS_PREFIX: prefix } : {}),
  });
  try {
    const [A, B, C] = cluster.instances as [LatchkeyProcess, LatchkeyProcess, LatchkeyProcess];
    const owner = cluster.ownerKey;
    const verify = async (on: LatchkeyProcess, secret: string) => (await cluster.call(on, 'POST', '/v1/keys/verify', owner, { key: secret })).json.code as string;
    const create = async (count: number) => {
      const keys: Array<{ id: string; secret: string }> = [];
      for (let i = 0; i < count; i += 10) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(10, count - i) }, (_, j) => cluster.call(A, 'POST', '/v1/keys', owner, { name: `bench ${i + j}`, permissions: ['latchkey:keys:read'] })),
        );
        for (const created of batch) {
          if (created.status !== 201) throw new Error(`creating a key failed: ${created.status}`);
          keys.push(created.json);
        }
      }
      return keys;
    };
    o.log(`  ${mode}: creating ${o.revocations} keys`);
    const keys = await create(o.revocations);
    for (const key of keys) {
      await verify(B, key.secret);
      await verify(C, key.secret);
    }
    const onB: number[] = [];
    const onC: number[] = [];
    const response: number[] = [];
    const untilRevoked = async (on: LatchkeyProcess, secret: string, sent: number) => {
      for (;;) {
        if ((await verify(on, secret)) === 'REVOKED') return performance.now() - sent;
      }
    };
    for (const key of keys) {
      const sent = performance.now();
      const [, b, c] = await Promise.all([
        cluster.call(A, 'POST', `/v1/keys/${key.id}/revoke`, owner).then((r) => {
          if (r.status !== 200) throw new Error(`revoke failed: ${r.status}`);
          response.push(performance.now() - sent);
        }),
        untilRevoked(B, key.secret, sent),
        untilRevoked(C, key.secret, sent),
      ]);
      onB.push(b);
      onC.push(c);
    }
    o.log(`  ${mode}: B and C stopped, revocations on A alone`);
    await B.stop();
    await C.stop();
    const alone = await create(Math.min(200, o.revocations));
    const responseAlone: number[] = [];
    for (const key of alone) {
      const sent = performance.now();
      const r = await cluster.call(A, 'POST', `/v1/keys/${key.id}/revoke`, owner);
      if (r.status !== 200) throw new Error(`revoke failed: ${r.status}`);
      responseAlone.push(performance.now() - sent);
    }
    const revokeResponse = summarize(response);
    const revokeResponseAlone = summarize(responseAlone);
    return {
      mode,
      revocations: keys.length,
      untilRevokedOnB: summarize(onB),
      untilRevokedOnC: summarize(onC),
      revokeResponse,
      revokeResponseAlone,
      addedP50Ms: Math.round((revokeResponse.p50Ms - revokeResponseAlone.p50Ms) * 1000) / 1000,
    };
  } finally {
    await cluster.destroy();
    if (mode === 'postgres+redis') {
      const redis = new Redis(o.redisUrl);
      redis.on('error', () => {});
      await redis.del(`${prefix}invalidations`).catch(() => {});
      redis.disconnect();
    }
  }
}
