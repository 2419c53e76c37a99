import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { sql } from 'kysely';
import { migrationsApplied } from './migrate.ts';
import { openDatabaseFromTemplate, unpackDataDir } from './template.ts';

describe('the embedded database template', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onramp-template-'));
    dirs.push(dir);
    return dir;
  };
  after(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('starts a fresh data directory migrated, with the job queue schema, and keeps what is written to it', async () => {
    const dataDir = path.join(tmp(), 'data');
    const first = await openDatabaseFromTemplate({ dataDir });
    try {
      assert.equal(await migrationsApplied(first.db), true);
      const boss = await sql<{ n: string }>`select count(*)::text as n from pgboss.version`.execute(first.db);
      assert.equal(boss.rows[0]!.n, '1');
      await sql`create table kept (n int)`.execute(first.db);
      await sql`insert into kept values (42)`.execute(first.db);
    } finally {
      await first.close();
    }
    assert.equal((fs.statSync(dataDir).mode & 0o077) === 0, true, 'the data directory is private to its owner');
    const again = await openDatabaseFromTemplate({ dataDir });
    try {
      const kept = await sql<{ n: number }>`select n from kept`.execute(again.db);
      assert.deepEqual(kept.rows, [{ n: 42 }]);
    } finally {
      await again.close();
    }
  });

  it('keeps tarball entries inside the data directory, whatever their names say', () => {
    const header = Buffer.alloc(512);
    header.write('../../escaped', 0);
    header.write('00000000002 ', 124);
    header.write('0', 156);
    const body = Buffer.alloc(512);
    body.write('hi');
    const parent = tmp();
    const dir = path.join(parent, 'data');
    unpackDataDir(Buffer.concat([header, body, Buffer.alloc(1024)]), dir);
    assert.equal(fs.readFileSync(path.join(dir, 'escaped'), 'utf8'), 'hi');
    assert.deepEqual(fs.readdirSync(parent), ['data']);
  });
});
