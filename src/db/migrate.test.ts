import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import pg from 'pg';
import { sql } from 'kysely';
import { databaseUrlFor } from '../../test/templates.ts';
import { openDatabase } from './index.ts';
import { MIGRATIONS_DIR, migrate, migrationsApplied } from './migrate.ts';

const SERVER = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function serverReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: SERVER, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

function copyMigrations(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onramp-migrations-'));
  for (const f of fs.readdirSync(MIGRATIONS_DIR)) fs.copyFileSync(path.join(MIGRATIONS_DIR, f), path.join(dir, f));
  return dir;
}

async function tables(db: Parameters<typeof migrate>[0]): Promise<string[]> {
  const r = await sql<{
    table_name: string;
  }>`select table_name from information_schema.tables where table_schema = 'public' order by 1`.execute(db);
  return r.rows.map((x) => x.table_name);
}

describe('migrations on PGlite', () => {
  it('apply to a fresh database, once, and refuse a changed file', async () => {
    const handle = await openDatabase({ dataDir: 'memory://' });
    const dir = copyMigrations();
    try {
      const first = await migrate(handle.db, dir);
      assert.ok(first.applied.includes('0001_foundation'));
      assert.equal((await migrate(handle.db, dir)).applied.length, 0);
      assert.ok(await migrationsApplied(handle.db, dir));
      assert.ok((await tables(handle.db)).includes('clients'));

      fs.writeFileSync(path.join(dir, '9999_more.sql'), 'create table later_added (id int primary key);');
      assert.deepEqual((await migrate(handle.db, dir)).applied, ['9999_more']);
      fs.appendFileSync(path.join(dir, '9999_more.sql'), '\n-- edited');
      await assert.rejects(
        migrate(handle.db, dir),
        /9999_more changed after it was applied; migrations are forward-only/,
      );
    } finally {
      await handle.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rolls back a failing migration as a whole', async () => {
    const handle = await openDatabase({ dataDir: 'memory://' });
    const dir = copyMigrations();
    try {
      fs.writeFileSync(
        path.join(dir, '9998_broken.sql'),
        'create table half_done (id int); select no_such_function();',
      );
      await assert.rejects(migrate(handle.db, dir), /no_such_function/);
      assert.ok(!(await tables(handle.db)).includes('half_done'));
      assert.ok((await tables(handle.db)).includes('clients'), 'earlier migrations stay applied');
    } finally {
      await handle.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('migrations on a PostgreSQL server', async () => {
  const reachable = await serverReachable();
  it('two processes starting together apply each migration exactly once', {
    skip: !reachable && `no PostgreSQL server at ${SERVER}`,
  }, async () => {
    const name = `onramp_mig_${Date.now()}_${process.pid}`;
    const admin = new pg.Client({ connectionString: SERVER });
    await admin.connect();
    await admin.query(`create database "${name}"`);
    const url = databaseUrlFor(SERVER, name);
    const a = await openDatabase({ url });
    const b = await openDatabase({ url });
    try {
      const [ra, rb] = await Promise.all([migrate(a.db), migrate(b.db)]);
      const applied = [...ra.applied, ...rb.applied].sort();
      assert.deepEqual(applied, [...new Set(applied)], 'no migration applied twice');
      assert.ok(applied.includes('0001_foundation'));
      assert.ok(
        ra.applied.length === 0 || rb.applied.length === 0,
        'one process applied them all, the other waited for the lock',
      );
      assert.ok(await migrationsApplied(a.db));
    } finally {
      await a.close();
      await b.close();
      await admin.query(`drop database if exists "${name}" with (force)`);
      await admin.end();
    }
  });
});
