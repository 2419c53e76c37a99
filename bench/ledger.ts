// npm run bench:ledger — journals posted per second (postJournal: 3 postings, balances upserted in lock
// order, balance checked by the deferred trigger at commit) against a baseline measured in the same
// run on the same database: one plain single-row insert per transaction. Then `ledger check` on the
// result. Sequential and with concurrent transactions (meaningful on a PostgreSQL server; the
// embedded PGlite runs one transaction at a time).
//   BENCH_JOURNALS=2000 BENCH_CONCURRENCY=8 npm run bench:ledger   (DATABASE_URL=… uses a scratch database on that server)
import os from 'node:os';
import { sql } from 'kysely';
import { openDatabase } from '../src/db/index.ts';
import { migrate } from '../src/db/migrate.ts';
import { newId } from '../src/lib/crypto.ts';
import { checkLedger, postJournal } from '../src/modules/ledger/index.ts';
import { scratchDatabase } from './scratch.ts';

const total = Number(process.env.BENCH_JOURNALS ?? 2000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 8);
const users = 200;

const scratch = await scratchDatabase();
const handle = await openDatabase(
  scratch.url ? { url: scratch.url, poolMax: concurrency + 2 } : { dataDir: 'memory://' },
);
await migrate(handle.db);
await sql`create table bench_rows (id bigint generated always as identity primary key, account text not null, amount_minor bigint not null, created_at timestamptz not null)`.execute(
  handle.db,
);
const db = handle.db;

async function timed(n: number, parallel: number, one: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < n) await one(next++);
    }),
  );
  return n / ((performance.now() - started) / 1000);
}

const baselineRow = (i: number) =>
  db.transaction().execute((trx) =>
    trx
      .insertInto('bench_rows' as never)
      .values({ account: `user:${i % users}:ach_receivable`, amount_minor: 1000n, created_at: new Date() } as never)
      .execute(),
  );

const journal = (i: number) =>
  db.transaction().execute((trx) =>
    postJournal(trx, {
      kind: 'bench.purchase',
      reference: newId(),
      at: new Date(),
      lines: [
        { account: `user:${i % users}:ach_receivable`, currency: 'USD', amountMinor: 10_000n },
        { account: 'platform:fees', currency: 'USD', amountMinor: -300n },
        { account: 'platform:ach_clearing', currency: 'USD', amountMinor: -9_700n },
      ],
    }),
  );

// Warm-up (query plans, JIT).
await timed(100, 1, baselineRow);
await timed(100, 1, journal);

const rows: Array<[string, number, number]> = [];
for (const parallel of [1, concurrency]) {
  const base = await timed(total, parallel, baselineRow);
  const ledger = await timed(total, parallel, journal);
  rows.push([`${parallel} at a time`, base, ledger]);
}
const checkStarted = performance.now();
const report = await checkLedger(db);
const checkMs = performance.now() - checkStarted;

process.stdout.write(
  [
    `bench:ledger — ${total} per run, Node ${process.version}, ${os.cpus().length} CPUs, database ${handle.kind}`,
    ...rows.map(
      ([label, base, ledger]) =>
        `${label.padEnd(12)} baseline single-row insert ${base.toFixed(0).padStart(6)}/s   postJournal (3 postings) ${ledger.toFixed(0).padStart(6)}/s   ratio ${(ledger / base).toFixed(2)}`,
    ),
    `ledger check over ${report.journals} journals / ${report.postings} postings: ${report.ok ? 'OK' : 'FAILED'} in ${checkMs.toFixed(0)} ms`,
    '',
  ].join('\n'),
);
await handle.close();
await scratch.drop();
if (!report.ok) process.exit(1);
