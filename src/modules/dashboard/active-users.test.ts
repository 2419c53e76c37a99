// Active users from the per-day bitmaps (0071) equal the distinct users counted from activity_items
// itself, for the range and every bucket, after purchases are added, stop counting (a returned debit,
// a failed delivery), count again and are deleted, one statement at a time and in bulk.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { startTestApp, type TestApp } from '../../../test/helpers.ts';
import { parseRange, type DateRange } from './range.ts';
import { activeUsers } from './report-queries.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => t?.close());

const DAY_MS = 86_400_000;
const base = Date.UTC(2026, 0, 1);

async function addUsers(n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, () => randomUUID());
  await sql`
    insert into users (id, client_id, first_name, last_name, email, email_normalized, phone, country)
    select id, ${t.client.id}, 'Active', 'User', id || '@example.com', id || '@example.com', '+1202' || (5550000 + i)::text, 'US'
      from unnest(${ids}::uuid[]) with ordinality as u (id, i)`.execute(t.ctx.db);
  return ids;
}

/** Items for (user, day offset) pairs, in one statement. */
async function addItems(pairs: Array<[string, number]>, fiat = 'COMPLETED'): Promise<string[]> {
  const ids = pairs.map(() => randomUUID());
  const values = pairs.map(
    ([user, day], i) => sql`(${ids[i]}::uuid, ${user}::uuid, ${new Date(base + day * DAY_MS + i * 1000)}::timestamptz)`,
  );
  await sql`
    insert into activity_items (id, user_id, client_id, kind, created_at, updated_at, fiat_status, fiat_currency, fiat_amount_cents,
      fiat_direction, funding_method, crypto_status, crypto_currency, crypto_direction, crypto_amount_minor,
      crypto_amount_estimated, price_cents, fee_cents, network_fee_cents, metadata)
    select v.id, v.user_id, ${t.client.id}, 'ACH_PURCHASE', v.at, v.at, ${fiat}, 'USD', 5000, 'CREDIT', 'ACH_ORIGINATED_INSTANT',
           'COMPLETED', 'ETH', 'DEBIT', 1000, false, 350000, 150, 12, '{}'::jsonb
      from (values ${sql.join(values)}) as v (id, user_id, at)`.execute(t.ctx.db);
  return ids;
}

/** The same figure counted from activity_items. */
async function expected(r: DateRange): Promise<{ total: number; byBucket: Map<string, number> }> {
  const rows = await sql<{ b: string | null; n: string }>`
    select to_char(date_trunc(${r.bucket}, (created_at at time zone 'UTC')::date::timestamp), 'YYYY-MM-DD') as b,
           count(distinct user_id)::text as n
      from activity_items
     where client_id = ${t.client.id} and crypto_status = 'COMPLETED' and fiat_status <> 'FAILED'
       and created_at >= ${r.fromTime} and created_at < ${r.toTime}
     group by grouping sets ((1), ())`.execute(t.ctx.db);
  const byBucket = new Map<string, number>();
  let total = 0;
  for (const x of rows.rows) {
    if (x.b === null) total = Number(x.n);
    else byBucket.set(x.b, Number(x.n));
  }
  return { total, byBucket };
}

const day = (offset: number) => new Date(base + offset * DAY_MS).toISOString().slice(0, 10);
const ranges = (): DateRange[] => {
  const now = new Date(base + 400 * DAY_MS);
  return [
    [0, 0],
    [0, 6],
    [3, 40],
    [10, 11],
    [0, 120],
    [5, 399],
    [60, 1000],
    [0, 1200],
  ].map(([a, b]) => parseRange(now, day(a!), day(b!)));
};

async function check(label: string) {
  for (const r of ranges()) {
    const got = await activeUsers(t.ctx.db, t.client.id, r);
    const want = await expected(r);
    assert.equal(got.total, want.total, `${label}: ${r.from}…${r.to} total`);
    const nonZero = new Map([...got.byBucket].filter(([, n]) => n > 0));
    assert.deepEqual(nonZero, want.byBucket, `${label}: ${r.from}…${r.to} by ${r.bucket}`);
  }
}

test('active users from the bitmaps equal the distinct users of the counted activity, through every change', async () => {
  const users = await addUsers(1100); // more than one block of 1,024
  // Deterministic spread: user k on days k % 97 and (k * 7) % 365, a few twice on one day.
  const pairs: Array<[string, number]> = users.flatMap((u, k) => [
    [u, k % 97] as [string, number],
    [u, (k * 7) % 365] as [string, number],
    ...(k % 10 === 0 ? [[u, k % 97] as [string, number]] : []),
  ]);
  const ids = await addItems(pairs);
  await check('bulk insert');
  assert.ok((await activeUsers(t.ctx.db, t.client.id, ranges()[7]!)).total > 1024);

  // A user's only item of a day stops counting, then counts again; one of two items of a day stops.
  const single = ids[2]!; // user 1's day 1
  const doubled = ids[0]!; // user 0 has two items on day 0
  await sql`update activity_items set fiat_status = 'FAILED' where id in (${single}, ${doubled})`.execute(t.ctx.db);
  await check('returned debits');
  await sql`update activity_items set fiat_status = 'COMPLETED' where id = ${single}`.execute(t.ctx.db);
  await check('counted again');

  // Items that never counted start counting; a bulk change flips bits both ways in one statement.
  const pending = await addItems(
    users.slice(0, 50).map((u, k) => [u, 200 + k] as [string, number]),
    'FAILED',
  );
  await check('failed items added');
  await sql`update activity_items set fiat_status = case when fiat_status = 'FAILED' then 'COMPLETED' else 'FAILED' end
             where id = any(${[...pending, ...ids.slice(100, 400)]}::uuid[])`.execute(t.ctx.db);
  await check('flipped both ways');
  await sql`update activity_items set crypto_status = 'FAILED' where id = any(${ids.slice(500, 700)}::uuid[])`.execute(
    t.ctx.db,
  );
  await check('failed deliveries');
  await sql`delete from activity_items where id = any(${ids.slice(650, 900)}::uuid[])`.execute(t.ctx.db);
  await check('deleted');
  // A user's first transaction after all its items left (its position is kept).
  await addItems([[users[700]!, 30]]);
  await check('back again');
});
