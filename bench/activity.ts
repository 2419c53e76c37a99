// npm run bench:activity — the activity list of a user with many items (BENCH_ROWS, default 10,000)
// against a bare Fastify route answering the same JSON, measured in one run with autocannon: the
// first page, a page deep in the history (keyset pageToken), and a filtered page.
//   BENCH_ROWS=10000 BENCH_DURATION=10 BENCH_CONNECTIONS=20 npm run bench:activity   (DATABASE_URL=… for a PostgreSQL server)
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
import type { NewRow } from '../src/db/schema.ts';
import { createClient } from '../src/modules/clients/create-client.ts';
import { scratchDatabase } from './scratch.ts';

const rows = Number(process.env.BENCH_ROWS ?? 10_000);
const duration = Number(process.env.BENCH_DURATION ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 20);

const scratch = await scratchDatabase();
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onramp-bench-'));
const config = loadConfig({ ...process.env, ...(scratch.url ? { DATABASE_URL: scratch.url } : {}), ONRAMP_STATE_DIR: stateDir, LOG_LEVEL: 'warn', ONRAMP_RATE_LIMIT_ENABLED: 'false', PORT: '0' });
const { app, ctx } = await buildApp({ config, workers: false });
await app.listen({ host: '127.0.0.1', port: 0 });
const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
const client = await createClient(ctx.db, config.mode, { name: 'bench' });
const clientHeaders = { 'ratio-client-id': client.clientId, 'ratio-client-secret': client.clientSecret, 'content-type': 'application/json' };

// A user with a signing wallet, signed in with it (one factor is enough to read).
const account = privateKeyToAccount(generatePrivateKey());
const userId = randomUUID();
await ctx.db.insertInto('users').values({ id: userId, client_id: client.clientId, first_name: 'Bench', last_name: 'User', email: `${userId}@example.com`, email_normalized: `${userId}@example.com`, phone: '+12025550100', country: 'US' }).execute();
await ctx.db.insertInto('user_clients').values({ user_id: userId, client_id: client.clientId }).execute();
await ctx.db.insertInto('signing_wallets').values({ id: randomUUID(), user_id: userId, wallet_type: 'EVM', address: account.address, added_by_client_id: client.clientId }).execute();
const postJson = async (url: string, body: unknown, headers: Record<string, string> = clientHeaders) => {
  const res = await fetch(`${base}${url}`, { method: 'POST', headers, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
};
const start = await postJson('/v1/auth/cryptoWallet:start', { walletAddress: account.address, walletType: 'EVM' });
const signature = await account.signMessage({ message: String(start.challenge) });
const auth = await postJson('/v1/auth/cryptoWallet:authenticate', { walletAddress: account.address, walletType: 'EVM', signature });
const headers = { 'ratio-client-id': client.clientId, 'ratio-client-secret': client.clientSecret, authorization: `Bearer ${String(auth.sessionJwt)}` };

// The history: `rows` purchases over the last year, mixed legs and currencies, in batches.
const wallet = { id: randomUUID(), createTime: new Date().toISOString(), updateTime: new Date().toISOString(), address: account.address, type: 'EVM', name: 'Main' };
const bank = { id: randomUUID(), name: 'Plaid Checking', mask: '0000', linkStatus: 'ACTIVE', verificationStatus: 'APPROVED' };
const now = Date.now();
for (let offset = 0; offset < rows; offset += 1000) {
  const batch: NewRow<'activity_items'>[] = [];
  for (let i = offset; i < Math.min(rows, offset + 1000); i++) {
    const at = new Date(now - i * 3_000_000);
    batch.push({
      id: randomUUID(), user_id: userId, client_id: client.clientId, kind: 'ACH_PURCHASE', created_at: at, updated_at: at,
      fiat_status: i % 7 === 0 ? 'PENDING' : 'COMPLETED', fiat_currency: 'USD', fiat_amount_cents: 2500n + BigInt(i), fiat_direction: 'CREDIT',
      funding_method: i % 2 ? 'ACH_ORIGINATED_INSTANT' : 'ACH_ORIGINATED_STANDARD', bank_id: bank.id, bank_account: JSON.stringify(bank),
      crypto_status: i % 11 === 0 ? 'FAILED' : 'COMPLETED', crypto_currency: i % 3 ? 'ETH' : 'USDC_POLYGON', crypto_direction: 'DEBIT',
      wallet_id: wallet.id, wallet: JSON.stringify(wallet), crypto_amount_minor: String(7_000_000_000_000_000n + BigInt(i)), crypto_amount_estimated: false,
      price_cents: 350_000n, fee_cents: 75n, network_fee_cents: 12n, transaction_hash: `0x${i.toString(16).padStart(64, '0')}`,
      metadata: JSON.stringify({ achType: i % 2 ? 'INSTANT' : 'STANDARD', network: i % 3 ? 'ETHEREUM' : 'POLYGON' }),
    });
  }
  await ctx.db.insertInto('activity_items').values(batch).execute();
}

// A PostgreSQL server's autovacuum keeps planner statistics fresh; do what it would have done by now.
await sql`analyze activity_items`.execute(ctx.db);

const get = async (url: string) => {
  const res = await fetch(`${base}${url}`, { headers });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { items: unknown[]; nextPageToken?: string };
};
const listUrl = `/v1/users/${userId}/activity?pageSize=20`;
const firstPage = await get(listUrl);
// A page about halfway through the history: follow tokens of 100-item pages to it.
let token = '';
for (let i = 0; i < Math.floor(rows / 200); i++) token = (await get(`/v1/users/${userId}/activity?pageSize=100${token ? `&pageToken=${token}` : ''}`)).nextPageToken!;
const deepUrl = `/v1/users/${userId}/activity?pageSize=20&pageToken=${token}`;
const filteredUrl = `/v1/users/${userId}/activity?pageSize=20&cryptoStatus=FAILED&cryptoCurrency=USDC_POLYGON`;
const filtered = await get(filteredUrl);
if (firstPage.items.length !== 20 || filtered.items.length !== 20) throw new Error('unexpected page sizes');

const bare = Fastify();
bare.get('/bare', async () => firstPage);
await bare.listen({ host: '127.0.0.1', port: 0 });
const bareUrl = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}/bare`;

async function run(name: string, url: string, h: Record<string, string>) {
  await autocannon({ url, headers: h, connections, duration: 2, workers: 1 }); // warm-up
  const r = await autocannon({ url, headers: h, connections, duration, workers: 1 });
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return { name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99 };
}
const baseline = await run('bare Fastify route (same 20-item JSON)', bareUrl, {});
const results = [
  await run('activity, first page (20 items)', `${base}${listUrl}`, headers),
  await run(`activity, page at item ${Math.floor(rows / 2)} (pageToken)`, `${base}${deepUrl}`, headers),
  await run('activity, filtered (status + currency)', `${base}${filteredUrl}`, headers),
];
const line = (r: typeof baseline) => `${r.name.padEnd(44)} ${r.rps.toFixed(0).padStart(8)} req/s   p50 ${r.p50} ms   p99 ${r.p99} ms   ${(r.rps / baseline.rps).toFixed(2)}× bare`;
process.stdout.write(
  [
    `bench:activity — ${rows} activity items for one user, ${connections} connections, ${duration} s each, Node ${process.version}, ${os.cpus().length} CPUs, database ${ctx.dbHandle.kind}`,
    line(baseline),
    ...results.map(line),
    '',
  ].join('\n'),
);
await bare.close();
await app.close();
fs.rmSync(stateDir, { recursive: true, force: true });
await scratch.drop();
