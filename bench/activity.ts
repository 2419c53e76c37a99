// npm run bench:activity — the activity list of a user with many items, at several history sizes
// (BENCH_SIZES, default 1k, 100k and 1M rows, each size its own user), against a bare Fastify route
// answering the same JSON, measured in one run with autocannon: the first page, a page halfway into
// the history (keyset pageToken), and a filtered page. Rows are made by one INSERT … SELECT
// generate_series per size. Also prints EXPLAIN ANALYZE of the list query at each size.
//   BENCH_SIZES=1000,100000,1000000 BENCH_DURATION=10 BENCH_CONNECTIONS=20 npm run bench:activity   (DATABASE_URL=… for a PostgreSQL server)
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import Fastify from 'fastify';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createClient } from '../src/modules/clients/create-client.ts';
import { scratchDatabase } from './scratch.ts';

const sizes = (process.env.BENCH_SIZES ?? '1000,100000,1000000')
  .split(',')
  .map((x) => Number(x.trim()))
  .filter((n) => n > 0);
const duration = Number(process.env.BENCH_DURATION ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 20);

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
const clientHeaders = {
  'ratio-client-id': client.clientId,
  'ratio-client-secret': client.clientSecret,
  'content-type': 'application/json',
};

async function signedInUser(n: number) {
  // A user with a signing wallet, signed in with it (one factor is enough to read).
  const account = privateKeyToAccount(generatePrivateKey());
  const userId = randomUUID();
  await ctx.db
    .insertInto('users')
    .values({
      id: userId,
      client_id: client.clientId,
      first_name: 'Bench',
      last_name: 'User',
      email: `${userId}@example.com`,
      email_normalized: `${userId}@example.com`,
      phone: `+1202555${String(n + 100).padStart(4, '0')}`,
      country: 'US',
    })
    .execute();
  await ctx.db.insertInto('user_clients').values({ user_id: userId, client_id: client.clientId }).execute();
  await ctx.db
    .insertInto('signing_wallets')
    .values({
      id: randomUUID(),
      user_id: userId,
      wallet_type: 'EVM',
      address: account.address,
      added_by_client_id: client.clientId,
    })
    .execute();
  const start = await postJson('/v1/auth/cryptoWallet:start', { walletAddress: account.address, walletType: 'EVM' });
  const signature = await account.signMessage({ message: String(start.challenge) });
  const auth = await postJson('/v1/auth/cryptoWallet:authenticate', {
    walletAddress: account.address,
    walletType: 'EVM',
    signature,
  });
  const headers = {
    'ratio-client-id': client.clientId,
    'ratio-client-secret': client.clientSecret,
    authorization: `Bearer ${String(auth.sessionJwt)}`,
  };
  return { account, userId, headers };
}
const postJson = async (url: string, body: unknown, h: Record<string, string> = clientHeaders) => {
  const res = await fetch(`${base}${url}`, { method: 'POST', headers: h, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
};

/** `rows` purchases, one a minute back from now, mixed legs and currencies: one statement. */
async function insertHistory(userId: string, address: string, rows: number): Promise<number> {
  const walletId = randomUUID();
  const now = new Date().toISOString();
  const wallet = JSON.stringify({ id: walletId, createTime: now, updateTime: now, address, type: 'EVM', name: 'Main' });
  const bankId = randomUUID();
  const bank = JSON.stringify({
    id: bankId,
    name: 'Plaid Checking',
    mask: '0000',
    linkStatus: 'ACTIVE',
    verificationStatus: 'APPROVED',
  });
  const t0 = performance.now();
  // One statement may outlast the pool's statement_timeout at 1M rows on a server: lift it for this one.
  await ctx.db.transaction().execute(async (trx) => {
    await sql`set local statement_timeout = 0`.execute(trx);
    await sql`
    insert into activity_items (id, user_id, client_id, kind, created_at, updated_at, fiat_status, fiat_currency, fiat_amount_cents,
      fiat_direction, funding_method, bank_id, bank_account, crypto_status, crypto_currency, crypto_direction, wallet_id, wallet,
      crypto_amount_minor, crypto_amount_estimated, price_cents, fee_cents, network_fee_cents, transaction_hash, metadata)
    select gen_random_uuid(), ${userId}::uuid, ${client.clientId}, 'ACH_PURCHASE', ts, ts,
      case when i % 7 = 0 then 'PENDING' else 'COMPLETED' end, 'USD', 2500 + i, 'CREDIT',
      case when i % 2 = 1 then 'ACH_ORIGINATED_INSTANT' else 'ACH_ORIGINATED_STANDARD' end, ${bankId}::uuid, ${bank}::jsonb,
      case when i % 11 = 0 then 'FAILED' else 'COMPLETED' end, case when i % 3 <> 0 then 'ETH' else 'USDC_POLYGON' end, 'DEBIT',
      ${walletId}::uuid, ${wallet}::jsonb, (7000000000000000 + i)::numeric, false, 350000, 75, 12,
      '0x' || lpad(to_hex(i), 64, '0'),
      jsonb_build_object('achType', case when i % 2 = 1 then 'INSTANT' else 'STANDARD' end, 'network', case when i % 3 <> 0 then 'ETHEREUM' else 'POLYGON' end)
    from generate_series(0, ${rows - 1}::int) as i, lateral (select now() - i * interval '1 minute' as ts) as t
  `.execute(trx);
  });
  return performance.now() - t0;
}

const bare = Fastify();
let bareBody: unknown = {};
bare.get('/bare', async () => bareBody);
await bare.listen({ host: '127.0.0.1', port: 0 });
const bareUrl = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}/bare`;

async function run(name: string, url: string, h: Record<string, string>) {
  await autocannon({ url, headers: h, connections, duration: 2, workers: 1 }); // warm-up
  const r = await autocannon({ url, headers: h, connections, duration, workers: 1 });
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return { name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99 };
}
type Result = Awaited<ReturnType<typeof run>>;
const out: string[] = [
  `bench:activity — sizes ${sizes.join(', ')}, ${connections} connections, ${duration} s each, Node ${process.version}, ${os.cpus().length} CPUs, database ${ctx.dbHandle.kind}`,
];
const print = (line: string) => {
  out.push(line);
  process.stderr.write(`${line}\n`);
};

let baseline: Result | undefined;
for (const rows of sizes) {
  const { account, userId, headers } = await signedInUser(sizes.indexOf(rows));
  const insertMs = await insertHistory(userId, account.address, rows);
  // A PostgreSQL server's autovacuum keeps planner statistics fresh; do what it would have done by now.
  await sql`analyze activity_items`.execute(ctx.db);

  const get = async (url: string) => {
    const res = await fetch(`${base}${url}`, { headers });
    if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
    return (await res.json()) as { items: unknown[]; nextPageToken?: string };
  };
  const listUrl = `/v1/users/${userId}/activity?pageSize=20`;
  const firstPage = await get(listUrl);
  // A page halfway through the history: the token the API would hand out after the item at rows/2
  // (same shape as list-activity.ts's nextPageToken; walking to it page by page costs minutes at 1M).
  const mid = await sql<{
    t: string;
    id: string;
  }>`select created_at::text as t, id from activity_items where user_id = ${userId}::uuid order by created_at desc, id desc offset ${Math.floor(rows / 2)} limit 1`.execute(
    ctx.db,
  );
  const token = Buffer.from(
    JSON.stringify({ v: 1, u: userId, f: {}, c: { createdAt: mid.rows[0]!.t, id: mid.rows[0]!.id } }),
    'utf8',
  ).toString('base64url');
  const deepUrl = `/v1/users/${userId}/activity?pageSize=20&pageToken=${token}`;
  const deep = await get(deepUrl);
  const filteredUrl = `/v1/users/${userId}/activity?pageSize=20&cryptoStatus=FAILED&cryptoCurrency=USDC_POLYGON`;
  const filtered = await get(filteredUrl);
  if (firstPage.items.length !== 20 || deep.items.length !== 20 || filtered.items.length !== 20)
    throw new Error('unexpected page sizes');

  if (!baseline) {
    bareBody = firstPage;
    baseline = await run('bare Fastify route (same 20-item JSON)', bareUrl, {});
    print(line(baseline, baseline));
  }
  print(`— ${rows} rows (inserted in ${(insertMs / 1000).toFixed(1)} s)`);
  for (const [name, url] of [
    ['activity, first page (20 items)', listUrl],
    [`activity, page at item ${Math.floor(rows / 2)} (pageToken)`, deepUrl],
    ['activity, filtered (status + currency)', filteredUrl],
  ] as const) {
    print(line(await run(name, `${base}${url}`, headers), baseline));
  }
  if (process.env.BENCH_EXPLAIN !== '0') {
    for (const [what, q] of [
      [
        'first page',
        sql`explain (analyze, buffers) select *, created_at::text as created_at_text from activity_items where user_id = ${userId}::uuid order by created_at desc, id desc limit 21`,
      ],
      [
        'filtered',
        sql`explain (analyze, buffers) select *, created_at::text as created_at_text from activity_items where user_id = ${userId}::uuid and crypto_currency = 'USDC_POLYGON' and crypto_status in ('FAILED') order by created_at desc, id desc limit 21`,
      ],
    ] as const) {
      const plan = await q.execute(ctx.db);
      print(
        `  EXPLAIN ANALYZE ${what}: ${(plan.rows as Array<Record<string, string>>)
          .map((r) => String(Object.values(r)[0]))
          .filter((l) => /Scan|Limit|Execution|Planning/.test(l))
          .map((l) => l.trim())
          .join(' | ')}`,
      );
    }
  }
}
function line(r: Result, b: Result) {
  return `${r.name.padEnd(44)} ${r.rps.toFixed(0).padStart(8)} req/s   p50 ${r.p50} ms   p99 ${r.p99} ms   ${(r.rps / b.rps).toFixed(2)}× bare`;
}
process.stdout.write(`${out.join('\n')}\n`);
await bare.close();
await app.close();
fs.rmSync(stateDir, { recursive: true, force: true });
await scratch.drop();
