import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EMPTY_ADVANCED, isCidrShaped, parseAdvanced, parseCount } from '../../dashboard/src/pages/advanced-key-values.js';
import { parseExpiryDate, tomorrowInputValue } from '../../dashboard/src/pages/key-expiry.js';

// The create and edit dialogs send nothing while any of these report an error; the browser tests cover the wiring.
describe('dashboard: key form values', () => {
  it('turns filled advanced options into the request fields', () => {
    const { errors, body } = parseAdvanced({
      ...EMPTY_ADVANCED,
      rateLimit: '100',
      rateWindowSeconds: '60',
      creditsRemaining: '500',
      refillAmount: '500',
      refillInterval: '1',
      refillUnit: 'days',
      ipRanges: '10.0.0.0/8\n 2001:db8::/32 ,192.168.1.7',
      metadata: '{"team": "billing"}',
    });
    assert.deepEqual(errors, {});
    assert.deepEqual(body, {
      rateLimit: { limit: 100, windowMs: 60_000 },
      credits: { remaining: 500, refillAmount: 500, refillIntervalMs: 86_400_000 },
      ipRanges: ['10.0.0.0/8', '2001:db8::/32', '192.168.1.7'],
      metadata: { team: 'billing' },
    });
  });

  it('leaves empty options as null', () => {
    assert.deepEqual(parseAdvanced(EMPTY_ADVANCED), { errors: {}, body: { rateLimit: null, credits: null, ipRanges: null, metadata: null } });
  });

  it('names the field of every bad value', () => {
    const { errors } = parseAdvanced({
      ...EMPTY_ADVANCED,
      rateLimit: '-3',
      rateWindowSeconds: '0',
      creditsRemaining: '',
      refillAmount: '5',
      ipRanges: '10.0.0.0/33\nnot-an-ip',
      metadata: '[1, 2]',
    });
    assert.deepEqual(Object.keys(errors).sort(), ['creditsRemaining', 'ipRanges', 'metadata', 'rateLimit', 'rateWindowSeconds']);
    assert.match(errors.ipRanges!, /10\.0\.0\.0\/33, not-an-ip/);
    assert.match(errors.metadata!, /JSON object/);
    assert.match(parseAdvanced({ ...EMPTY_ADVANCED, metadata: '{bad' }).errors.metadata!, /not valid JSON/);
    assert.match(parseAdvanced({ ...EMPTY_ADVANCED, creditsRemaining: '5', refillAmount: '5', refillInterval: '30', refillUnit: 'minutes' }).errors.refillInterval ?? 'none', /none/);
    assert.match(parseAdvanced({ ...EMPTY_ADVANCED, creditsRemaining: '5', refillAmount: '5', refillInterval: '0.5', refillUnit: 'minutes' }).errors.refillInterval!, /at least 1 minute/);
  });

  it('checks counts and IP range shapes', () => {
    assert.equal(parseCount('42', 'Limit'), 42);
    assert.equal(typeof parseCount('4.2', 'Limit'), 'string');
    assert.equal(typeof parseCount('0', 'Limit'), 'string');
    assert.equal(parseCount('0', 'Credits', 0), 0);
    for (const ok of ['10.0.0.0/8', '192.168.0.1', '::1', '2001:db8::/32', '0.0.0.0/0']) assert.ok(isCidrShaped(ok), ok);
    for (const bad of ['', '10.0.0.0/8/1', '256.0.0.1', '10.0.0/8', '1::2::3', 'fe80::/129', 'example.com']) assert.ok(!isCidrShaped(bad), bad);
  });

  it('accepts an expiry date only when it lies ahead', () => {
    const now = new Date(2026, 10, 22, 15, 30).getTime();
    assert.equal(tomorrowInputValue(new Date(now)), '2026-11-23');
    assert.deepEqual(parseExpiryDate('2026-11-23', now), { iso: new Date(2026, 10, 23).toISOString() });
    assert.ok('error' in parseExpiryDate('2026-11-22', now));
    assert.ok('error' in parseExpiryDate('', now));
    assert.ok('error' in parseExpiryDate('22/11/2027', now));
  });
});
