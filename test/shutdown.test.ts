import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { baseUrl, startTestApp } from './helpers.ts';

describe('graceful shutdown', () => {
  it('finishes in-flight requests, reports not-ready, then stops accepting', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const t = await startTestApp({
      listen: true,
      routes: (app) => {
        app.get('/v1/test/slow', { config: { auth: 'public' }, schema: { hide: true } }, async () => {
          await gate;
          return { finished: true };
        });
      },
    });
    const url = baseUrl(t);
    const inflight = fetch(`${url}/v1/test/slow`).then(async (r) => ({ status: r.status, body: await r.json() }));
    await new Promise((r) => setTimeout(r, 100));

    t.state.shuttingDown = true;
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(ready.statusCode, 503);
    assert.equal(ready.json().checks.shutdown, 'in progress');

    const closing = t.app.close();
    await new Promise((r) => setTimeout(r, 100));
    await assert.rejects(fetch(`${url}/healthz`), 'no new connections while closing');
    release();
    assert.deepEqual(await inflight, { status: 200, body: { finished: true } });
    await closing;
    await t.db.close();
  });

  it('exits 0 on SIGTERM after closing the database, and removes its instance record', {
    timeout: 120_000,
  }, async () => {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onramp-shutdown-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { ...process.env, ONRAMP_STATE_DIR: stateDir, PORT: '0', LOG_LEVEL: 'info', DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 90_000;
      while (!/API\s+http:\/\/127\.0\.0\.1:\d+/.test(out)) {
        if (Date.now() > deadline) assert.fail(`server did not start:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const api = /API\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
      assert.equal((await fetch(`${api}/healthz`)).status, 200);
      assert.ok(fs.existsSync(path.join(stateDir, 'server.json')));
      child.kill('SIGTERM');
      assert.equal(await exited, 0, out);
      assert.match(out, /shutdown complete/);
      assert.ok(!fs.existsSync(path.join(stateDir, 'server.json')));
    } finally {
      child.kill('SIGKILL');
      fs.rmSync(stateDir, { recursive: true, force: true });
    }
  });
});
