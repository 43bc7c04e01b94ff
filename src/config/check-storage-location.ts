import { accessSync, constants, existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ConfigError } from './config-error.js';
import type { Config } from './load-config.js';

/** Kernel file systems: SQLite on them fails in odd ways or blocks for ever instead of answering an error. */
const SYSTEM_FOLDERS = ['/proc', '/sys', '/dev'];

const ACCEPTS = 'a folder this user can write (or create), outside /proc, /sys and /dev';

function nearestExisting(path: string): string {
  let current = path;
  while (!existsSync(current)) current = dirname(current);
  return current;
}

function checkFolder(folder: string, variable: string, shown: string): void {
  const fail = (problem: string): never => {
    throw new ConfigError(variable, shown, ACCEPTS, problem);
  };
  const existing = nearestExisting(folder);
  // Through symlinks, so /tmp/link-to-proc is caught too; before any other I/O on the path.
  const real = join(realpathSync(existing), relative(existing, folder));
  if (SYSTEM_FOLDERS.some((system) => real === system || real.startsWith(`${system}/`))) fail(`is under ${real.split('/').slice(0, 2).join('/')}`);
  if (!statSync(existing).isDirectory()) fail(existing === folder ? 'is not a folder' : `cannot be created: ${existing} is not a folder`);
  try {
    accessSync(existing, constants.W_OK | constants.X_OK);
  } catch {
    fail(existing === folder ? `is not writable by this user (uid ${process.getuid?.() ?? '?'})` : `cannot be created: ${existing} is not writable by this user (uid ${process.getuid?.() ?? '?'})`);
  }
}

/**
 * At start, before storage opens: SQLite's folder (LATCHKEY_DATA_DIR, or the folder of a sqlite: DATABASE_URL) must
 * exist or be creatable, be writable, and not lie on a kernel file system. PostgreSQL needs no folder.
 */
export function checkStorageLocation(config: Pick<Config, 'databaseUrl' | 'dataDir'>): void {
  const url = config.databaseUrl;
  if (url === undefined) {
    checkFolder(config.dataDir, 'LATCHKEY_DATA_DIR', JSON.stringify(config.dataDir));
    return;
  }
  if (!url.startsWith('sqlite:')) return;
  const file = url.slice('sqlite:'.length);
  if (file === '' || file === ':memory:') return;
  checkFolder(dirname(resolve(file)), 'DATABASE_URL', JSON.stringify(url));
}
