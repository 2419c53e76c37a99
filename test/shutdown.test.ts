// Graceful shutdown, in process and as `npm start` does it. Each step waits for the condition it
// needs (a request inside its handler, the listener refusing connections, a line on stdout, the
// process exiting), each wait bounded generously: a machine under load is slow, not wrong.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { baseUrl, startTestApp } from './helpers.ts';

/** Polls `check` every 50 ms until it holds; fails naming `what` after `timeoutMs`. */
async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const refused = (url: string) =>
  fetch(url, { signal: AbortSignal.timeout(10_000) }).then(
    () => false,
    () => true,
  );

describe('graceful shutdown', () => {
  it('finishes in-flight requests, reports not-ready, then stops accepting', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inHandler = new Promise<void>((r) => (entered = r));
    const t = await startTestApp({
      listen: true,
      routes: (app) => {
        app.get('/v1/test/slow', { config: { auth: 'public' }, schema: { hide: true } }, async () => {
          entered();
          await gate;
          return { finished: true };
        });
      },
    });
    const url = baseUrl(t);
    const inflight = fetch(`${url}/v1/test/slow`).then(async (r) => ({ status: r.status, body: await r.json() }));
    await inHandler;

    t.state.shuttingDown = true;
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(ready.statusCode, 503);
    assert.equal(ready.json().checks.shutdown, 'in progress');

    const closing = t.app.close();
    await until('the listener to refuse new connections', () => refused(`${url}/healthz`), 60_000);
    release();
    assert.deepEqual(await inflight, { status: 200, body: { finished: true } });
    await closing;
    await t.db.close();
  });

  it('exits 0 on SIGTERM after closing the database, and removes its instance record', {
    timeout: 420_000,
  }, async () => {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onramp-shutdown-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: {
        ...process.env,
        ONRAMP_STATE_DIR: stateDir,
        PORT: '0',
        LOG_LEVEL: 'info',
        DATABASE_URL: '',
        // What is tested is that shutdown completes cleanly, not how fast: a busy machine gets time.
        ONRAMP_SHUTDOWN_GRACE_MS: '150000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    let exitCode: number | null | undefined;
    child.on('exit', (code) => (exitCode = code));
    try {
      await until(
        'the server to start',
        () => /API\s+http:\/\/127\.0\.0\.1:\d+/.test(out) || exitCode !== undefined,
        240_000,
      );
      assert.equal(exitCode, undefined, `the server exited early:\n${out}`);
      const api = /API\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
      assert.equal((await fetch(`${api}/healthz`, { signal: AbortSignal.timeout(30_000) })).status, 200);
      assert.ok(fs.existsSync(path.join(stateDir, 'server.json')));
      child.kill('SIGTERM');
      await until('the server to exit', () => exitCode !== undefined, 160_000);
      assert.equal(exitCode, 0, out);
      assert.match(out, /shutdown complete/);
      assert.ok(!fs.existsSync(path.join(stateDir, 'server.json')));
    } finally {
      child.kill('SIGKILL');
      fs.rmSync(stateDir, { recursive: true, force: true });
    }
  });
});
