// Migrated database templates for tests, built once per change of the migrations: a PGlite data-dir
// tarball under .onramp/test-cache, and with DATABASE_URL a template database on that server.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { openDatabase } from '../src/db/index.ts';
import { migrate, migrationsFingerprint } from '../src/db/migrate.ts';
import { Jobs } from '../src/jobs/index.ts';

export interface Templates {
  env: Record<string, string>;
  description: string;
}

function fingerprint(root: string): string {
  const bossVersion = JSON.parse(fs.readFileSync(path.join(root, 'node_modules/pg-boss/package.json'), 'utf8'))
    .version as string;
  return createHash('sha256').update(`${migrationsFingerprint()}:${bossVersion}`).digest('hex').slice(0, 12);
}

async function initialise(handle: Awaited<ReturnType<typeof openDatabase>>): Promise<void> {
  await migrate(handle.db);
  // pg-boss creates its own schema on first start; do it once here rather than in every test file.
  const jobs = new Jobs(handle, { pollingIntervalSeconds: 1, log: pino({ level: 'silent' }) });
  await jobs.start({ workers: false });
  await jobs.stop();
}

async function pgliteTemplate(root: string, fp: string): Promise<string> {
  const dir = path.join(root, '.onramp', 'test-cache');
  const file = path.join(dir, `pglite-${fp}.tar`);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(dir, { recursive: true });
  const handle = await openDatabase({ dataDir: 'memory://' });
  try {
    await initialise(handle);
    const blob = await handle.dump!();
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, Buffer.from(await blob.arrayBuffer()));
    fs.renameSync(tmp, file);
  } finally {
    await handle.close();
  }
  for (const old of fs.readdirSync(dir)) {
    if (old.startsWith('pglite-') && old !== path.basename(file)) fs.rmSync(path.join(dir, old), { force: true });
  }
  return file;
}

export function databaseUrlFor(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function postgresTemplate(url: string, fp: string): Promise<string> {
  const name = `onramp_tpl_${fp}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    // Serialise template builds between test runs started together.
    await admin.query('select pg_advisory_lock(7402119002)');
    const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount === 0) {
      await admin.query(`create database "${name}"`);
      const handle = await openDatabase({ url: databaseUrlFor(url, name) });
      try {
        await initialise(handle);
      } finally {
        await handle.close();
      }
      await admin.query(`comment on database "${name}" is '${new Date().toISOString()}'`);
      // Templates of other migration sets may belong to a run still going (another checkout, a
      // branch): only those built more than a day ago are dropped.
      const stale = await admin.query<{ datname: string; built: string | null }>(
        "select datname, shobj_description(oid, 'pg_database') as built from pg_database where datname like 'onramp_tpl_%' and datname <> $1",
        [name],
      );
      const dayAgo = Date.now() - 24 * 3600 * 1000;
      for (const row of stale.rows) {
        const built = row.built ? Date.parse(row.built) : Number.NaN;
        if (Number.isNaN(built) || built < dayAgo)
          await admin.query(`drop database if exists "${row.datname}" with (force)`);
      }
    }
    await admin.query('select pg_advisory_unlock(7402119002)');
  } finally {
    await admin.end();
  }
  return name;
}

export async function prepareTemplates(root: string): Promise<Templates> {
  const fp = fingerprint(root);
  if (process.env.DATABASE_URL) {
    const name = await postgresTemplate(process.env.DATABASE_URL, fp);
    return { env: { ONRAMP_TEST_PG_TEMPLATE: name }, description: `PostgreSQL server, template database ${name}` };
  }
  const file = await pgliteTemplate(root, fp);
  return { env: { ONRAMP_TEST_PGLITE_TEMPLATE: file }, description: `PGlite, ${path.relative(root, file)}` };
}
