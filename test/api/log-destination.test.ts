import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startLatchkey } from '../helpers/latchkey-process.js';

/** Request lines of one path in a process's output. */
function requestLines(output: string, path: string): unknown[] {
  return output
    .split('\n')
    .filter((line) => line.includes('"request completed"'))
    .map((line) => JSON.parse(line) as { req: { path: string } })
    .filter((line) => line.req.path === path);
}

describe('log lines written in blocks to standard output', () => {
  it('a line shows up while the server runs, without waiting for a full block, and a stop writes every line', async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'latchkey-log-'));
    t.after(() => rmSync(dataDir, { recursive: true, force: true }));
    const server = await startLatchkey({ LATCHKEY_DATA_DIR: dataDir, LOG_LEVEL: 'info', LATCHKEY_DASHBOARD_DIR: join(dataDir, 'none') });
    t.after(() => server.child.kill('SIGKILL'));

    // One short line is far below a block; the flush timer writes it anyway, within a fraction of a second.
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    const deadline = Date.now() + 5000;
    while (requestLines(server.output(), '/healthz').length === 0) {
      assert.ok(Date.now() < deadline, `the request line did not appear:\n${server.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    // Many lines at once, then an immediate stop: none may be lost in the buffer.
    const sent = 300;
    await Promise.all(Array.from({ length: sent }, () => fetch(`${server.url}/readyz`).then((r) => r.arrayBuffer())));
    assert.equal(await server.stop(), 0, server.output());
    assert.equal(requestLines(server.output(), '/readyz').length, sent);
    assert.match(server.output(), /shutting down/);
  });
});
