import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryRateLimiter } from '../../src/adapters/in-process/memory-rate-limiter.js';

const BUDGET = { limit: 2, windowMs: 60_000 };

describe('MemoryRateLimiter.reserve', () => {
  it('grants at most the budget, synchronously, and a release gives back only its own attempt once', () => {
    const limiter = new MemoryRateLimiter();
    const now = 120_000;
    const a = limiter.reserve('ip:1', BUDGET, now);
    const b = limiter.reserve('ip:1', BUDGET, now);
    const c = limiter.reserve('ip:1', BUDGET, now);
    assert.deepEqual([a.decision.allowed, b.decision.allowed, c.decision.allowed], [true, true, false]);
    assert.equal(c.decision.remaining, 0);
    assert.equal(c.decision.resetAt, 180_000);
    c.release();
    assert.equal(limiter.reserve('ip:1', BUDGET, now).decision.allowed, false, 'a refused reservation gives nothing back');
    a.release();
    a.release();
    assert.equal(limiter.reserve('ip:1', BUDGET, now).decision.allowed, true, 'one release, one attempt');
    assert.equal(limiter.reserve('ip:1', BUDGET, now).decision.allowed, false, 'a second release of the same attempt gives nothing');
    assert.equal(limiter.reserve('ip:2', BUDGET, now).decision.allowed, true, 'buckets are separate');
  });

  it('a release after the window moved on does not credit the new window', () => {
    const limiter = new MemoryRateLimiter();
    const early = limiter.reserve('ip:1', BUDGET, 0);
    limiter.reserve('ip:1', BUDGET, 60_000);
    limiter.reserve('ip:1', BUDGET, 60_000);
    early.release();
    assert.equal(limiter.reserve('ip:1', BUDGET, 60_000).decision.allowed, false);
  });
});
