import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { addProject, createKey, declarePermissions } from '../helpers/key-fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

const DAY = 86_400_000;
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
const parent = fc.record({ permissions: permissionSet, projects: projectSet, expiryDays: expiry });
type Parent = { permissions: string[]; projects: number[] | null; expiryDays: number | null };
type ChildExpiry = { days: number | null; body: Record<string, unknown> };

// Children name their expiry in every way the API allows, including a preset and an explicit "never".
const anyExpiry: fc.Arbitrary<ChildExpiry> = fc.oneof(
  fc.constant({ days: null, body: {} }),
  fc.constant({ days: null, body: { expiresIn: 'never' } }),
  fc.constant({ days: 30, body: { expiresIn: '30d' } }),
  fc.constant({ days: 90, body: { expiresIn: '90d' } }),
  fc.integer({ min: 1, max: 120 }).map((d) => ({ days: d, body: { expiryDays: d } })),
);
const anyChild = fc.record({ permissions: permissionSet, projects: projectSet, expiry: anyExpiry });

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
  });
}

const family = fc.oneof(
  fc.tuple(parent, anyChild),
  parent.chain((p) => fc.tuple(fc.constant(p), childOf(p))),
);

const permissionsWithin = (held: string[], wanted: string[]) => wanted.every((r) => held.some((g) => grants(g, r)));
const projectsWithin = (held: number[] | null, wanted: number[] | null) => held === null || (wanted !== null && wanted.every((id) => held.includes(id)));
const expiryWithin = (held: number | null, wanted: number | null) => held === null || (wanted !== null && wanted <= held);

async function orgKeyCount(h: TestApp): Promise<number> {
  return (await h.storage.repos.keys.list({ orgId: h.orgId, kind: 'org', now: h.clock.now(), limit: 10_000 })).length;
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
          });
          const before = await orgKeyCount(h);
          const { expiryDays, ...expiryBody } = c.expiry.body as { expiryDays?: number };
          const body = {
            name: `child ${n}`,
            permissions: c.permissions,
            projectIds: c.projects === null ? null : c.projects.map((i) => projects[i]),
            ...expiryBody,
            ...(expiryDays === undefined ? {} : { expiresAt: at(expiryDays) }),
          };
          const response = await h.call('POST', '/v1/keys', holder.secret, body);
          const expected =
            permissionsWithin([...p.permissions, 'latchkey:keys:write'], c.permissions) &&
            projectsWithin(p.projects, c.projects) &&
            expiryWithin(p.expiryDays, c.expiry.days);
          if (expected) {
            allowed++;
            assert.equal(response.statusCode, 201, response.body);
            const stored = await h.storage.repos.keys.findById(h.orgId, response.json().id);
            assert.deepEqual(stored?.permissions, [...new Set(c.permissions)]);
            assert.deepEqual(stored?.projectIds, c.projects === null ? null : c.projects.map((i) => projects[i]).sort());
            assert.equal(stored?.expiresAt, c.expiry.days === null ? null : h.clock.now() + c.expiry.days * DAY);
            assert.equal(await orgKeyCount(h), before + 1);
          } else {
            assert.equal(response.statusCode, 403, `${JSON.stringify(p)} -> ${JSON.stringify(body)}: ${response.body}`);
            assert.equal(response.json().error.code, 'PERMISSION_ESCALATION');
            assert.equal(await orgKeyCount(h), before);
          }
        }),
        { numRuns: 80 },
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
        { numRuns: 60 },
      );
    });
  });
}
