// npm run bench:dashboard — the dashboard's reports at 1M activity items (BENCH_ROWS) spread over
// BENCH_USERS fully onboarded users of one client, against the partner API's activity page (a user's
// first page, as bench:activity measures it) and a bare Fastify route, in one run: one request at a
// time (latency: the overview's budget is 200 ms at 1M rows) and BENCH_CONNECTIONS at once. Rows are
// made with INSERT … SELECT generate_series (the activity rollups are filled by their triggers, as in
// production). Also prints how long each of the overview's queries takes at the widest range.
//   BENCH_ROWS=1000000 BENCH_USERS=10000 BENCH_DURATION=10 BENCH_CONNECTIONS=10 npm run bench:dashboard   (DATABASE_URL=… for a PostgreSQL server)
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { sql } from 'kysely';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createClient } from '../src/modules/clients/create-client.ts';
import { parseRange } from '../src/modules/dashboard/range.ts';
import { activeUsers, funnel, onboardedUsers, transactions } from '../src/modules/dashboard/report-queries.ts';
import { startSession } from '../src/modules/dashboard/sessions.ts';
import { scratchDatabase } from './scratch.ts';

const rows = Number(process.env.BENCH_ROWS ?? 1_000_000);
const users = Number(process.env.BENCH_USERS ?? 10_000);
const duration = Number(process.env.BENCH_DURATION ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);

const scratch = await scratchDatabase();
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onramp-bench-'));
const config = loadConfig({
  ...process.env,
  ...(scratch.url ? { DATABASE_URL: scratch.url } : {}),
  ONRAMP_STATE_DIR: stateDir,
  LOG_LEVEL: 'warn',
  ONRAMP_RATE_LIMIT_ENABLED: 'false',
  PORT: '0',
});
const { app, ctx } = await buildApp({ config, workers: false });
await app.listen({ host: '127.0.0.1', port: 0 });
const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
const client = await createClient(ctx.db, config.mode, { name: 'bench' });
const clientId = client.clientId;
// Bench user 1's signing wallet: the activity page is read as that user (its ~rows/users items).
const readerAccount = privateKeyToAccount(generatePrivateKey());
const walletOf = sql`case when i = 1 then ${readerAccount.address} else '0x' || lpad(to_hex(i), 40, '0') end`;

/** `users` onboarded users (KYC approved, a verified bank, a signing wallet in the funnel), one statement each table. */
async function insertUsers(): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    await sql`set local statement_timeout = 0`.execute(trx);
    await sql`create temporary table bench_users on commit drop as
      select gen_random_uuid() as id, i, now() - interval '720 days' + i * interval '1 minute' as t
        from generate_series(1, ${users}::int) as i`.execute(trx);
    await sql`insert into users (id, client_id, first_name, last_name, email, email_normalized, phone, country, created_at, updated_at)
      select id, ${clientId}, 'Bench', 'User', 'b' || i || '@example.com', 'b' || i || '@example.com', '+1' || (2000000000 + i)::text, 'US', t, t
        from bench_users`.execute(trx);
    await sql`insert into user_clients (user_id, client_id, created_at) select id, ${clientId}, t from bench_users`.execute(
      trx,
    );
    await sql`insert into signing_wallets (id, user_id, wallet_type, address, added_by_client_id, created_at)
      select gen_random_uuid(), id, 'EVM', ${walletOf}, ${clientId}, t from bench_users`.execute(trx);
    await sql`insert into funnel_wallets (client_id, wallet_type, address, connected_at, phone_entered_at, sms_verified_at)
      select ${clientId}, 'EVM', ${walletOf}, t, t, t from bench_users`.execute(trx);
    await sql`insert into kyc_submissions (user_id, status, address_result, dob_result, fraud_result, idv_result, date_of_birth,
        id_type, ssn_ciphertext, ssn_key_id, ssn_last4, ssn_index, line1, city, state, postal_code, provider, submitted_at, decided_at)
      select id, 'APPROVED', 'APPROVED', 'APPROVED', 'APPROVED', 'APPROVED', '1990-01-01', 'SSN', 'x', 'k1', '0000', 'bench' || i,
             '1 Main St', 'Springfield', 'IL', '62701', 'bench', t, t from bench_users`.execute(trx);
    await sql`insert into banks (id, user_id, client_id, plaid_item_id, access_token_key_id, access_token_ciphertext, plaid_account_id,
        account_name, routing_number, account_number_key_id, account_number_ciphertext, owner_names, link_status,
        verification_status, verification_state, verified_at, created_at, updated_at)
      select gen_random_uuid(), id, ${clientId}, 'item-' || i, 'k1', 'x', 'acc-' || i, 'Checking', '011401533', 'k1', 'x',
             array['Bench User'], 'ACTIVE', 'APPROVED', 'DONE', t, t, t from bench_users`.execute(trx);
  });
}

/** `rows` purchases, one a minute back from now, cycling through the users; mixed legs and ACH types. */
async function insertActivity(): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    await sql`set local statement_timeout = 0`.execute(trx);
    await sql`
      insert into activity_items (id, user_id, client_id, kind, created_at, updated_at, fiat_status, fiat_currency, fiat_amount_cents,
        fiat_direction, funding_method, crypto_status, crypto_currency, crypto_direction, crypto_amount_minor,
        crypto_amount_estimated, price_cents, fee_cents, network_fee_cents, metadata)
      select gen_random_uuid(), u.id, ${clientId}, 'ACH_PURCHASE', ts, ts,
        case when i % 13 = 0 then 'FAILED' when i % 7 = 0 then 'PENDING' else 'COMPLETED' end, 'USD', 2500 + i % 10000, 'CREDIT',
        case when i % 2 = 1 then 'ACH_ORIGINATED_INSTANT' else 'ACH_ORIGINATED_STANDARD' end,
        case when i % 11 = 0 then 'FAILED' else 'COMPLETED' end, 'ETH', 'DEBIT', 7000000000000000, false, 350000,
        case when i % 2 = 1 then (2500 + i % 10000) * 3 / 100 else 0 end, 12, '{}'::jsonb
      from generate_series(0, ${rows - 1}::int) as i
      join lateral (select now() - i * interval '1 minute' as ts) t on true
      join (select id, row_number() over (order by created_at, id) - 1 as n from users where client_id = ${clientId}) u
        on u.n = i % ${users}`.execute(trx);
  });
}

/**
 * Bench user 1 (it has rows/users items), signed in with its wallet (one factor reads its activity),
 * for the activity page. Called right before each run: a session JWT lives ONRAMP_JWT_TTL_SECONDS
 * (5 minutes), less than the slow runs before it take at 1M rows.
 */
async function activityReader() {
  const account = readerAccount;
  const { id: userId } = await ctx.db
    .selectFrom('users')
    .select('id')
    .where('email_normalized', '=', 'b1@example.com')
    .executeTakeFirstOrThrow();
  const post = async (url: string, body: unknown) => {
    const res = await fetch(`${base}${url}`, {
      method: 'POST',
      headers: {
        'ratio-client-id': clientId,
        'ratio-client-secret': client.clientSecret,
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Record<string, string>;
  };
  const start = await post('/v1/auth/cryptoWallet:start', { walletAddress: account.address, walletType: 'EVM' });
  const signature = await account.signMessage({ message: start.challenge! });
  const auth = await post('/v1/auth/cryptoWallet:authenticate', {
    walletAddress: account.address,
    walletType: 'EVM',
    signature,
  });
  return {
    url: `${base}/v1/users/${userId}/activity?pageSize=20`,
    headers: {
      'ratio-client-id': clientId,
      'ratio-client-secret': client.clientSecret,
      authorization: `Bearer ${auth.sessionJwt}`,
    },
  };
}

async function run(name: string, url: string, headers: Record<string, string>, conns: number) {
  await autocannon({ url, headers, connections: conns, duration: 2, workers: 1 }); // warm-up
  const r = await autocannon({ url, headers, connections: conns, duration, workers: 1 });
  // A non-2xx is a bug in the bench or the server; a timeout (autocannon's 10 s) is a slow answer, counted.
  if (r.non2xx > 0 || r.errors > r.timeouts) {
    const res = await fetch(url, { headers });
    throw new Error(
      `${name}: ${r.non2xx} non-2xx, ${r.errors} errors (now: ${res.status} ${(await res.text()).slice(0, 200)})`,
    );
  }
  return { name, rps: r.requests.total / duration, p50: r.latency.p50, p99: r.latency.p99, timeouts: r.timeouts };
}

/** One request at a time, `BENCH_REQUESTS` of them (however slow): the latency a member waits. */
async function sequential(name: string, url: string, headers: Record<string, string>) {
  const count = Number(process.env.BENCH_REQUESTS ?? 20);
  const times: number[] = [];
  for (let i = 0; i < count + 2; i++) {
    const t = performance.now();
    const res = await fetch(url, { headers });
    if (!res.ok) throw new Error(`${name}: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
    if (i >= 2) times.push(performance.now() - t); // two warm-up requests
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  const total = times.reduce((a, b) => a + b, 0);
  return { name, rps: (times.length * 1000) / total, p50: Math.round(at(0.5)), p99: Math.round(at(0.99)), timeouts: 0 };
}

const out: string[] = [];
const print = (line: string) => {
  out.push(line);
  process.stderr.write(`${line}\n`);
};
print(
  `bench:dashboard — ${rows} activity items over ${users} users, ${duration} s per run, Node ${process.version}, ${os.cpus().length} CPUs, database ${ctx.dbHandle.kind}`,
);
let t0 = performance.now();
await insertUsers();
print(`  users inserted in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
t0 = performance.now();
await insertActivity();
print(`  activity inserted (rollup triggers included) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
// A PostgreSQL server's autovacuum keeps planner statistics fresh; do what it would have done by now.
await sql`analyze`.execute(ctx.db);

const now = ctx.clock.now();
const member = await ctx.db
  .insertInto('dashboard_members')
  .values({
    id: randomUUID(),
    client_id: clientId,
    email: 'bench@example.com',
    role: 'VIEWER',
    invited_by: 'OPERATOR',
    created_at: now,
    updated_at: now,
  })
  .returning('id')
  .executeTakeFirstOrThrow();
const session = await startSession(ctx, member.id, { ip: '127.0.0.1', userAgent: 'bench', requestId: 'bench' });
const cookie = { cookie: `onramp_dashboard=${session.token}` };
const today = now.toISOString().slice(0, 10);
const oldest = new Date(now.getTime() - rows * 60_000).toISOString().slice(0, 10);
const yearAgo = new Date(now.getTime() - 364 * 86_400_000).toISOString().slice(0, 10);

const bareBody = await (await fetch(`${base}/dashboard/api/overview`, { headers: cookie })).json();
const bare = Fastify();
bare.get('/bare', async () => bareBody);
await bare.listen({ host: '127.0.0.1', port: 0 });
const bareUrl = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}/bare`;

const reader = await activityReader();
const targets = [
  ['bare Fastify route (the overview JSON)', bareUrl, {}],
  ['activity page (first 20 items)', reader.url, reader.headers],
  ['overview, last 30 days (default)', `${base}/dashboard/api/overview`, cookie],
  ['overview, last 365 days (weekly series)', `${base}/dashboard/api/overview?from=${yearAgo}&to=${today}`, cookie],
  [`overview, all ${rows} rows (${oldest}…)`, `${base}/dashboard/api/overview?from=${oldest}&to=${today}`, cookie],
] as const;
for (const conns of [1, connections]) {
  print(conns === 1 ? '— one request at a time' : `— ${conns} connections`);
  let activity: Awaited<ReturnType<typeof run>> | undefined;
  for (const [name, url, headers0] of targets) {
    const headers = name.startsWith('activity') ? (await activityReader()).headers : headers0;
    const r = conns === 1 ? await sequential(name, url, headers) : await run(name, url, headers, conns);
    if (name.startsWith('activity')) activity = r;
    const vs =
      activity && !name.startsWith('activity') && !name.startsWith('bare')
        ? `   ${(activity.rps / r.rps).toFixed(1)}× the activity page's time`
        : '';
    const late = r.timeouts > 0 ? `   ${r.timeouts} timed out (10 s)` : '';
    print(`  ${name.padEnd(52)} ${r.rps.toFixed(1).padStart(8)} req/s   p50 ${r.p50} ms   p99 ${r.p99} ms${vs}${late}`);
  }
}

const range = parseRange(now, oldest, today);
const queries = [
  ['transactions (daily rollup)', transactions],
  ['activeUsers (distinct users of the days)', activeUsers],
  ['onboardedUsers', onboardedUsers],
  ['funnel', funnel],
] as const;
print(`— the overview's queries over all ${rows} rows (one call each, after the runs above)`);
for (const [name, q] of queries) {
  const s = performance.now();
  await q(ctx.db, clientId, range);
  print(`  ${name.padEnd(40)} ${(performance.now() - s).toFixed(1)} ms`);
}
// BENCH_EXPLAIN=1: each query's EXPLAIN ANALYZE over the default range and the whole history.
if (process.env.BENCH_EXPLAIN) {
  let plan: string[] = [];
  const explaining = ctx.db.withPlugin({
    transformQuery: ({ node }) =>
      node.kind === 'RawNode'
        ? {
            ...node,
            sqlFragments: [`explain (analyze, buffers) ${node.sqlFragments[0]}`, ...node.sqlFragments.slice(1)],
          }
        : node,
    transformResult: async ({ result }) => {
      plan = result.rows.map((r) => String(Object.values(r)[0]));
      return { ...result, rows: [] };
    },
  });
  for (const [label, r] of [
    ['30 days', parseRange(now)],
    ['all rows', range],
  ] as const)
    for (const [name, q] of queries) {
      await q(explaining, clientId, r);
      print(`— EXPLAIN ANALYZE ${name}, ${label}\n${plan.join('\n')}`);
    }
}

process.stdout.write(`${out.join('\n')}\n`);
await bare.close();
await app.close();
fs.rmSync(stateDir, { recursive: true, force: true });
await scratch.drop();
