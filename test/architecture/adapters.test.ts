import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';

/**
 * The layout is the architecture, so it is checked: adapters are chosen and constructed in one place, ports
 * depend on nothing but the domain, and the domain on nothing but itself.
 */
const root = resolve(new URL('../..', import.meta.url).pathname);
const COMPOSITION = 'src/adapters/create-adapters.ts';
const ADAPTER_TESTS = 'test/adapters/';

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;

/** Every module specifier a text imports or re-exports, statically or dynamically. */
function specifiersIn(text: string): string[] {
  return [...text.matchAll(IMPORT)].map((match) => (match[1] ?? match[2] ?? match[3])!);
}

function importsOf(file: string): string[] {
  return specifiersIn(readFileSync(join(root, file), 'utf8'));
}

/** A relative import as a path from the repository root (without extension); a package name as itself. */
function target(file: string, specifier: string): string {
  if (!specifier.startsWith('.')) return specifier;
  return relative(root, resolve(root, dirname(file), specifier)).replace(/\.(js|ts|tsx)$/, '');
}

function packageName(specifier: string): string {
  const parts = specifier.replace(/^node:/, '').split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

const src = sourceFiles('src');
const scanned = [...src, ...sourceFiles('test'), ...sourceFiles('bench')];
const adapterClasses = src
  .filter((file) => file.startsWith('src/adapters/'))
  .flatMap((file) => [...readFileSync(join(root, file), 'utf8').matchAll(/export\s+class\s+(\w+)/g)].map((m) => m[1]!));

describe('architecture: ports and adapters', () => {
  it('finds the adapter classes it guards (a scan that finds none would pass vacuously)', () => {
    for (const name of ['LruKeyCache', 'LocalInvalidationBus', 'MemoryRateLimiter', 'BufferedUsageRecorder']) assert.ok(adapterClasses.includes(name), name);
  });

  it(`constructs adapters only in ${COMPOSITION} (and in their own unit tests under ${ADAPTER_TESTS})`, () => {
    const offenders: string[] = [];
    const construction = new RegExp(`\\bnew\\s+(${adapterClasses.join('|')})\\b`, 'g');
    for (const file of scanned) {
      if (file === COMPOSITION || file.startsWith(ADAPTER_TESTS)) continue;
      for (const match of readFileSync(join(root, file), 'utf8').matchAll(construction)) offenders.push(`${file}: new ${match[1]}`);
    }
    assert.deepEqual(offenders, []);
  });

  it('imports adapter modules only from src/adapters itself and the adapters’ unit tests', () => {
    const offenders = scanned
      .filter((file) => !file.startsWith('src/adapters/') && !file.startsWith(ADAPTER_TESTS))
      .flatMap((file) => importsOf(file).map((specifier) => ({ file, to: target(file, specifier) })))
      .filter(({ to }) => to.startsWith('src/adapters/') && to !== COMPOSITION.replace(/\.ts$/, ''))
      .map(({ file, to }) => `${file} imports ${to}`);
    assert.deepEqual(offenders, []);
  });

  it('ports depend on the domain only, by type', () => {
    const offenders: string[] = [];
    for (const file of src.filter((f) => f.startsWith('src/ports/'))) {
      const text = readFileSync(join(root, file), 'utf8');
      for (const specifier of importsOf(file)) {
        const to = target(file, specifier);
        if (!to.startsWith('src/domain/') && !to.startsWith('src/ports/')) offenders.push(`${file} imports ${to}`);
      }
      for (const line of text.split('\n').filter((l) => /^import\s/.test(l) && !/^import\s+type\s/.test(l))) offenders.push(`${file}: ${line}`);
    }
    assert.deepEqual(offenders, []);
  });
});

describe('architecture: the domain', () => {
  const FORBIDDEN_LAYERS = ['src/server/', 'src/storage/', 'src/services/', 'src/adapters/', 'src/config/', 'src/cli/'];
  const DRIVERS = new Set(['fastify', 'kysely', 'pg', 'better-sqlite3', 'ioredis']);
  const isDriver = (name: string) => DRIVERS.has(name) || name.startsWith('@fastify/');

  it('imports nothing from the server, storage, services, adapters or configuration, and no driver', () => {
    const domain = src.filter((f) => f.startsWith('src/domain/'));
    assert.ok(domain.length > 10, 'the scan sees the domain folder');
    const offenders = domain.flatMap((file) =>
      importsOf(file)
        .filter((specifier) => {
          const to = target(file, specifier);
          return FORBIDDEN_LAYERS.some((layer) => to.startsWith(layer)) || (!specifier.startsWith('.') && isDriver(packageName(specifier)));
        })
        .map((specifier) => `${file} imports ${specifier}`),
    );
    assert.deepEqual(offenders, []);
  });

  it('the import scan sees what it must refuse', () => {
    // Guards the regular expression: each form below must be found, or the checks above could never fail.
    const sample = "import { a } from '../server/x.js';\nimport type { B } from \"kysely\";\nexport * from './y.js';\nimport './side-effect.js';\nconst m = await import('pg');";
    assert.deepEqual(specifiersIn(sample), ['../server/x.js', 'kysely', './y.js', './side-effect.js', 'pg']);
  });
});
