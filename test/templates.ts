// Migrated database templates for tests, built once per change of the migrations: the embedded
// database's template tarball (src/db/template.ts, shared with the server's first start), and with
// DATABASE_URL a template database on that server.
import { createHash } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { openDatabase } from '../src/db/index.ts';
import { ensurePgliteTemplate, initialiseDatabase, templateFingerprint } from '../src/db/template.ts';

export interface Templates {
  env: Record<string, string>;
  description: string;
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
        await initialiseDatabase(handle);
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
  if (process.env.DATABASE_URL) {
    const fp = createHash('sha256').update(templateFingerprint()).digest('hex').slice(0, 12);
    const name = await postgresTemplate(process.env.DATABASE_URL, fp);
    return { env: { ONRAMP_TEST_PG_TEMPLATE: name }, description: `PostgreSQL server, template database ${name}` };
  }
  const file = await ensurePgliteTemplate();
  return { env: { ONRAMP_TEST_PGLITE_TEMPLATE: file }, description: `PGlite, ${path.relative(root, file)}` };
}
