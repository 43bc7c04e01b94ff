import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import pg from 'pg';

/**
 * `npm test`: finds every *.test.ts, decides which databases the storage tests run on, says so plainly, and
 * runs node's test runner. PostgreSQL is used when reachable; CI sets LATCHKEY_TEST_REQUIRE_POSTGRES=1 so a
 * missing PostgreSQL fails the run instead of quietly testing SQLite alone.
 */
const root = new URL('..', import.meta.url).pathname;

function findTests(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : findTests(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

async function postgresReachable(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

const url = process.env.LATCHKEY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const requested = process.env.LATCHKEY_TEST_DATABASES;
let databases = requested ? requested.split(',').map((s) => s.trim()) : ['sqlite', 'postgres'];
if (databases.includes('postgres')) {
  const problem = await postgresReachable(url);
  if (problem) {
    if (process.env.LATCHKEY_TEST_REQUIRE_POSTGRES === '1') {
      console.error(`PostgreSQL is required for this run but not reachable at ${url.replace(/\/\/[^@]*@/, '//***@')}: ${problem}`);
      process.exit(1);
    }
    console.warn(`\n!! PostgreSQL not reachable (${problem}); storage tests run on SQLite ONLY.\n`);
    databases = databases.filter((d) => d !== 'postgres');
  }
}

const filters = process.argv.slice(2);
const files = findTests(join(root, 'test'))
  .filter((f) => filters.length === 0 || filters.some((p) => f.includes(p)))
  .sort();
const browserFiles = files.filter((f) => f.includes(`${join('test', 'e2e')}/`));
const chromium = process.env.LATCHKEY_TEST_CHROMIUM ?? '/usr/bin/chromium';
let browserNote = 'none selected';
if (browserFiles.length > 0) {
  if (!existsSync(chromium)) {
    if (process.env.LATCHKEY_TEST_REQUIRE_BROWSER === '1') {
      console.error(`Browser tests are required for this run but there is no Chromium at ${chromium} (apt-get install chromium).`);
      process.exit(1);
    }
    browserNote = `SKIPPED: no Chromium at ${chromium}`;
    console.warn(`\n!! No Chromium at ${chromium}; the ${browserFiles.length} browser test files are SKIPPED (apt-get install chromium).\n`);
  } else {
    browserNote = `${browserFiles.length} files in ${chromium}`;
    // The browser tests drive the dashboard the server serves, so they need it built from the current source.
    const build = spawnSync('npm', ['run', '--silent', 'build:dashboard'], { cwd: root, stdio: 'inherit' });
    if (build.status !== 0) {
      console.error('The dashboard did not build; the browser tests cannot run.');
      process.exit(1);
    }
  }
}
console.log(`Latchkey tests: ${files.length} files; storage tests run on: ${databases.join(' and ')}; browser tests: ${browserNote}.`);
const result = spawnSync(
  process.execPath,
  // A test that hangs fails after 10 minutes instead of holding the whole run (CI has a deadline); no real
  // test comes near it.
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-timeout=600000', `--test-concurrency=${process.env.LATCHKEY_TEST_CONCURRENCY ?? '2'}`, ...files.map((f) => relative(root, f))],
  { cwd: root, stdio: 'inherit', env: { ...process.env, LATCHKEY_TEST_DATABASES: databases.join(','), LATCHKEY_TEST_POSTGRES_URL: url } },
);
console.log(`Storage tests ran on: ${databases.join(' and ')}. Browser tests: ${browserNote}.`);
process.exit(result.status ?? 1);
