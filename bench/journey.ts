// npm run bench:journey — BENCH_JOURNEYS (default 20) partner journeys at once, each over HTTP the
// way scripts/journey.ts walks it: wallet sign-in (real EIP-4361 signature) → SMS code from the
// sandbox inbox → POST /v1/users → KYC (SSN starting with 2) until APPROVED → bank through the Plaid
// sandbox until verified → INSTANT $25 ETH purchase → crypto leg COMPLETED. Prints journeys/s and
// p50/p99 per step, against baselines measured in the same run: plain ETH transfers (viem, each to
// its receipt) and a bare Fastify route. Then, unless BENCH_PURCHASES=0, the older figure: INSTANT
// purchases/s for one ready buyer (BENCH_PURCHASES, BENCH_CONCURRENCY at a time).
//   BENCH_JOURNEYS=20 BENCH_PURCHASES=20 BENCH_CONCURRENCY=5 npm run bench:journey   (DATABASE_URL=… for a PostgreSQL server)
import { randomInt } from 'node:crypto';
import os from 'node:os';
import Fastify from 'fastify';
import { parseEther } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { sandboxChainsOf } from '../src/sandbox/chains/smart-wallets.ts';
import { baseUrl, startTestApp } from '../test/helpers.ts';
import { buy, readyBuyer } from '../test/purchases.ts';

const journeys = Number(process.env.BENCH_JOURNEYS ?? 20);
const purchases = Number(process.env.BENCH_PURCHASES ?? 20);
const transfers = 40;
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 5);

// Limits out of the way: this measures throughput, not the limits.
const t = await startTestApp({
  listen: true,
  workers: true,
  env: {
    LOG_LEVEL: 'warn',
    ONRAMP_LIMIT_TRANSACTIONS_PER_DAY: '1000',
    ONRAMP_LIMIT_INSTANT_DAILY_USD: '1000000',
    ONRAMP_LIMIT_DAILY_USD: '1000000',
    ONRAMP_LIMIT_WEEKLY_USD: '1000000',
  },
});
const ms = (since: number) => performance.now() - since;

// Baseline: the chain alone — a funded account sends `purchases` transfers, each to its receipt.
const chains = sandboxChainsOf(t.ctx);
const sender = privateKeyToAccount(generatePrivateKey());
await chains.fund('ETHEREUM', sender.address, { wei: parseEther('10') });
const { createWalletClient, custom } = await import('viem');
const publicClient = t.ctx.chains.publicClient('ETHEREUM');
const wallet = createWalletClient({
  account: sender,
  chain: t.ctx.chains.chain('ETHEREUM'),
  transport: custom({ request: (args) => publicClient.request(args as never) }),
});
const recipient = privateKeyToAccount(generatePrivateKey()).address;
let started = performance.now();
for (let i = 0; i < transfers; i++) {
  const hash = await wallet.sendTransaction({ to: recipient, value: 1n });
  await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 50 });
}
const baselinePerSecond = transfers / (ms(started) / 1000);

// Baseline 2: a bare Fastify route over the same HTTP client, sequential.
const bare = Fastify();
bare.get('/bare', async () => ({ ok: true }));
await bare.listen({ host: '127.0.0.1', port: 0 });
const bareUrl = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}/bare`;
for (let i = 0; i < 200; i++) await (await fetch(bareUrl)).json();
started = performance.now();
for (let i = 0; i < 1000; i++) await (await fetch(bareUrl)).json();
const bareMs = ms(started) / 1000;
await bare.close();

// ---- N full journeys at once ----
const base = baseUrl(t);
type Json = Record<string, any>;
async function call(
  jwt: string | undefined,
  method: string,
  url: string,
  body?: unknown,
  extra: Record<string, string> = {},
): Promise<Json> {
  const headers: Record<string, string> = { ...t.clientHeaders, ...extra };
  if (jwt) headers.authorization = `Bearer ${jwt}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  const json = text ? (JSON.parse(text) as Json) : {};
  if (!res.ok) throw new Error(`${method} ${url} → ${res.status} ${json.code ?? ''}: ${json.message ?? text}`);
  return json;
}
async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 300_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const STEPS = [
  'wallet sign-in',
  'SMS code',
  'POST /v1/users',
  'KYC → APPROVED',
  'bank → verified',
  'POST …/ach (INSTANT)',
  'crypto → COMPLETED',
  'whole journey',
] as const;
type Step = (typeof STEPS)[number];
const timings = new Map<Step, number[]>(STEPS.map((s) => [s, []]));

async function journey(n: number): Promise<void> {
  const t00 = performance.now();
  let t0 = t00;
  const lap = (step: Step) => {
    const now = performance.now();
    timings.get(step)!.push(now - t0);
    t0 = now;
  };
  const account = privateKeyToAccount(generatePrivateKey());
  const wallet = { walletAddress: account.address, walletType: 'EVM' };
  const { challenge } = await call(undefined, 'POST', '/v1/auth/cryptoWallet:start', wallet);
  const signature = await account.signMessage({ message: challenge });
  let jwt: string = (await call(undefined, 'POST', '/v1/auth/cryptoWallet:authenticate', { ...wallet, signature }))
    .sessionJwt;
  lap('wallet sign-in');

  const phone = `+1201${String(5550000 + ((process.pid * 100 + n) % 10_000)).padStart(7, '0')}`;
  const { phoneId } = await call(jwt, 'POST', '/v1/auth/otp/sms:send', { phoneNumber: phone });
  const inbox = await call(jwt, 'GET', `/sandbox/inbox?to=${encodeURIComponent(phone)}`);
  const otp = /\b(\d{6})\b/.exec(inbox.items[0]?.text ?? '')?.[1];
  if (!otp) throw new Error(`no code in the sandbox inbox for ${phone}`);
  jwt = (await call(jwt, 'POST', '/v1/auth/otp/sms:authenticate', { phoneId, otp })).sessionJwt;
  lap('SMS code');

  const user = await call(jwt, 'POST', '/v1/users', {
    firstName: 'Dylan',
    lastName: 'Smith',
    email: `bench.${n}.${Date.now()}@gmail.com`,
    country: 'US',
    phone,
    acceptedTerms: true,
  });
  const depositWallet = (await call(jwt, 'GET', `/v1/users/${user.id}/wallets`)).items[0];
  lap('POST /v1/users');

  const ssn = `2${String(randomInt(10, 99))}-${String(randomInt(10, 99))}-${String(randomInt(1000, 9999))}`;
  await call(jwt, 'POST', `/v1/users/${user.id}/kyc`, {
    dateOfBirth: '1990-04-12',
    idType: 'SSN',
    idNumber: ssn,
    line1: '123 Main St',
    city: 'Austin',
    state: 'TX',
    postalCode: '78701',
    nationality: 'US',
    occupation: 'Engineer',
  });
  const kyc = await until('KYC', async () => {
    const u = await call(jwt, 'GET', `/v1/users/${user.id}`);
    return ['APPROVED', 'DECLINED', 'IN_REVIEW'].includes(u.kyc.status) ? u.kyc : undefined;
  });
  if (kyc.status !== 'APPROVED') throw new Error(`KYC ended ${kyc.status}`);
  lap('KYC → APPROVED');

  const link = await call(jwt, 'POST', `/v1/users/${user.id}/banks:requestLink`, {});
  const { publicToken } = await call(jwt, 'POST', '/sandbox/link/complete', {
    token: link.linkToken,
    institutionId: 'ins_109511',
    username: 'custom_ratio_good',
    password: 'pass_good',
  });
  const bankId: string = (await call(jwt, 'POST', `/v1/users/${user.id}/banks:activateLink`, { publicToken }))
    .bankAccount.id;
  const bank = await until('bank verification', async () => {
    const b = await call(jwt, 'GET', `/v1/users/${user.id}/banks/${bankId}`);
    return b.verificationStatus && b.verificationStatus !== 'IN_REVIEW' ? b : undefined;
  });
  if (bank.verificationStatus !== 'APPROVED') throw new Error(`bank ended ${bank.verificationStatus}`);
  lap('bank → verified');

  const purchase = await call(
    jwt,
    'POST',
    `/v1/users/${user.id}/banks/${bankId}/ach`,
    { fiatAmount: '25.00', cryptoCurrency: 'ETH', walletId: depositWallet.id, type: 'INSTANT' },
    { 'idempotency-key': `bench-${n}-${Date.now()}` },
  );
  const activityId: string = purchase.activityItem.id;
  lap('POST …/ach (INSTANT)');
  const done = await until('the crypto leg', async () => {
    const a = await call(jwt, 'GET', `/v1/users/${user.id}/activity/${activityId}`);
    return a.crypto?.status === 'COMPLETED' || a.crypto?.status === 'FAILED' ? a : undefined;
  });
  if (done.crypto.status !== 'COMPLETED') throw new Error(`purchase ${activityId} ended ${done.crypto.status}`);
  lap('crypto → COMPLETED');
  timings.get('whole journey')!.push(performance.now() - t00);
}

started = performance.now();
await Promise.all(Array.from({ length: journeys }, (_, n) => journey(n)));
const journeysPerSecond = journeys / (ms(started) / 1000);
const pct = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

// The older figure: INSTANT purchases/s for one buyer made ready through the API.
let purchasesPerSecond = 0;
const postLatencies: number[] = [];
if (purchases > 0) {
  const buyer = await readyBuyer(t, baseUrl(t));
  started = performance.now();
  const ids: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < purchases) {
        next++;
        const t0 = performance.now();
        const res = await buy(t, buyer, { fiatAmount: '25', cryptoCurrency: 'ETH', type: 'INSTANT' });
        postLatencies.push(ms(t0));
        if (res.statusCode !== 202) throw new Error(`purchase failed: ${res.body}`);
        ids.push(res.json().activityItem.id);
      }
    }),
  );
  // Done when every crypto leg is COMPLETED (read from the database the API reads, to keep polling cheap).
  for (;;) {
    const done = await t.db.db
      .selectFrom('activity_items')
      .select('id')
      .where('id', 'in', ids)
      .where('crypto_status', '=', 'COMPLETED')
      .execute();
    const failed = await t.db.db
      .selectFrom('activity_items')
      .select('id')
      .where('id', 'in', ids)
      .where('crypto_status', '=', 'FAILED')
      .execute();
    if (failed.length > 0) throw new Error(`${failed.length} purchases failed`);
    if (done.length === ids.length) break;
    if (ms(started) > 600_000) throw new Error(`only ${done.length}/${ids.length} purchases completed in 10 minutes`);
    await new Promise((r) => setTimeout(r, 50));
  }
  purchasesPerSecond = purchases / (ms(started) / 1000);
}

const f = (x: number) => x.toFixed(0).padStart(6);
process.stdout.write(
  [
    `bench:journey — ${journeys} concurrent partner journeys over HTTP, Node ${process.version}, ${os.cpus().length} CPUs, database ${t.db.kind}`,
    `baseline: ETH transfer signed + sent + receipt (viem), sequential   ${baselinePerSecond.toFixed(1).padStart(7)} /s`,
    `baseline: bare Fastify route over fetch, sequential                 ${(1000 / bareMs).toFixed(0).padStart(7)} /s`,
    `full journeys (sign-in → … → crypto COMPLETED)                      ${journeysPerSecond.toFixed(2).padStart(7)} /s`,
    `ratio journeys / plain transfers: ${(journeysPerSecond / baselinePerSecond).toFixed(3)}   journeys / bare requests: ${(journeysPerSecond / (1000 / bareMs)).toFixed(5)}`,
    `step                          p50 ms   p99 ms`,
    ...STEPS.map((step) => `${step.padEnd(28)} ${f(pct(timings.get(step)!, 50))}   ${f(pct(timings.get(step)!, 99))}`),
    ...(purchases > 0
      ? [
          `older figure: ${purchases} INSTANT purchases for one buyer, ${concurrency} at a time: ${purchasesPerSecond.toFixed(1)} /s (POST p50 ${pct(postLatencies, 50).toFixed(0)} ms, p99 ${pct(postLatencies, 99).toFixed(0)} ms), ${(purchasesPerSecond / baselinePerSecond).toFixed(2)}× plain transfers`,
        ]
      : []),
    '',
  ].join('\n'),
);
await t.close();
