import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * `npm run screenshots`: runs the browser tests with their screenshots going to docs/screenshots/ instead of the
 * ignored test-results/screenshots/, so the docs' pictures change only when someone asks for it. Extra arguments
 * narrow the run to some test files, as with `npm test`.
 */
const root = new URL('../..', import.meta.url).pathname;
const files = process.argv.slice(2);
const result = spawnSync(process.execPath, ['--import', 'tsx', 'test/run-tests.ts', ...(files.length > 0 ? files : ['test/e2e/'])], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, LATCHKEY_TEST_SCREENSHOTS: join(root, 'docs', 'screenshots'), LATCHKEY_TEST_REQUIRE_BROWSER: '1', LATCHKEY_TEST_DATABASES: 'sqlite' },
});
process.exit(result.status ?? 1);
