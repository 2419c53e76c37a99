// npm run bench:auth — wallet sign-ins/s and OTP verifications/s through the real HTTP API, against
// baselines measured in the same run: a bare Fastify POST route (the HTTP + JSON floor) and raw viem
// verifyMessage (the signature-check floor). Client-side work (signing challenges, reading codes) is
// done between the timed phases so only the server is measured.
//   BENCH_N=400 BENCH_CONCURRENCY=16 npm run bench:auth        (DATABASE_URL=… for a PostgreSQL server)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { verifyMessage } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createClient } from '../src/modules/clients/create-client.ts';
import { scratchDatabase } from './scratch.ts';

const n = Number(process.env.BENCH_N ?? 400);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);

/** Runs `task(i)` for i < count with `concurrency` in flight; returns operations per second. */
async function rate(count: number, task: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

async function postJson(url: string, body: unknown, headers: Record<string, string>): Promise<Record<string, unknown>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${url}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const scratch = await scratchDatabase();
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onramp-bench-'));
const config = loadConfig({
  ...process.env,
  ...(scratch.url ? { DATABASE_URL: scratch.url } : {}),
  ONRAMP_STATE_DIR: stateDir,
  LOG_LEVEL: 'warn',
  ONRAMP_RATE_LIMIT_ENABLED: 'false',
  // Every request comes from 127.0.0.1: lift the per-IP send limit for the run.
  ONRAMP_OTP_SENDS_PER_IP_PER_HOUR: '1000000',
  PORT: '0',
});
const { app, ctx } = await buildApp({ config, workers: false });
// What every user-scoped read pays: client auth + session JWT + session row (as GET /v1/users/:id will).
app.get('/v1/bench/session', { config: { auth: 'client', user: 'one' }, schema: { hide: true } }, async (request) => ({
  factors: request.session!.factors,
}));
await app.listen({ host: '127.0.0.1', port: 0 });
const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
const client = await createClient(ctx.db, config.mode, { name: 'bench' });
const headers = { 'ratio-client-id': client.clientId, 'ratio-client-secret': client.clientSecret };

// Baseline 1: a bare Fastify route echoing a body of the same size as an authenticate call.
const bare = Fastify();
bare.post('/bare', async (request) => ({
  sessionJwt: 'x'.repeat(400),
  echo: (request.body as { signature: string }).signature.length,
}));
bare.get('/bare-get', async () => ({ factors: ['WALLET'] }));
await bare.listen({ host: '127.0.0.1', port: 0 });
const bareUrl = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}/bare`;
const sampleBody = { walletAddress: '0x'.padEnd(42, '1'), walletType: 'EVM', signature: `0x${'ab'.repeat(65)}` };
await rate(200, async () => void (await postJson(bareUrl, sampleBody, {}))); // warm-up
const bareRps = await rate(n, async () => void (await postJson(bareUrl, sampleBody, {})));

// Baseline 2: raw signature checks, no HTTP, no database.
const accounts = Array.from({ length: n }, () => privateKeyToAccount(generatePrivateKey()));
const sampleMessage = 'example.com wants you to sign in with your Ethereum account: …';
const sampleSignature = await accounts[0]!.signMessage({ message: sampleMessage });
let verified = 0;
const verifyStart = performance.now();
for (let i = 0; i < n; i++)
  if (await verifyMessage({ address: accounts[0]!.address, message: sampleMessage, signature: sampleSignature }))
    verified++;
const verifyRps = n / ((performance.now() - verifyStart) / 1000);
if (verified !== n) throw new Error('verifyMessage baseline failed');

// Wallet sign-in: :start for every wallet (timed), sign (untimed, client side), :authenticate (timed).
const challenges: string[] = new Array(n);
const startRps = await rate(n, async (i) => {
  challenges[i] = (
    await postJson(
      `${base}/v1/auth/cryptoWallet:start`,
      { walletAddress: accounts[i]!.address, walletType: 'EVM' },
      headers,
    )
  ).challenge as string;
});
const signatures = await Promise.all(accounts.map((a, i) => a.signMessage({ message: challenges[i]! })));
const authRps = await rate(n, async (i) => {
  await postJson(
    `${base}/v1/auth/cryptoWallet:authenticate`,
    { walletAddress: accounts[i]!.address, walletType: 'EVM', signature: signatures[i] },
    headers,
  );
});
const signInRps = 1 / (1 / startRps + 1 / authRps);

// Reads with a session JWT (what GET /v1/users/:id and friends pay) against a bare GET route.
const challenge = (
  await postJson(
    `${base}/v1/auth/cryptoWallet:start`,
    { walletAddress: accounts[0]!.address, walletType: 'EVM' },
    headers,
  )
).challenge as string;
const signature = await accounts[0]!.signMessage({ message: challenge });
const sessionJwt = (
  await postJson(
    `${base}/v1/auth/cryptoWallet:authenticate`,
    { walletAddress: accounts[0]!.address, walletType: 'EVM', signature },
    headers,
  )
).sessionJwt as string;
const getJson = async (url: string, h: Record<string, string>) => {
  const res = await fetch(url, { headers: h });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  await res.json();
};
const bareUrlGet = bareUrl.replace(/\/bare$/, '/bare-get');
const bareGetRps = await rate(n, () => getJson(bareUrlGet, {}));
const clientReadRps = await rate(n, () => getJson(`${base}/v1/config`, headers));
const sessionReadRps = await rate(n, () =>
  getJson(`${base}/v1/bench/session`, { ...headers, authorization: `Bearer ${sessionJwt}` }),
);

// OTP: sms:send to distinct numbers (timed), read the codes from the sandbox inbox (untimed), authenticate (timed).
const areas = [201, 202, 203, 205, 206, 207, 208, 209, 210, 212, 213, 214, 215, 216, 217, 218, 219, 224, 225, 228];
const phones = Array.from(
  { length: n },
  (_, i) => `+1${areas[Math.floor(i / 100) % areas.length]}55501${String(i % 100).padStart(2, '0')}`,
);
const phoneIds: string[] = new Array(n);
const sendRps = await rate(n, async (i) => {
  phoneIds[i] = (await postJson(`${base}/v1/auth/otp/sms:send`, { phoneNumber: phones[i] }, headers)).phoneId as string;
});
const codes = await Promise.all(
  phones.map(async (phone) => {
    const [message] = await ctx.inbox.list(client.clientId, phone, 1);
    return /\b(\d{6})\b/.exec(message!.text_body)![1]!;
  }),
);
const otpRps = await rate(n, async (i) => {
  await postJson(`${base}/v1/auth/otp/sms:authenticate`, { phoneId: phoneIds[i], otp: codes[i] }, headers);
});

const line = (name: string, value: number, ratio?: string) =>
  `${name.padEnd(58)} ${value.toFixed(0).padStart(7)} /s${ratio ? `   ${ratio}` : ''}`;
process.stdout.write(
  [
    `bench:auth — ${n} operations each, ${concurrency} in flight, Node ${process.version}, ${os.cpus().length} CPUs, database ${ctx.dbHandle.kind}`,
    line('baseline: bare Fastify POST route (HTTP + JSON)', bareRps),
    line('baseline: raw viem verifyMessage (EOA, no HTTP)', verifyRps),
    line('baseline: bare Fastify GET route', bareGetRps),
    line(
      'GET /v1/config with client secret (no user session)',
      clientReadRps,
      `${(clientReadRps / bareGetRps).toFixed(2)} × bare GET`,
    ),
    line(
      'GET with client secret + session JWT (user: one)',
      sessionReadRps,
      `${(sessionReadRps / bareGetRps).toFixed(2)} × bare GET`,
    ),
    line('cryptoWallet:start', startRps, `${(startRps / bareRps).toFixed(2)} × bare route`),
    line(
      'cryptoWallet:authenticate (verify, session, JWT)',
      authRps,
      `${(authRps / bareRps).toFixed(2)} × bare route, ${(authRps / verifyRps).toFixed(2)} × raw verify`,
    ),
    line('wallet sign-ins (start + authenticate)', signInRps),
    line(
      'otp/sms:send (throttle check, store, sandbox delivery)',
      sendRps,
      `${(sendRps / bareRps).toFixed(2)} × bare route`,
    ),
    line('otp/sms:authenticate (OTP verifications)', otpRps, `${(otpRps / bareRps).toFixed(2)} × bare route`),
    '',
  ].join('\n'),
);
await bare.close();
await app.close();
await scratch.drop();
fs.rmSync(stateDir, { recursive: true, force: true });
