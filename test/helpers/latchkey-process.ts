import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

const root = new URL('../..', import.meta.url).pathname;

/**
 * A real Latchkey server in its own process (src/main.ts through tsx), as production runs it: tests that are
 * about start-up, shutdown or several instances talk to it over HTTP and send it signals. The process gets the
 * test runner's environment plus `env`; `PORT` is chosen free when not given.
 */
export interface LatchkeyProcess {
  child: ChildProcess;
  port: number;
  url: string;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (null when a signal ended it). */
  exited: Promise<number | null>;
  /** SIGTERM, then the exit code; SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<number | null>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Starts the process and returns at once; `untilListening` waits for its start-up line. */
export async function spawnLatchkey(env: Record<string, string>): Promise<LatchkeyProcess> {
  const port = Number(env.PORT ?? (await freePort()));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    port,
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    exited,
    async stop(graceMs = 20_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Waits for the "Latchkey on <dialect> at" line; throws with the output if the process exits first. */
export async function untilListening(server: LatchkeyProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!/Latchkey on \w+ at/.test(server.output())) {
    if (server.child.exitCode !== null) throw new Error(`the server exited early (${server.child.exitCode}):\n${server.output()}`);
    if (Date.now() > deadline) throw new Error(`the server did not start within ${timeoutMs} ms:\n${server.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Spawns and waits until it listens; the common case. */
export async function startLatchkey(env: Record<string, string>): Promise<LatchkeyProcess> {
  const server = await spawnLatchkey(env);
  await untilListening(server);
  return server;
}
