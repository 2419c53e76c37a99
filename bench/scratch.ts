// Shared by the benchmarks: with DATABASE_URL set, a scratch database on that server (dropped at the
// end) — never the database the URL names; without it, undefined (the bench uses embedded PGlite).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { databaseUrlFor } from '../test/templates.ts';

export async function scratchDatabase(): Promise<{ url: string | undefined; drop: () => Promise<void> }> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) return { url: undefined, drop: async () => undefined };
  const name = `onramp_bench_${randomBytes(4).toString('hex')}`;
  const admin = async (statement: string) => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    try {
      await c.query(statement);
    } finally {
      await c.end();
    }
  };
  await admin(`create database "${name}"`);
  return { url: databaseUrlFor(serverUrl, name), drop: () => admin(`drop database if exists "${name}" with (force)`) };
}
