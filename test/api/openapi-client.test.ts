import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import { createTestApp } from '../helpers/test-app.js';
import { TEST_DATABASES } from '../helpers/test-databases.js';

const root = new URL('../..', import.meta.url).pathname;
const run = promisify(execFile);

/** A client as an SDK user would write it: only the generated types and openapi-fetch, no Latchkey code. */
const CLIENT = `import createClient from 'openapi-fetch';
import type { components, paths } from './latchkey-api.js';

type VerifyCode = components['schemas']['VerifyResult']['code'];
type KeyStatus = components['schemas']['Key']['status'];

const client = createClient<paths>({ baseUrl: process.env.LATCHKEY_URL!, headers: { authorization: \`Bearer \${process.env.LATCHKEY_OWNER_KEY!}\` } });

const created = await client.POST('/v1/keys', { body: { name: 'from the generated client', permissions: ['latchkey:keys:read'], environment: 'test' } });
if (!created.data) throw new Error(\`create: \${created.response.status} \${JSON.stringify(created.error)}\`);
const id: string = created.data.id;
const secret: string = created.data.secret;

const listed = await client.GET('/v1/keys', { params: { query: { limit: 10, status: 'active' } } });
if (!listed.data) throw new Error(\`list: \${listed.response.status}\`);
const listedIds: string[] = listed.data.items.map((key) => key.id);

const verified = await client.POST('/v1/keys/verify', { body: { key: secret, permissions: 'latchkey:keys:read' } });
if (!verified.data) throw new Error(\`verify: \${verified.response.status}\`);
const before: VerifyCode = verified.data.code;

const revoked = await client.POST('/v1/keys/{id}/revoke', { params: { path: { id } } });
if (!revoked.data) throw new Error(\`revoke: \${revoked.response.status}\`);
const status: KeyStatus = revoked.data.status;

const again = await client.POST('/v1/keys/verify', { body: { key: secret } });
const after: VerifyCode | undefined = again.data?.code;

const missing = await client.GET('/v1/keys/{id}', { params: { path: { id: 'key_00000000000000000000' } } });
const errorCode: components['schemas']['Error']['error']['code'] | undefined = missing.error?.error.code;

console.log(JSON.stringify({ id, secretStart: secret.slice(0, 8), listedIds, before, status, after, valid: again.data?.valid, missing: missing.response.status, errorCode }));
`;

/** Must not type-check: a misspelt field, a wrong enum value, an unknown path. */
const WRONG = `import createClient from 'openapi-fetch';
import type { paths } from './latchkey-api.js';

const client = createClient<paths>({ baseUrl: 'http://127.0.0.1' });
await client.POST('/v1/keys', { body: { nmae: 'x', permissions: [] } });
await client.GET('/v1/keys', { params: { query: { status: 'paused' } } });
await client.GET('/v1/keyz');
`;

const TSCONFIG = {
  compilerOptions: {
    strict: true,
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2023', 'DOM'],
    types: ['node'],
    noEmit: true,
    // The generated types are a .ts file, so they are checked; only installed packages' declarations are skipped.
    skipLibCheck: true,
  },
};

for (const database of TEST_DATABASES) {
  describe(`${database}: a client generated from GET /openapi.json`, () => {
    it('type-checks, and creates, lists, verifies and revokes a key against a real server on a port', async (t) => {
      const h = await createTestApp(database);
      t.after(() => h.close());
      await h.app.listen({ port: 0, host: '127.0.0.1' });
      const url = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;

      const document = (await (await fetch(`${url}/openapi.json`)).json()) as Parameters<typeof openapiTS>[0];
      const dir = mkdtempSync(join(tmpdir(), 'latchkey-client-'));
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      // The client resolves openapi-fetch, TypeScript and Node's types from the project, as an SDK user's would from theirs.
      symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
      writeFileSync(join(dir, 'latchkey-api.ts'), astToString(await openapiTS(document)));
      writeFileSync(join(dir, 'client.ts'), CLIENT);
      writeFileSync(join(dir, 'wrong.ts'), WRONG);
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ ...TSCONFIG, files: ['client.ts'] }));
      writeFileSync(join(dir, 'tsconfig.wrong.json'), JSON.stringify({ ...TSCONFIG, files: ['wrong.ts'] }));
      const tsc = join(root, 'node_modules/typescript/bin/tsc');

      const [checked, refused] = await Promise.all([
        run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: dir }).then(
          () => '',
          (error: { stdout?: string }) => error.stdout ?? String(error),
        ),
        run(process.execPath, [tsc, '-p', 'tsconfig.wrong.json'], { cwd: dir }).then(
          () => '',
          (error: { stdout?: string }) => error.stdout ?? '',
        ),
      ]);
      assert.equal(checked, '', 'the client should type-check against the generated types');
      assert.match(refused, /wrong\.ts\(5,.*'nmae'/, 'a misspelt body field must not type-check');
      assert.match(refused, /wrong\.ts\(6,.*"paused"/, 'a status outside the registry must not type-check');
      assert.match(refused, /wrong\.ts\(7,/, 'an unknown path must not type-check');

      const { stdout } = await run(process.execPath, ['--import', 'tsx', 'client.ts'], {
        cwd: dir,
        env: { ...process.env, LATCHKEY_URL: url, LATCHKEY_OWNER_KEY: h.ownerKey },
      });
      const out = JSON.parse(stdout.trim()) as Record<string, unknown> & { id: string; listedIds: string[] };
      assert.equal(out.secretStart, `${h.config.keyPrefix}_test_`);
      assert.ok(out.listedIds.includes(out.id), 'the new key is listed');
      assert.equal(out.before, 'VALID');
      assert.equal(out.status, 'revoked');
      assert.equal(out.after, 'REVOKED');
      assert.equal(out.valid, false);
      assert.equal(out.missing, 404);
      assert.equal(out.errorCode, 'NOT_FOUND');

      // What the client did is what is stored.
      const owner = await h.latchkey.authenticator.fromKey(h.ownerKey, '127.0.0.1', false);
      const stored = await h.latchkey.keys.get(owner, out.id);
      assert.notEqual(stored.revokedAt, null);
      assert.equal(stored.name, 'from the generated client');
    });
  });
}
