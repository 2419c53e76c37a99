// The CLI as an operator runs it, in a child process: `node bin/onramp.mjs …` (what `npm run cli -- …`
// runs), with its exit codes, stdout and stderr.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import module from 'node:module';
import net from 'node:net';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { parseEnv } from 'node:util';
import { PRODUCTION_TEST_ENV } from '../../test/chain-env.ts';
import { baseUrl, persistedTestDatabase, startTestApp } from '../../test/helpers.ts';
import { loadConfig } from '../config.ts';
import { checkDatabaseMode } from '../db/startup.ts';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

/** The environment a child starts from: no ONRAMP_ or DATABASE_URL settings of the test runner. */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('ONRAMP_') && k !== 'DATABASE_URL') env[k] = v;
  }
  return { ...env, LOG_LEVEL: 'warn' };
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], env: Record<string, string>, nodeArgs: string[] = []): Promise<Run> {
  const child = spawn(process.execPath, [...nodeArgs, path.join(root, 'bin/onramp.mjs'), ...args], {
    cwd: root,
    env: { ...baseEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  // A bound against a hung child, far above a slow one (seconds, or a minute on a loaded machine).
  const killer = setTimeout(() => child.kill('SIGKILL'), 300_000);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    }),
  );
}

/**
 * The loaded URLs, and for each file of the bundle (dist/bundle/, scripts/build.mjs) the sources and
 * packages esbuild put into it (its meta.json), as file URLs: a bundled package loads no file of its own.
 */
function withBundledInputs(urls: string[]): string[] {
  const metaFile = path.join(root, 'dist/bundle/meta.json');
  if (!fs.existsSync(metaFile)) return urls;
  const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as { outputs: Record<string, { inputs: object }> };
  const inputsByChunk = new Map(
    Object.entries(meta.outputs).map(([out, o]) => [path.basename(out), Object.keys(o.inputs)] as const),
  );
  const bundleUrl = pathToFileURL(path.join(root, 'dist/bundle')).href;
  return urls.flatMap((u) =>
    u.startsWith(`${bundleUrl}/`)
      ? [u, ...(inputsByChunk.get(path.basename(u)) ?? []).map((i) => pathToFileURL(path.join(root, i)).href)]
      : [u],
  );
}

/** The CLI in a child that records every module it loads: its run, and the packages it loaded. */
async function runCliRecordingModules(args: string[], env: Record<string, string>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onramp-modules-'));
  try {
    const file = path.join(dir, 'loaded.txt');
    const run = await runCli(args, { ...env, ONRAMP_TEST_LOADED_MODULES: file }, [
      '--import',
      pathToFileURL(path.join(root, 'test/fixtures/loaded-modules.mjs')).href,
    ]);
    const urls = withBundledInputs(fs.readFileSync(file, 'utf8').split('\n').filter(Boolean));
    const packages = new Set(urls.map((u) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1]).filter(Boolean));
    return { run, urls, packages };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// The module recorder uses module.registerHooks (Node 22.15+); engines allows 22.12.
const RECORDS_MODULES = 'registerHooks' in module ? {} : { skip: 'module.registerHooks needs Node 22.15 or later' };

/** What building the app loads (the framework, the chains, the jobs): a command that needs less must not. */
const APP_PACKAGES = ['fastify', 'viem', 'pg-boss', '@sinclair/typebox', 'prom-client', 'jose', 'plaid'];

// No bound of its own: each child is killed after 300 s (runCli), and the runner bounds the file.
// Under a load average of 10 on 2 cores these eight children took 174 s, near the 180 s bound it had.
describe('operator CLI (child process)', () => {
  it('keys generate prints fresh keys in .env form that production accepts', async () => {
    const run = await runCli(['keys', 'generate', '--hot-wallet'], {});
    assert.equal(run.code, 0, run.stderr);
    const keys = parseEnv(run.stdout);
    assert.match(keys.ONRAMP_ENCRYPTION_KEYS!, /^k\d{8}:[A-Za-z0-9+/]{43}=$/);
    assert.match(
      run.stdout,
      /^ONRAMP_JWT_SIGNING_KEY="-----BEGIN PRIVATE KEY-----\\n.+\\n-----END PRIVATE KEY-----"$/m,
    );
    assert.match(run.stdout, /# hot wallet address: 0x[0-9a-fA-F]{40}/);
    const config = loadConfig({ ...PRODUCTION_TEST_ENV, ...keys });
    assert.equal(config.secrets.encryptionKeys, keys.ONRAMP_ENCRYPTION_KEYS);
    assert.match(config.secrets.jwtSigningKey!, /^-----BEGIN PRIVATE KEY-----\n/);
    assert.equal(config.chains.hotWallet?.privateKey, keys.ONRAMP_HOT_WALLET_PRIVATE_KEY);
    const again = parseEnv((await runCli(['keys', 'generate'], {})).stdout);
    assert.notEqual(again.ONRAMP_ENCRYPTION_KEYS, keys.ONRAMP_ENCRYPTION_KEYS);
    assert.equal(again.ONRAMP_HOT_WALLET_PRIVATE_KEY, undefined);
  });

  it('reports bad keys in the validation list, naming each variable, with no stack trace', async () => {
    const run = await runCli(['clients', 'list'], {
      ONRAMP_ENCRYPTION_KEYS: 'k1:dG9vIHNob3J0',
      ONRAMP_JWT_SIGNING_KEY: '-----BEGIN PRIVATE KEY-----\\nbm90IGEga2V5\\n-----END PRIVATE KEY-----',
    });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^Invalid configuration:\n {2}- ONRAMP_ENCRYPTION_KEYS: key "k1" must be 32 bytes/);
    assert.match(run.stderr, /\n {2}- ONRAMP_JWT_SIGNING_KEY: must be an Ed25519 private key/);
    assert.doesNotMatch(run.stderr, /DECODER|\n\s+at /);
  });

  it('names DATABASE_URL, without its password, when the database cannot be reached', async () => {
    const run = await runCli(['migrate'], { DATABASE_URL: 'postgres://onramp:hunter2@127.0.0.1:1/onramp' });
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(
      run.stderr,
      /^Cannot use the database at DATABASE_URL \(postgres:\/\/onramp:\*\*\*@127\.0\.0\.1:1\/onramp\): /,
    );
    assert.doesNotMatch(run.stderr, /hunter2|\n\s+at /);
  });

  it('a production database refuses a sandbox-mode clients create, and nothing is written', async () => {
    const database = await persistedTestDatabase();
    try {
      const db = await database.open();
      await checkDatabaseMode(db.db, 'production');
      await db.close();
      const run = await runCli(['clients', 'create', '--name', 'Acme'], {
        ...database.env,
        ONRAMP_STATE_DIR: database.env.ONRAMP_STATE_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'onramp-cli-')),
      });
      assert.equal(run.code, 2, run.stdout + run.stderr);
      assert.match(run.stderr, /This database belongs to production mode .* onramp is running in sandbox mode/);
      assert.match(run.stderr, /Set ONRAMP_MODE=production to use it/);
      assert.doesNotMatch(run.stdout, /sk_sandbox_/);
      const after = await database.open();
      const clients = await after.db.selectFrom('clients').select('id').execute();
      await after.close();
      assert.deepEqual(clients, []);
    } finally {
      await database.remove();
    }
  });

  it('sends a command to the running server loading neither the app nor the database', RECORDS_MODULES, async () => {
    const t = await startTestApp({ listen: true, build: { operatorToken: 'op_cli_token' } });
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onramp-cli-live-'));
    try {
      // The record the running sandbox server writes (operator/instance.ts), here for the test's server.
      const live = {
        pid: process.pid,
        url: baseUrl(t),
        operatorToken: 'op_cli_token',
        dataDir: path.join(stateDir, 'data'),
        startedAt: new Date().toISOString(),
      };
      fs.writeFileSync(path.join(stateDir, 'server.json'), JSON.stringify(live));
      const { run, urls, packages } = await runCliRecordingModules(['clients', 'list'], { ONRAMP_STATE_DIR: stateDir });
      assert.equal(run.code, 0, run.stderr);
      const listed = JSON.parse(run.stdout) as Array<{ clientId: string }>;
      assert.ok(
        listed.some((c) => c.clientId === t.client.id),
        'the answer comes from the running server',
      );
      assert.ok(
        urls.some((u) => u.endsWith('/config.js') || u.endsWith('/config.ts')),
        'the loads are recorded',
      );
      assert.deepEqual(
        [...APP_PACKAGES, 'kysely', '@electric-sql/pglite', 'pg', 'pino'].filter((p) => packages.has(p)),
        [],
      );
    } finally {
      fs.rmSync(stateDir, { recursive: true, force: true });
      await t.close();
    }
  });

  it('says what to do when the recorded server refuses the connection, with no stack trace', async () => {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onramp-cli-stale-'));
    try {
      // A record left by a server killed with SIGKILL, whose pid is now another live process (this one).
      const closed = net.createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const { port } = closed.address() as net.AddressInfo;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const stale = {
        pid: process.pid,
        url: `http://127.0.0.1:${port}`,
        operatorToken: 'op_stale',
        dataDir: path.join(stateDir, 'data'),
        startedAt: new Date().toISOString(),
      };
      fs.writeFileSync(path.join(stateDir, 'server.json'), JSON.stringify(stale));
      const run = await runCli(['clients', 'list'], { ONRAMP_STATE_DIR: stateDir });
      assert.equal(run.code, 1);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, /server\.json \(pid \d+\) at http:\/\/127\.0\.0\.1:\d+ refused the connection/);
      assert.match(run.stderr, /delete that file/);
      assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
    } finally {
      fs.rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it('runs a command that needs only the database without building the app', RECORDS_MODULES, async () => {
    const database = await persistedTestDatabase();
    try {
      const env = {
        ...database.env,
        ONRAMP_STATE_DIR: database.env.ONRAMP_STATE_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'onramp-cli-')),
      };
      const created = await runCli(['clients', 'create', '--name', 'Acme'], env);
      assert.equal(created.code, 0, created.stderr);
      const { clientId } = JSON.parse(created.stdout) as { clientId: string };
      const { run, packages } = await runCliRecordingModules(['clients', 'list'], env);
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(
        (JSON.parse(run.stdout) as Array<{ clientId: string; name: string }>).map((c) => [c.clientId, c.name]),
        [[clientId, 'Acme']],
      );
      assert.ok(packages.has('kysely'), 'the loads are recorded');
      assert.deepEqual(
        APP_PACKAGES.filter((p) => packages.has(p)),
        [],
      );
    } finally {
      await database.remove();
    }
  });

  it('serve runs the server with settings from --env-file, and stops on SIGTERM', async () => {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onramp-serve-'));
    const envFile = path.join(stateDir, 'test.env');
    fs.writeFileSync(envFile, `ONRAMP_STATE_DIR=${stateDir}\nPORT=0\n`);
    const child = spawn(process.execPath, [path.join(root, 'bin/onramp.mjs'), 'serve', '--env-file', envFile], {
      cwd: root,
      env: { ...baseEnv(), LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 150_000;
      while (!/API\s+http:\/\/127\.0\.0\.1:\d+/.test(out)) {
        if (Date.now() > deadline) assert.fail(`server did not start:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.match(out, /onramp is running in sandbox mode/);
      const api = /API\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
      assert.equal((await fetch(`${api}/healthz`)).status, 200);
      const demo = JSON.parse(fs.readFileSync(path.join(stateDir, 'demo-client.json'), 'utf8'));
      const res = await fetch(`${api}/v1/config`, {
        headers: { 'ratio-client-id': demo.clientId, 'ratio-client-secret': demo.clientSecret },
      });
      assert.equal(res.status, 200);
      child.kill('SIGTERM');
      assert.equal(await exited, 0, out);
    } finally {
      child.kill('SIGKILL');
      fs.rmSync(stateDir, { recursive: true, force: true });
    }
  });
});
