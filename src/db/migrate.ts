// Forward-only SQL migrations: src/db/migrations/NNNN_name.sql, applied in order, each in its own
// transaction, under an advisory lock so processes starting together take turns. An applied
// migration whose file has since changed stops the server: add a new migration instead.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Db } from './index.ts';

export const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
// Any constant works; it only has to be the same for every onramp process.
const MIGRATION_LOCK_KEY = 7_402_119_001;

export interface MigrationFile {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(dir = MIGRATIONS_DIR): MigrationFile[] {
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const seen = new Set<number>();
  return files.map((file) => {
    const match = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(file);
    if (!match) throw new Error(`migration file name must look like 0001_name.sql: ${file}`);
    const version = Number(match[1]);
    if (seen.has(version)) throw new Error(`two migrations share version ${match[1]}`);
    seen.add(version);
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    return { version, name: match[2]!, sql: text, checksum: createHash('sha256').update(text).digest('hex') };
  });
}

/** A hash of every migration: the test runner rebuilds its database template when it changes. */
export function migrationsFingerprint(dir = MIGRATIONS_DIR): string {
  const hash = createHash('sha256');
  for (const m of readMigrations(dir)) hash.update(`${m.version}:${m.checksum}\n`);
  return hash.digest('hex').slice(0, 16);
}

export interface MigrateResult {
  applied: string[];
  total: number;
}

export async function migrate(db: Db, dir = MIGRATIONS_DIR): Promise<MigrateResult> {
  const migrations = readMigrations(dir);
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`.execute(conn);
    try {
      await sql`create table if not exists schema_migrations (
        version integer primary key,
        name text not null,
        checksum text not null,
        applied_at timestamptz not null default now()
      )`.execute(conn);
      const rows = await conn.selectFrom('schema_migrations').selectAll().execute();
      const applied = new Map(rows.map((r) => [r.version, r]));
      for (const m of migrations) {
        const done = applied.get(m.version);
        if (done && done.checksum !== m.checksum) {
          throw new Error(
            `migration ${String(m.version).padStart(4, '0')}_${m.name} changed after it was applied; ` +
              'migrations are forward-only: restore the file and add a new migration',
          );
        }
      }
      const pending = migrations.filter((m) => !applied.has(m.version));
      for (const m of pending) {
        await conn.transaction().execute(async (trx) => {
          await sql.raw(m.sql).execute(trx);
          await trx
            .insertInto('schema_migrations')
            .values({ version: m.version, name: m.name, checksum: m.checksum })
            .execute();
        });
      }
      return {
        applied: pending.map((m) => `${String(m.version).padStart(4, '0')}_${m.name}`),
        total: migrations.length,
      };
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.execute(conn);
    }
  });
}

/** For /readyz: true when every migration file has been applied. */
export async function migrationsApplied(db: Db, dir = MIGRATIONS_DIR): Promise<boolean> {
  const expected = readMigrations(dir).length;
  const row = await sql<{ n: bigint }>`select count(*) as n from schema_migrations`.execute(db);
  return Number(row.rows[0]?.n ?? 0) >= expected;
}
