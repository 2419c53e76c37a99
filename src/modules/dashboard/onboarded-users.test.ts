// New and Total Users from the stored onboarding rows and change marks (0072) equal the definition
// computed from user_clients, kyc_submissions and banks directly, for several ranges, through KYC and
// bank changes, a later join, a removed link and a removed bank — read before and after the marks
// are folded in.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { startTestApp, type TestApp } from '../../../test/helpers.ts';
import { createClient } from '../clients/create-client.ts';
import { parseRange, type DateRange } from './range.ts';
import { foldOnboarding, onboardedUsers } from './report-queries.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => t?.close());

const DAY_MS = 86_400_000;
const base = Date.UTC(2026, 0, 1);
const at = (day: number) => new Date(base + day * DAY_MS);

/** n users of the client joined on day i, KYC (APPROVED unless declined) decided on day 2i % 50, a bank verified on day 3i % 60. */
async function addUsers(n: number, from: number): Promise<string[]> {
  const ids = Array.from({ length: n }, () => randomUUID());
  await t.ctx.db.transaction().execute(async (trx) => {
    await sql`create temporary table seed on commit drop as
      select id, (${from} + i)::int as i, ${at(0)}::timestamptz as t0 from unnest(${ids}::uuid[]) with ordinality as u (id, i)`.execute(
      trx,
    );
    await sql`insert into users (id, client_id, first_name, last_name, email, email_normalized, phone, country, created_at, updated_at)
      select id, ${t.client.id}, 'On', 'Boarded', id || '@example.com', id || '@example.com', '+1202' || (5550000 + i)::text, 'US', t0, t0
        from seed`.execute(trx);
    await sql`insert into user_clients (user_id, client_id, created_at)
      select id, ${t.client.id}, t0 + (i % 40) * interval '1 day' from seed`.execute(trx);
    await sql`insert into kyc_submissions (user_id, status, address_result, dob_result, fraud_result, idv_result, date_of_birth,
        id_type, ssn_ciphertext, ssn_key_id, ssn_last4, ssn_index, line1, city, state, postal_code, provider, submitted_at, decided_at, updated_at)
      select id, case when i % 9 = 0 then 'DECLINED' when i % 11 = 0 then 'IN_REVIEW' else 'APPROVED' end,
             'APPROVED', 'APPROVED', 'APPROVED', 'APPROVED', '1990-01-01', 'SSN', 'x', 'k1', '0000', 'onb' || id,
             '1 Main St', 'Springfield', 'IL', '62701', 'test', t0, case when i % 7 = 0 then null else t0 + (2 * i % 50) * interval '1 day' end,
             t0 + (i % 45) * interval '1 day'
        from seed where i % 13 <> 0`.execute(trx);
    await sql`insert into banks (id, user_id, client_id, plaid_item_id, access_token_key_id, access_token_ciphertext, plaid_account_id,
        account_name, routing_number, account_number_key_id, account_number_ciphertext, owner_names, link_status,
        verification_status, verification_state, verified_at, created_at, updated_at)
      select gen_random_uuid(), id, ${t.client.id}, 'item-' || id, 'k1', 'x', 'acc-' || id, 'Checking', '011401533', 'k1', 'x',
             array['On Boarded'], 'ACTIVE', case when i % 5 = 0 then 'IN_REVIEW' else 'APPROVED' end, 'DONE',
             case when i % 5 = 0 then null else t0 + (3 * i % 60) * interval '1 day' end, t0, t0
        from seed where i % 17 <> 0`.execute(trx);
  });
  return ids;
}

/** The definition (docs/dashboard.md), straight from the tables. */
async function expected(r: DateRange) {
  const rows = await sql<{ total: string; fresh: string; b: string | null; g: number }>`
    with o as (
      select greatest(uc.created_at, coalesce(k.decided_at, k.updated_at),
                      (select min(verified_at) from banks where banks.user_id = uc.user_id
                          and verification_status = 'APPROVED' and verified_at is not null)) as at,
             exists (select 1 from banks where banks.user_id = uc.user_id and verification_status = 'APPROVED'
                        and verified_at is not null) as bank
        from user_clients uc join kyc_submissions k on k.user_id = uc.user_id and k.status = 'APPROVED'
       where uc.client_id = ${t.client.id}
    ),
    w as (select at >= ${r.fromTime} as fresh, to_char(date_trunc(${r.bucket}, at at time zone 'UTC'), 'YYYY-MM-DD') as b
            from o where bank and at < ${r.toTime})
    select b, grouping(b) as g, count(*)::text as total, count(*) filter (where fresh)::text as fresh
      from w group by grouping sets ((b), ())`.execute(t.ctx.db);
  const byBucket = new Map<string, number>();
  let whole = { total: 0, fresh: 0 };
  for (const x of rows.rows) {
    if (Number(x.g) === 1) whole = { total: Number(x.total), fresh: Number(x.fresh) };
    else if (x.b !== null && Number(x.fresh) > 0) byBucket.set(x.b, Number(x.fresh));
  }
  return { total: whole.total, new: whole.fresh, byBucket };
}

const day = (offset: number) => at(offset).toISOString().slice(0, 10);
const ranges = () =>
  [
    [0, 0],
    [0, 29],
    [10, 20],
    [30, 140],
    [50, 1000],
  ].map(([a, b]) => parseRange(at(200), day(a!), day(b!)));

async function check(label: string) {
  for (const fold of [false, true]) {
    if (fold) await foldOnboarding(t.ctx.db);
    for (const r of ranges())
      assert.deepEqual(
        await onboardedUsers(t.ctx.db, t.client.id, r),
        await expected(r),
        `${label} (${fold ? 'folded' : 'marked'}): ${r.from}…${r.to}`,
      );
  }
}

test('New and Total Users from the stored rows and marks equal the definition, through every change', async () => {
  const users = await addUsers(300, 0);
  assert.ok((await expected(ranges()[4]!)).total > 100);
  await check('seeded');

  await sql`update kyc_submissions set status = 'APPROVED', decided_at = ${at(60)} where user_id = any(${users.slice(0, 60)}::uuid[]) and status <> 'APPROVED'`.execute(
    t.ctx.db,
  );
  await check('KYC approved later');
  await sql`update kyc_submissions set status = 'DECLINED' where user_id = any(${users.slice(60, 80)}::uuid[])`.execute(
    t.ctx.db,
  );
  await sql`update banks set verification_status = 'APPROVED', verified_at = ${at(70)} where user_id = any(${users.slice(0, 100)}::uuid[]) and verified_at is null`.execute(
    t.ctx.db,
  );
  await sql`update banks set verified_at = ${at(5)} where user_id = any(${users.slice(100, 120)}::uuid[])`.execute(
    t.ctx.db,
  );
  await check('banks verified');
  // A removed bank keeps counting (deleted_at); a deleted bank row and a removed link stop.
  await sql`update banks set deleted_at = ${at(80)}, link_status = 'INACTIVE' where user_id = any(${users.slice(120, 140)}::uuid[])`.execute(
    t.ctx.db,
  );
  await sql`delete from banks where user_id = any(${users.slice(140, 150)}::uuid[])`.execute(t.ctx.db);
  await sql`delete from user_clients where user_id = any(${users.slice(150, 160)}::uuid[])`.execute(t.ctx.db);
  await check('removed');
  // A user of another client joins this one later: onboarded from then.
  const other = await createClient(t.ctx.db, t.config.mode, { name: 'other' });
  await sql`update user_clients set client_id = ${other.clientId} where user_id = any(${users.slice(160, 170)}::uuid[])`.execute(
    t.ctx.db,
  );
  await sql`insert into user_clients (user_id, client_id, created_at)
            select unnest(${users.slice(160, 170)}::uuid[]), ${t.client.id}, ${at(90)}`.execute(t.ctx.db);
  await check('joined later');
  await addUsers(50, 1000);
  await check('more users');
});
