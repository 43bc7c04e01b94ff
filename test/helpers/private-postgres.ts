import { spawnSync } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './latchkey-process.js';

/**
 * A PostgreSQL cluster of the test's own, in a temporary folder on a free port, that the test may stop, freeze
 * and restart: fault tests must never touch the shared server. As root, the server runs as the `postgres` user,
 * since PostgreSQL refuses to run as root.
 */
export interface PrivatePostgres {
  url: string;
  /** `pg_ctl stop`: fast terminates sessions, immediate kills the server without a shutdown checkpoint. */
  stop(mode: 'fast' | 'immediate'): void;
  start(): void;
  /** SIGSTOP to the postmaster and every backend: connections stay open and nothing answers. */
  freeze(): void;
  thaw(): void;
  destroy(): void;
}

/** Why a private cluster cannot be made here, or null when it can. */
export function privatePostgresProblem(): string | null {
  if (!findBin()) {
    const where = process.env.LATCHKEY_TEST_PG_BIN ? `in LATCHKEY_TEST_PG_BIN (${process.env.LATCHKEY_TEST_PG_BIN})` : 'under /usr/lib/postgresql/*/bin';
    return `no initdb and pg_ctl ${where}: install the PostgreSQL server package or set LATCHKEY_TEST_PG_BIN`;
  }
  if (process.getuid?.() === 0 && spawnSync('id', ['-u', 'postgres']).status !== 0) return 'running as root and there is no postgres user to run the server as';
  return null;
}

function findBin(): string | null {
  const chosen = process.env.LATCHKEY_TEST_PG_BIN;
  if (chosen) return existsSync(join(chosen, 'initdb')) && existsSync(join(chosen, 'pg_ctl')) ? chosen : null;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const bin = join(root, version, 'bin');
    if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'))) return bin;
  }
  return null;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = findBin();
  if (!bin) throw new Error(privatePostgresProblem() ?? 'no PostgreSQL binaries');
  const asRoot = process.getuid?.() === 0;
  const folder = mkdtempSync(join(tmpdir(), 'lk-pg-'));
  const data = join(folder, 'data');
  const log = join(folder, 'server.log');
  if (asRoot) {
    const ids = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gids = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    chownSync(folder, Number(ids.stdout.trim()), Number(gids.stdout.trim()));
  }
  const run = (command: string, args: string[]) => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, command), ...args]] : [join(bin, command), args];
    const result = spawnSync(file, argv as string[], { encoding: 'utf8', timeout: 60_000 });
    if (result.status !== 0) {
      const serverLog = existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : '';
      throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr || result.stdout}\n${serverLog}`);
    }
  };
  const port = await freePort();
  run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
  // Settings in the file rather than on pg_ctl's command line, so a restart gets them too.
  const conf = join(data, 'postgresql.conf');
  appendFileSync(
    conf,
    [`port = ${port}`, `listen_addresses = '127.0.0.1'`, `unix_socket_directories = '${folder}'`, 'fsync = off', 'full_page_writes = off', 'synchronous_commit = off', 'shared_buffers = 16MB', 'max_connections = 40', ''].join('\n'),
  );
  const start = () => run('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '30', 'start']);
  start();
  let frozen: number[] = [];
  const processes = (): number[] => {
    const postmaster = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const children = readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .filter((pid) => {
        try {
          // Field 4 of /proc/<pid>/stat is the parent pid; the command name (field 2) is in parentheses.
          const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
          return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster;
        } catch {
          return false;
        }
      })
      .map(Number);
    return [postmaster, ...children];
  };
  const cluster: PrivatePostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: (mode) => run('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '30', 'stop']),
    start,
    freeze() {
      frozen = processes();
      for (const pid of frozen) process.kill(pid, 'SIGSTOP');
    },
    thaw() {
      for (const pid of frozen) {
        try {
          process.kill(pid, 'SIGCONT');
        } catch {
          // already gone
        }
      }
      frozen = [];
    },
    destroy() {
      cluster.thaw();
      if (existsSync(join(data, 'postmaster.pid'))) {
        try {
          run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
        } catch {
          // the folder goes anyway
        }
      }
      rmSync(folder, { recursive: true, force: true });
    },
  };
  return cluster;
}
