import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { CONFIG_VARIABLES } from '../../src/config/config-variables.js';
import { loadConfig } from '../../src/config/load-config.js';

const root = new URL('../..', import.meta.url).pathname;

/** The rows of the first table in a Markdown file whose first cell is a `VARIABLE`. */
function variableRows(path: string): { names: string[]; defaultCell: string }[] {
  return readFileSync(`${root}${path}`, 'utf8')
    .split('\n')
    .filter((line) => /^\| `[A-Z][A-Z0-9_]*`/.test(line))
    .map((line) => {
      const cells = line.split('|').map((cell) => cell.trim());
      return { names: [...cells[1]!.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]!), defaultCell: cells[2]!.replaceAll('`', '') };
    });
}

/** Every name the loader looks up in the environment, whether or not it is in the table. */
function variablesRead(): string[] {
  const read = new Set<string>();
  const env = new Proxy({} as NodeJS.ProcessEnv, {
    get(_target, name) {
      if (typeof name === 'string') read.add(name);
      return undefined;
    },
    has(_target, name) {
      if (typeof name === 'string') read.add(name);
      return false;
    },
  });
  loadConfig(env);
  return [...read].sort();
}

describe('docs/configuration.md and the configuration loader', () => {
  const rows = variableRows('docs/configuration.md');

  test('every variable the loader reads is documented, and every documented variable is read', () => {
    const documented = rows.flatMap((row) => row.names).sort();
    assert.deepEqual(documented, variablesRead());
    // Every entry of the table is read (a variable read elsewhere, as token formats may be, is covered above).
    for (const name of Object.keys(CONFIG_VARIABLES)) assert.ok(documented.includes(name), `${name} is in the table but not documented`);
  });

  test('each documented default is the loader’s default', () => {
    for (const row of rows) {
      for (const name of row.names.filter((n) => n in CONFIG_VARIABLES)) {
        assert.equal(row.defaultCell, CONFIG_VARIABLES[name as keyof typeof CONFIG_VARIABLES].default, `default of ${name}`);
      }
    }
  });

  test('the README’s table names only variables the loader reads', () => {
    const names = variableRows('README.md').flatMap((row) => row.names);
    assert.ok(names.length > 5);
    for (const name of names) assert.ok(name in CONFIG_VARIABLES, `README names ${name}`);
  });
});
