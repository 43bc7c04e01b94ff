import { fork } from 'node:child_process';

/**
 * Runs a measuring script in a fresh process and returns what it reports. A fresh process holds only what a
 * server holding the data would: none of the seeding garbage, sample secrets or other database's leftovers
 * of the benchmark process, which would otherwise show up as GC pauses and memory.
 */
export function runChild<Request, Report>(script: string, request: Request, execArgv: string[] = []): Promise<Report> {
  const child = fork(new URL(script, import.meta.url).pathname, [], { execArgv: ['--import', 'tsx', ...execArgv], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (message) => {
      const m = message as { report?: Report; error?: string };
      if (m.report) resolve(m.report);
      else reject(new Error(`${script} failed: ${m.error}`));
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with code ${code}`)));
    child.send(request as object);
  });
}

/** The child's side: answer the parent's one request, then exit. */
export function serveParent<Request, Report>(measure: (request: Request) => Promise<Report>): void {
  process.once('message', (message) => {
    measure(message as Request).then(
      (report) => process.send?.({ report }, () => process.exit(0)),
      (error: unknown) => process.send?.({ error: error instanceof Error ? error.stack : String(error) }, () => process.exit(1)),
    );
  });
}
