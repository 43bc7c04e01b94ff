import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { FC_SEED } from '../helpers/fc-seed.js';
import { addOrganization, addProject, createKey, declarePermissions, storedKey } from '../helpers/key-fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

const DAY = 86_400_000;
const SEED = FC_SEED;
const API = ['tests:read', 'tests:write', 'tests:admin', 'reports:read', 'reports:write', 'reports:daily:read', 'reports:daily:write', 'deploy'];
const MANAGEMENT = ['latchkey:keys:read', 'latchkey:keys:write', 'latchkey:keys:verify'];
const WILDCARDS = ['*', 'tests:*', 'reports:*', 'reports:daily:*', 'latchkey:*'];
const LEVELS: Record<string, number> = { read: 1, write: 2, admin: 3 };

/**
 * The rule written out independently of the domain code: a wildcard is granted only by `*` or a wildcard above
 * it; a name by an equal name, a wildcard above it, or a higher access level beneath the same prefix.
 */
function grants(grant: string, wanted: string): boolean {
  if (grant === '*' || grant === wanted) return true;
  if (wanted === '*') return false;
  if (grant.endsWith(':*')) return wanted.startsWith(grant.slice(0, -1));
  if (wanted.endsWith(':*')) return false;
  const [g, w] = [grant.split(':'), wanted.split(':')];
  const [gl, wl] = [LEVELS[g.pop()!], LEVELS[w.pop()!]];
  return gl !== undefined && wl !== undefined && g.join(':') === w.join(':') && gl >= wl;
}

const permissionSet = fc.array(fc.constantFrom(...API, ...MANAGEMENT, ...WILDCARDS), { minLength: 1, maxLength: 5 });
const projectSet = fc.option(fc.uniqueArray(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 3 }), { nil: null, freq: 3 });
const expiry = fc.option(fc.integer({ min: 1, max: 120 }), { nil: null, freq: 3 });
// Every parent range holds 127.0.0.1, the address tests call from, so the parent itself can authenticate.
const parentRanges = fc.constantFrom<string[] | null>(null, null, ['127.0.0.0/8'], ['127.0.0.0/16', '10.0.0.0/8'], ['127.0.0.1']);
const childRanges = fc.constantFrom<string[] | null>(
  null, ['127.0.0.0/8'], ['127.0.0.0/24'], ['127.0.0.1'], ['127.0.0.1/32', '10.1.0.0/16'], ['10.0.0.0/8', '127.0.0.0/16'], ['0.0.0.0/0'], ['128.0.0.0/8'],
);
type Credits = { remaining: number; refillAmount?: number; refillIntervalMs?: number } | null;
const credits: fc.Arbitrary<Credits> = fc.option(
  fc.record(
    { remaining: fc.constantFrom(5, 50, 500), refillAmount: fc.constantFrom(10, 100), refillIntervalMs: fc.constantFrom(60_000, 3_600_000) },
    { requiredKeys: ['remaining'] },
  ).map((c) => (c.refillAmount === undefined || c.refillIntervalMs === undefined ? { remaining: c.remaining } : c)),
  { nil: null, freq: 2 },
);
type Rate = { limit: number; windowMs: number } | null;
const rate: fc.Arbitrary<Rate> = fc.option(fc.record({ limit: fc.constantFrom(5, 50), windowMs: fc.constantFrom(1000, 60_000) }), { nil: null, freq: 2 });
const parent = fc.record({ permissions: permissionSet, projects: projectSet, expiryDays: expiry, ipRanges: parentRanges, credits, rateLimit: rate });
type Parent = { permissions: string[]; projects: number[] | null; expiryDays: number | null; ipRanges: string[] | null; credits: Credits; rateLimit: Rate };
type ChildExpiry = { days: number | null; body: Record<string, unknown> };

// Children name their expiry in every way the API allows, including a preset and an explicit "never".
const anyExpiry: fc.Arbitrary<ChildExpiry> = fc.oneof(
  fc.constant({ days: null, body: {} }),
  fc.constant({ days: null, body: { expiresIn: 'never' } }),
  fc.constant({ days: 30, body: { expiresIn: '30d' } }),
  fc.constant({ days: 90, body: { expiresIn: '90d' } }),
  fc.integer({ min: 1, max: 120 }).map((d) => ({ days: d, body: { expiryDays: d } })),
);
const anyChild = fc.record({ permissions: permissionSet, projects: projectSet, expiry: anyExpiry, ipRanges: childRanges, credits, rateLimit: rate });

/** A child drawn mostly from within its parent, so that allowed requests are as common as refused ones. */
function childOf(p: Parent) {
  const held = [...p.permissions, 'latchkey:keys:write'];
  const covered = [...API, ...MANAGEMENT, ...WILDCARDS].filter((u) => held.some((g) => grants(g, u)));
  return fc.record({
    permissions: fc.array(fc.constantFrom(...covered), { minLength: 1, maxLength: 4 }),
    projects: p.projects === null ? projectSet : fc.subarray(p.projects, { minLength: 1 }),
    expiry:
      p.expiryDays === null
        ? anyExpiry
        : fc.integer({ min: 1, max: p.expiryDays }).map((d): ChildExpiry => ({ days: d, body: { expiryDays: d } })),
    ipRanges: p.ipRanges === null ? childRanges : fc.constantFrom(p.ipRanges, ['127.0.0.1']),
    credits: p.credits === null ? credits : fc.constant({ remaining: p.credits.remaining }),
    rateLimit: p.rateLimit === null ? rate : fc.constant(p.rateLimit),
  });
}

const family = fc.oneof(
  fc.tuple(parent, anyChild),
  parent.chain((p) => fc.tuple(fc.constant(p), childOf(p))),
);

const permissionsWithin = (held: string[], wanted: string[]) => wanted.every((r) => held.some((g) => grants(g, r)));
const projectsWithin = (held: number[] | null, wanted: number[] | null) => held === null || (wanted !== null && wanted.every((id) => held.includes(id)));
const expiryWithin = (held: number | null, wanted: number | null) => held === null || (wanted !== null && wanted <= held);

// IPv4 only, which is all the generators produce: [first, last] address of a range as numbers.
function span(range: string): [number, number] {
  const [address, bits = '32'] = range.split('/');
  const value = address!.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
  const size = 2 ** (32 - Number(bits));
  const first = Math.floor(value / size) * size;
  return [first, first + size - 1];
}
const rangesWithin = (held: string[] | null, wanted: string[] | null) =>
  held === null ||
  (wanted !== null && wanted.every((w) => held.some((h) => span(h)[0] <= span(w)[0] && span(w)[1] <= span(h)[1])));
const creditsWithin = (held: Credits, wanted: Credits) => {
  if (held === null) return true;
  if (wanted === null || wanted.remaining > held.remaining) return false;
  if (wanted.refillAmount === undefined) return true;
  return held.refillAmount !== undefined && wanted.refillAmount <= held.refillAmount && wanted.refillIntervalMs! >= held.refillIntervalMs!;
};
const rateWithin = (held: Rate, wanted: Rate) => held === null || (wanted !== null && wanted.limit <= held.limit && wanted.windowMs >= held.windowMs);
const limitsWithin = (held: Parent, wanted: { ipRanges: string[] | null; credits: Credits; rateLimit: Rate }) =>
  rangesWithin(held.ipRanges, wanted.ipRanges) && creditsWithin(held.credits, wanted.credits) && rateWithin(held.rateLimit, wanted.rateLimit);
/** fast-check's records have no prototype; compare them as the JSON they are sent as. */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const limitsBody = (l: { ipRanges: string[] | null; credits: Credits; rateLimit: Rate }) => ({ ipRanges: l.ipRanges, credits: l.credits, rateLimit: l.rateLimit });

async function orgKeyCount(h: TestApp): Promise<number> {
  return (await h.storage.repos.keys.list({ orgId: h.orgId, kind: 'org_key', now: h.clock.now(), limit: 10_000 })).length;
}

for (const database of TEST_DATABASES) {
  describe(`${database}: no credential grants more than it holds (property)`, () => {
    it('creating a key: within the parent it is 201 with exactly what was asked; beyond it, 403 PERMISSION_ESCALATION and no row', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      await declarePermissions(h, API);
      const projects = [await addProject(h, 'p0'), await addProject(h, 'p1'), await addProject(h, 'p2')];
      const at = (days: number) => new Date(h.clock.now() + days * DAY).toISOString();
      let n = 0;
      let allowed = 0;

      await fc.assert(
        fc.asyncProperty(family, async ([p, c]) => {
          n++;
          const holder = await createKey(h, {
            name: `parent ${n}`,
            permissions: [...p.permissions, 'latchkey:keys:write'],
            projectIds: p.projects === null ? null : p.projects.map((i) => projects[i]),
            ...(p.expiryDays === null ? {} : { expiresAt: at(p.expiryDays) }),
            ...limitsBody(p),
          });
          const before = await orgKeyCount(h);
          const { expiryDays, ...expiryBody } = c.expiry.body as { expiryDays?: number };
          const body = {
            name: `child ${n}`,
            permissions: c.permissions,
            projectIds: c.projects === null ? null : c.projects.map((i) => projects[i]),
            ...expiryBody,
            ...(expiryDays === undefined ? {} : { expiresAt: at(expiryDays) }),
            ...limitsBody(c),
          };
          const response = await h.call('POST', '/v1/keys', holder.secret, body);
          // A restricted parent cannot even tell that a project outside its own exists: such ids are unknown.
          const hidden = p.projects !== null && c.projects !== null && !projectsWithin(p.projects, c.projects);
          const expected =
            permissionsWithin([...p.permissions, 'latchkey:keys:write'], c.permissions) &&
            projectsWithin(p.projects, c.projects) &&
            expiryWithin(p.expiryDays, c.expiry.days) &&
            limitsWithin(p, c);
          if (hidden) {
            assert.equal(response.statusCode, 400, response.body);
            assert.equal(response.json().error.code, 'UNKNOWN_PROJECT');
            assert.equal(await orgKeyCount(h), before);
          } else if (expected) {
            allowed++;
            assert.equal(response.statusCode, 201, response.body);
            const stored = await h.storage.repos.keys.findById(h.orgId, response.json().id);
            assert.deepEqual(stored?.permissions, [...new Set(c.permissions)]);
            assert.deepEqual(stored?.projectIds, c.projects === null ? null : c.projects.map((i) => projects[i]).sort());
            assert.equal(stored?.expiresAt, c.expiry.days === null ? null : h.clock.now() + c.expiry.days * DAY);
            assert.deepEqual([stored?.ipRanges, stored?.rateLimit, stored?.credits?.remaining ?? null], plain([c.ipRanges, c.rateLimit, c.credits?.remaining ?? null]));
            assert.equal(await orgKeyCount(h), before + 1);
          } else {
            assert.equal(response.statusCode, 403, `${JSON.stringify(p)} -> ${JSON.stringify(body)}: ${response.body}`);
            assert.equal(response.json().error.code, 'PERMISSION_ESCALATION');
            assert.equal(await orgKeyCount(h), before);
          }
        }),
        { numRuns: 80, seed: SEED },
      );
      // The generators must exercise both outcomes, or the property proves little.
      assert.ok(allowed > 5 && allowed < n - 5, `${allowed} of ${n} allowed`);
      // The owner key, every parent, and only the children that were allowed.
      const created = await h.storage.repos.audit.list({ orgId: h.orgId, action: 'key.created', limit: 1000 });
      assert.equal(created.length, 1 + n + allowed);
    });

    it('updating a key: permissions and projects can only narrow; anything wider is 403 and leaves the key as it was', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      await declarePermissions(h, API);
      const projects = [await addProject(h, 'p0'), await addProject(h, 'p1'), await addProject(h, 'p2')];
      let n = 0;
      await fc.assert(
        fc.asyncProperty(family, async ([p, c]) => {
          n++;
          const key = await createKey(h, {
            name: `key ${n}`,
            permissions: p.permissions,
            projectIds: p.projects === null ? null : p.projects.map((i) => projects[i]),
          });
          const before = await h.storage.repos.keys.findById(h.orgId, key.id);
          const response = await h.call('PATCH', `/v1/keys/${key.id}`, h.ownerKey, {
            permissions: c.permissions,
            projectIds: c.projects === null ? null : c.projects.map((i) => projects[i]),
          });
          // The owner key holds everything, so only the key's own grant bounds the change.
          const expected = permissionsWithin(p.permissions, c.permissions) && projectsWithin(p.projects, c.projects);
          const after = await h.storage.repos.keys.findById(h.orgId, key.id);
          if (expected) {
            assert.equal(response.statusCode, 200, response.body);
            assert.deepEqual(after?.permissions, [...new Set(c.permissions)]);
          } else {
            assert.equal(response.statusCode, 403, `${JSON.stringify(p)} -> ${JSON.stringify(c)}: ${response.body}`);
            assert.equal(response.json().error.code, 'PERMISSION_ESCALATION');
            assert.deepEqual(after, before);
          }
        }),
        { numRuns: 60, seed: SEED },
      );
    });

    it('updating limits: a limited caller sets IP ranges, credits and rate limits only within its own, on itself or another key', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      let n = 0;
      let allowed = 0;
      await fc.assert(
        fc.asyncProperty(family, fc.boolean(), async ([p, c], self) => {
          n++;
          const caller = await createKey(h, { name: `caller ${n}`, permissions: ['*'], ...limitsBody(p) });
          // The other key holds exactly the caller's limits, so the caller may act on it and only the change counts.
          const target = self ? caller : await createKey(h, { name: `target ${n}`, permissions: ['latchkey:keys:read'], ...limitsBody(p) });
          const before = await h.storage.repos.keys.findById(h.orgId, target.id);
          const response = await h.call('PATCH', `/v1/keys/${target.id}`, caller.secret, limitsBody(c));
          const after = await h.storage.repos.keys.findById(h.orgId, target.id);
          if (limitsWithin(p, c)) {
            allowed++;
            assert.equal(response.statusCode, 200, `${JSON.stringify(p)} -> ${JSON.stringify(c)}: ${response.body}`);
            assert.deepEqual([after?.ipRanges, after?.rateLimit, after?.credits?.remaining ?? null], plain([c.ipRanges, c.rateLimit, c.credits?.remaining ?? null]));
          } else {
            assert.equal(response.statusCode, 403, `${JSON.stringify(p)} -> ${JSON.stringify(c)}: ${response.body}`);
            assert.equal(response.json().error.code, 'PERMISSION_ESCALATION');
            assert.deepEqual(after, before);
          }
        }),
        { numRuns: 60, seed: SEED },
      );
      assert.ok(allowed > 5 && allowed < n - 5, `${allowed} of ${n} allowed`);
    });
  });

  describe(`${database}: no credential grants more than it holds (fixed cases)`, () => {
    it('a project-restricted key cannot mint an all-projects key: 403 PERMISSION_ESCALATION, nothing stored', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const p1 = await addProject(h, 'p1');
      const restricted = await createKey(h, { name: 'restricted', permissions: ['latchkey:keys:write', 'latchkey:keys:read'], projectIds: [p1] });
      const before = await orgKeyCount(h);
      for (const projectIds of [null, undefined]) {
        const response = await h.call('POST', '/v1/keys', restricted.secret, { name: 'everywhere', permissions: ['latchkey:keys:read'], ...(projectIds === null ? { projectIds } : {}) });
        assert.equal(response.statusCode, 403, response.body);
        assert.deepEqual([response.json().error.code, response.json().error.details], ['PERMISSION_ESCALATION', { projects: 'all' }]);
      }
      assert.equal(await orgKeyCount(h), before);
    });

    it("a project-restricted key cannot tell another project from an id that does not exist, on create and update", async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const [mine, theirs] = [await addProject(h, 'mine'), await addProject(h, 'theirs')];
      const other = await addOrganization(h, 'Other');
      const elsewhere = await h.call('POST', '/v1/projects', other.ownerKey, { name: 'elsewhere' });
      const restricted = await createKey(h, { name: 'restricted', permissions: ['latchkey:keys:write', 'latchkey:keys:read'], projectIds: [mine] });
      const child = await createKey(h, { name: 'child', projectIds: [mine] }, restricted.secret);
      const random = 'prj_00000000000000000000';
      const answers = [];
      for (const id of [theirs, elsewhere.json().id, random]) {
        for (const [method, url, body] of [
          ['POST', '/v1/keys', { name: `k ${id}`, permissions: ['latchkey:keys:read'], projectIds: [mine, id] }],
          ['PATCH', `/v1/keys/${child.id}`, { projectIds: [id] }],
        ] as const) {
          const response = await h.call(method, url, restricted.secret, body);
          assert.equal(response.statusCode, 400, response.body);
          const { requestId: _, ...error } = response.json().error;
          assert.deepEqual(error.details, { projectIds: [id] });
          answers.push({ method, ...error, details: null });
        }
      }
      // Exactly the same answer, apart from the id named.
      assert.deepEqual(answers.slice(2), [...answers.slice(0, 2), ...answers.slice(0, 2)]);
      assert.equal(await orgKeyCount(h), 3);
      assert.deepEqual((await storedKey(h, child.id))?.projectIds, [mine]);
    });

    it('an IP-limited, credited or rate-limited key cannot mint a child without that limit, nor lift it from itself', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      const cases = [
        { limit: { ipRanges: ['127.0.0.0/8'] }, looser: [{}, { ipRanges: null }, { ipRanges: ['0.0.0.0/0'] }], within: { ipRanges: ['127.0.0.1'] } },
        { limit: { credits: { remaining: 10 } }, looser: [{}, { credits: null }, { credits: { remaining: 11 } }, { credits: { remaining: 5, refillAmount: 5, refillIntervalMs: 60_000 } }], within: { credits: { remaining: 10 } } },
        { limit: { rateLimit: { limit: 10, windowMs: 60_000 } }, looser: [{}, { rateLimit: null }, { rateLimit: { limit: 11, windowMs: 60_000 } }, { rateLimit: { limit: 10, windowMs: 1000 } }], within: { rateLimit: { limit: 1, windowMs: 60_000 } } },
      ];
      for (const [i, { limit, looser, within }] of cases.entries()) {
        const holder = await createKey(h, { name: `holder ${i}`, permissions: ['latchkey:keys:write', 'latchkey:keys:read'], ...limit });
        const stored = await storedKey(h, holder.id);
        const before = await orgKeyCount(h);
        for (const [j, body] of looser.entries()) {
          const created = await h.call('POST', '/v1/keys', holder.secret, { name: `child ${i} ${j}`, permissions: ['latchkey:keys:read'], ...body });
          assert.equal(created.statusCode, 403, `${JSON.stringify(body)}: ${created.body}`);
          assert.equal(created.json().error.code, 'PERMISSION_ESCALATION');
          if (Object.keys(body).length === 0) continue;
          const lifted = await h.call('PATCH', `/v1/keys/${holder.id}`, holder.secret, body);
          assert.equal(lifted.statusCode, 403, `${JSON.stringify(body)}: ${lifted.body}`);
          assert.equal(lifted.json().error.code, 'PERMISSION_ESCALATION');
        }
        assert.equal(await orgKeyCount(h), before);
        assert.deepEqual(await storedKey(h, holder.id), stored);
        const ok = await h.call('POST', '/v1/keys', holder.secret, { name: `child ${i} ok`, permissions: ['latchkey:keys:read'], ...within });
        assert.equal(ok.statusCode, 201, ok.body);
      }
    });
  });
}
