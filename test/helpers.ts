// Test harness: a fresh database per test file (cloned from the migrated template), an app built with
// buildApp() exactly as in production, a partner client with credentials, and captured JSON logs.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pg from 'pg';
import { buildApp, type BuildOptions, type BuiltApp } from '../src/app.ts';
import { loadConfig, type Config } from '../src/config.ts';
import { openDatabase, type DbHandle } from '../src/db/index.ts';
import type { Clock } from '../src/lib/clock.ts';
import { createClient } from '../src/modules/clients/create-client.ts';
import { generateSecrets, resolveRuntimeSecrets, type RuntimeSecrets } from '../src/runtime-secrets.ts';
import { databaseUrlFor, prepareTemplates } from './templates.ts';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

let templateBlob: Blob | undefined;

async function templateEnv(): Promise<Record<string, string | undefined>> {
  if (process.env.ONRAMP_TEST_PGLITE_TEMPLATE || process.env.ONRAMP_TEST_PG_TEMPLATE) return process.env;
  // Run directly (`node --import tsx --test file`), without the runner: build the template now.
  const t = await prepareTemplates(root);
  Object.assign(process.env, t.env);
  return process.env;
}

/** A fresh, migrated database for one test file. close() discards it. */
export async function openTestDatabase(): Promise<DbHandle> {
  const env = await templateEnv();
  if (process.env.DATABASE_URL && env.ONRAMP_TEST_PG_TEMPLATE) {
    const name = `onramp_t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`create database "${name}" template "${env.ONRAMP_TEST_PG_TEMPLATE}"`);
    await admin.end();
    const handle = await openDatabase({ url: databaseUrlFor(process.env.DATABASE_URL, name), poolMax: 10 });
    const close = handle.close.bind(handle);
    return {
      ...handle,
      async close() {
        await close();
        const a = new pg.Client({ connectionString: process.env.DATABASE_URL });
        await a.connect();
        await a.query(`drop database if exists "${name}" with (force)`);
        await a.end();
      },
    };
  }
  templateBlob ??= new Blob([fs.readFileSync(env.ONRAMP_TEST_PGLITE_TEMPLATE!)]);
  return openDatabase({ dataDir: 'memory://', loadDataDir: templateBlob });
}

/**
 * A fresh, migrated database another process can open too (for tests that run the CLI or the server
 * as a child): on the PostgreSQL server when DATABASE_URL is set, else a PGlite data directory on disk.
 * `env` points a child at it; `open()` opens it here (close that handle before a child uses PGlite).
 */
export async function persistedTestDatabase(): Promise<{
  env: Record<string, string>;
  open(): Promise<DbHandle>;
  remove(): Promise<void>;
}> {
  const env = await templateEnv();
  if (process.env.DATABASE_URL && env.ONRAMP_TEST_PG_TEMPLATE) {
    const name = `onramp_t_${randomBytes(6).toString('hex')}`;
    const admin = async (query: string) => {
      const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await client.connect();
      await client.query(query);
      await client.end();
    };
    await admin(`create database "${name}" template "${env.ONRAMP_TEST_PG_TEMPLATE}"`);
    const url = databaseUrlFor(process.env.DATABASE_URL, name);
    return {
      env: { DATABASE_URL: url },
      open: () => openDatabase({ url, poolMax: 2 }),
      remove: () => admin(`drop database if exists "${name}" with (force)`),
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onramp-db-'));
  const dataDir = path.join(dir, 'data');
  templateBlob ??= new Blob([fs.readFileSync(env.ONRAMP_TEST_PGLITE_TEMPLATE!)]);
  const seed = await openDatabase({ dataDir, loadDataDir: templateBlob });
  await seed.close();
  return {
    env: { ONRAMP_DATA_DIR: dataDir, ONRAMP_STATE_DIR: dir },
    open: () => openDatabase({ dataDir }),
    async remove() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

let secrets: RuntimeSecrets | undefined;

export function testSecrets(config: Config): RuntimeSecrets {
  secrets ??= resolveRuntimeSecrets(config, generateSecrets());
  return secrets;
}

/** A sandbox config as `npm start` would build it, with test-friendly overrides. */
export function testConfig(env: Record<string, string> = {}): Config {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onramp-test-'));
  return loadConfig({
    ONRAMP_STATE_DIR: stateDir,
    LOG_LEVEL: 'info',
    ONRAMP_RATE_LIMIT_ENABLED: 'false',
    // Every inject() comes from 127.0.0.1: the per-IP OTP send limit is tested on its own.
    ONRAMP_OTP_SENDS_PER_IP_PER_HOUR: '100000',
    PORT: '0',
    // Workers refresh the business gauges only when a test asks (refreshBusinessMetrics).
    ONRAMP_METRICS_REFRESH_MS: '600000',
    ...env,
  });
}

export interface CapturedLogs {
  /** Every log line written so far, raw. */
  text(): string;
  /** Parsed log records. */
  records(): Array<Record<string, unknown>>;
}

function captureLogs(): { stream: Writable; logs: CapturedLogs } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString('utf8'));
      cb();
    },
  });
  return {
    stream,
    logs: {
      text: () => chunks.join(''),
      records: () =>
        chunks
          .join('')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Record<string, unknown>),
    },
  };
}

export interface TestApp extends BuiltApp {
  config: Config;
  db: DbHandle;
  logs: CapturedLogs;
  /** A partner client created for this test file. */
  client: { id: string; secret: string };
  /** ratio-client-id and ratio-client-secret headers for `client`. */
  clientHeaders: Record<string, string>;
  close(): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  clock?: Clock;
  workers?: boolean;
  /** Listen on an ephemeral port (for real HTTP clients); app.server.address() gives it. */
  listen?: boolean;
  build?: Partial<BuildOptions>;
  /** Registers extra routes before the app is ready (e.g. a route that throws, for the 500 test). */
  routes?: (app: BuiltApp['app']) => void;
}

export async function startTestApp(opts: StartOptions = {}): Promise<TestApp> {
  const config = testConfig(opts.env);
  const db = await openTestDatabase();
  const { stream, logs } = captureLogs();
  const built = await buildApp({
    config,
    dbHandle: db,
    migrate: false,
    logStream: stream,
    secrets: testSecrets(config),
    workers: opts.workers ?? false,
    jobsPollingIntervalSeconds: 0.5,
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...opts.build,
  });
  opts.routes?.(built.app);
  if (opts.listen) await built.app.listen({ host: '127.0.0.1', port: 0 });
  else await built.app.ready();
  const created = await createClient(db.db, config.mode, { name: 'Test partner' });
  const client = { id: created.clientId, secret: created.clientSecret };
  return {
    ...built,
    config,
    db,
    logs,
    client,
    clientHeaders: { 'ratio-client-id': client.id, 'ratio-client-secret': client.secret },
    async close() {
      await built.app.close();
      await db.close();
      fs.rmSync(config.stateDir, { recursive: true, force: true });
    },
  };
}

/** Base URL of an app started with `listen: true`. */
export function baseUrl(t: TestApp): string {
  const address = t.app.server.address() as { port: number };
  return `http://127.0.0.1:${address.port}`;
}
