// npm run crash-test — kills the server with SIGKILL in the middle of purchases and checks that no
// purchase is delivered twice, none is lost in PENDING, and the ledger balances.
//
// It starts `node --import tsx src/main.ts` as a child with a temporary ONRAMP_STATE_DIR, makes users
// ready to buy over HTTP (wallet + SMS sign-in, POST /v1/users, KYC, Plaid sandbox bank), then for
// CRASH_ROUNDS rounds (default 5): fires small INSTANT ETH purchases (distinct Idempotency-Keys), SIGKILLs
// the server 0–1500 ms later, restarts it on the same state dir, retries the purchases whose answer was
// lost (same Idempotency-Key), and moves the sandbox clock one day (4 purchases per 24 hours).
// At the end it waits until no crypto leg is PENDING, reads every user wallet through
// /sandbox/rpc/ethereum (balance = sum of COMPLETED crypto amounts; distinct transaction hashes, each
// with a receipt), stops the server and runs `ledger check` on the state dir. Exit 1 on any violation.
//
//   npm run crash-test                   CRASH_ROUNDS=10 CRASH_USERS=3 npm run crash-test
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createPublicClient, formatEther, http as viemHttp, parseEther } from 'viem';
import type { PrivateKeyAccount } from 'viem/accounts';
import {
  expectOk,
  partnerRequest,
  readyBuyer as readyBuyerAs,
  signIn as signInAs,
  until as waitUntil,
  type Answer,
  type Buyer,
  type Call,
} from './partner-api.ts';

const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 5);
const USERS = Number(process.env.CRASH_USERS ?? 3);
// A job a killed process had started stays `active` in pg-boss until its expiry (purchase-process: 300 s)
// and is then retried, so a purchase caught by the kill can wait that long: the bounded wait covers it.
const SETTLE_MS = Number(process.env.CRASH_SETTLE_SECONDS ?? 420) * 1000;
const PER_USER = 2; // purchases per user per round (≤ 4 per 24 hours; the retries reuse their key)
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onramp-crash-'));
const client = { id: randomUUID(), secret: `crash-${randomUUID()}-${randomUUID()}` };
const port = await freePort();
const BASE = `http://127.0.0.1:${port}`;
const env = {
  ...process.env,
  ONRAMP_STATE_DIR: stateDir,
  PORT: String(port),
  HOST: '127.0.0.1',
  ONRAMP_DEMO_CLIENT_ID: client.id,
  ONRAMP_DEMO_CLIENT_SECRET: client.secret,
  ONRAMP_RATE_LIMIT_ENABLED: 'false',
  LOG_LEVEL: 'warn',
};
const problems: string[] = [];
function log(text: string): void {
  process.stdout.write(`${text}\n`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const p = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(p));
    });
    srv.on('error', reject);
  });
}

// ---- the server child ----
let server: ChildProcess | undefined;
let serverLog = '';
async function startServer(): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  server = child;
  const keep = (d: Buffer) => (serverLog = (serverLog + d.toString()).slice(-20_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}) while starting:\n${serverLog}`);
    try {
      const res = await fetch(`${BASE}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`the server did not become ready:\n${serverLog}`);
    await sleep(200);
  }
}
function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((r) => child.once('exit', () => r()));
}
async function killServer(signal: NodeJS.Signals): Promise<void> {
  if (!server) return;
  const child = server;
  server = undefined;
  child.kill(signal);
  await exited(child);
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- HTTP as a partner ----
function request(
  method: string,
  url: string,
  body?: unknown,
  extra: Record<string, string> = {},
  jwt?: string,
): Promise<Answer> {
  return partnerRequest({ base: BASE, ...client }, method, url, body, extra, jwt);
}

async function call(
  u: Pick<Buyer, 'jwt'> | undefined,
  method: string,
  url: string,
  body?: unknown,
  extra: Record<string, string> = {},
): Promise<Record<string, any>> {
  return expectOk(method, url, await request(method, url, body, extra, u?.jwt));
}
const until = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000) =>
  waitUntil(what, probe, timeoutMs, 300);

const callApi: Call = (jwt, method, url, body, extra) => call(jwt ? { jwt } : undefined, method, url, body, extra);
const signIn = (account: PrivateKeyAccount, phone: string) => signInAs(callApi, account, phone);
const readyBuyer = (n: number) => readyBuyerAs(callApi, `Tester${n}`);

// ---- the run ----
interface Order {
  buyer: Buyer;
  key: string;
  amount: string;
  outcome?: 'created' | 'refused' | 'lost';
  detail?: string;
  activityId?: string;
}
const orders: Order[] = [];
const stats = { fired: 0, answeredBeforeKill: 0, lostInKill: 0, retried: 0, refused: 0, kills: 0, inUseAnswers: 0 };

async function fire(order: Order): Promise<void> {
  try {
    const res = await request(
      'POST',
      `/v1/users/${order.buyer.id}/banks/${order.buyer.bankId}/ach`,
      { fiatAmount: order.amount, cryptoCurrency: 'ETH', walletId: order.buyer.walletId, type: 'INSTANT' },
      { 'idempotency-key': order.key },
      order.buyer.jwt,
    );
    if (res.status === 201 || res.status === 200) {
      order.outcome = 'created';
      order.activityId = res.json.activityItem.id;
    } else if (res.status === 409 && res.json.code === 'IDEMPOTENCY_KEY_IN_USE') {
      order.outcome = 'lost';
      order.detail = 'IDEMPOTENCY_KEY_IN_USE';
    } else {
      order.outcome = 'refused';
      order.detail = `${res.status} ${res.json.code}: ${res.json.message}`;
    }
  } catch (error) {
    order.outcome = 'lost';
    order.detail = (error as Error).message;
  }
}

let exitCode = 0;
try {
  await startServer();
  log(`server on ${BASE}, state ${stateDir}`);
  const buyers: Buyer[] = [];
  for (let i = 0; i < USERS; i++) buyers.push(await readyBuyer(i));
  log(`${USERS} users ready (KYC approved, bank verified)`);

  for (let round = 1; round <= ROUNDS; round++) {
    const batch: Order[] = [];
    for (const buyer of buyers)
      for (let k = 0; k < PER_USER; k++)
        batch.push({
          buyer,
          key: `crash-${round}-${randomUUID()}`,
          amount: `${randomInt(20, 49)}.${String(randomInt(0, 100)).padStart(2, '0')}`,
        });
    orders.push(...batch);
    stats.fired += batch.length;
    const inFlight = Promise.all(batch.map(fire));
    const delay = randomInt(0, 1501);
    await sleep(delay);
    await killServer('SIGKILL');
    stats.kills++;
    await inFlight;
    const lost = batch.filter((o) => o.outcome === 'lost');
    stats.answeredBeforeKill += batch.length - lost.length;
    stats.lostInKill += lost.length;
    await startServer();
    // Retry what lost its answer, with the same Idempotency-Key and session (a partner's retry). A key
    // whose request died with the server stays IN_FLIGHT until its lease ends (LEASE_MS, 2 minutes),
    // then the retry takes it over and must find the first run's purchase, if any, instead of buying again.
    await Promise.all(
      lost.map(async (order) => {
        stats.retried++;
        const deadline = Date.now() + 150_000;
        while (Date.now() < deadline) {
          await fire(order);
          if (order.outcome !== 'lost') return;
          if (order.detail === 'IDEMPOTENCY_KEY_IN_USE') stats.inUseAnswers++;
          await sleep(2_000);
        }
        problems.push(`order ${order.key}: no answer within 150 s of the restart (${order.detail})`);
      }),
    );
    const refused = batch.filter((o) => o.outcome === 'refused');
    stats.refused += refused.length;
    for (const o of refused) log(`  refused ${o.key}: ${o.detail}`);
    log(
      `round ${round}: fired ${batch.length}, SIGKILL after ${delay} ms, ${lost.length} answers lost and retried, ${batch.filter((o) => o.outcome === 'created').length} created`,
    );
    // Next day: the 4-per-24-hours limit starts again; sessions are renewed.
    await call(undefined, 'POST', '/sandbox/clock:advance', { days: 1 });
    for (const b of buyers) b.jwt = await signIn(b.account, b.phone);
  }

  // ---- settle and check ----
  const activities = new Map<string, Record<string, any>[]>();
  const settleStart = Date.now();
  await until(
    'no crypto leg PENDING',
    async () => {
      let pending = 0;
      for (const b of buyers) {
        const items = (await call(b, 'GET', `/v1/users/${b.id}/activity?pageSize=100`)).items as Record<string, any>[];
        activities.set(b.id, items);
        pending += items.filter((i) => i.crypto?.status !== 'COMPLETED' && i.crypto?.status !== 'FAILED').length;
      }
      return pending === 0 ? true : undefined;
    },
    SETTLE_MS,
  ).catch((error: Error) =>
    problems.push(
      `${error.message}: ${[...activities.values()]
        .flat()
        .filter((i) => i.crypto?.status !== 'COMPLETED' && i.crypto?.status !== 'FAILED')
        .map((i) => `${i.id} ${i.fiat?.status}/${i.crypto?.status}`)
        .join(', ')}`,
    ),
  );

  log(`all crypto legs final ${((Date.now() - settleStart) / 1000).toFixed(0)} s after the last round`);
  const chain = createPublicClient({ transport: viemHttp(`${BASE}/sandbox/rpc/ethereum`) });
  let completed = 0;
  let failed = 0;
  let totalEth = 0n;
  const created = new Set(orders.filter((o) => o.activityId).map((o) => o.activityId!));
  for (const b of buyers) {
    const items = activities.get(b.id) ?? [];
    const ours = orders.filter((o) => o.buyer === b && o.outcome === 'created');
    if (items.length !== ours.length)
      problems.push(`user ${b.id}: ${items.length} activity items for ${ours.length} purchases created`);
    for (const item of items)
      if (!created.has(item.id)) problems.push(`activity ${item.id} is none of the purchases answered`);
    const hashes = new Set<string>();
    let expected = 0n;
    for (const item of items) {
      if (item.crypto?.status === 'FAILED') failed++;
      if (item.crypto?.status !== 'COMPLETED') continue;
      completed++;
      expected += parseEther(item.crypto.amount);
      const hash = item.crypto.transactionHash as `0x${string}` | undefined;
      if (!hash) {
        problems.push(`activity ${item.id} COMPLETED without a transactionHash`);
        continue;
      }
      if (hashes.has(hash)) problems.push(`activity ${item.id}: transaction ${hash} shared with another item`);
      hashes.add(hash);
      const receipt = await chain.getTransactionReceipt({ hash }).catch(() => undefined);
      if (receipt?.status !== 'success') problems.push(`activity ${item.id}: no successful receipt for ${hash}`);
    }
    const balance = await chain.getBalance({ address: b.address });
    totalEth += balance;
    if (balance !== expected)
      problems.push(
        `wallet ${b.address}: balance ${formatEther(balance)} ETH, COMPLETED items sum to ${formatEther(expected)} ETH (${balance > expected ? 'sent more than once' : 'missing'})`,
      );
  }
  await killServer('SIGTERM');

  const ledger = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'ledger', 'check'], {
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  const ledgerOut = `${ledger.stdout}${ledger.stderr}`.trim();
  if (ledger.status !== 0) problems.push(`ledger check exited ${ledger.status}: ${ledgerOut}`);

  log('\n── crash test summary ──');
  log(`rounds ${ROUNDS}, users ${USERS}, SIGKILLs ${stats.kills}`);
  log(
    `purchases fired ${stats.fired}: answered before the kill ${stats.answeredBeforeKill}, answer lost ${stats.lostInKill} (retried with the same key ${stats.retried}, 409 IDEMPOTENCY_KEY_IN_USE answers while a dead request's lease ran ${stats.inUseAnswers}), refused ${stats.refused}`,
  );
  log(
    `activity items ${[...activities.values()].flat().length}: crypto COMPLETED ${completed}, FAILED ${failed}; ETH on chain ${formatEther(totalEth)}`,
  );
  log(`ledger check: exit ${ledger.status} ${ledgerOut.slice(0, 300)}`);
  if (problems.length) {
    exitCode = 1;
    log(`\n✘ ${problems.length} violation(s):`);
    for (const p of problems) log(`  - ${p}`);
  } else {
    log('\n✔ every purchase delivered exactly once, nothing stuck, ledger balanced');
  }
} catch (error) {
  exitCode = 1;
  log(`✘ crash test aborted: ${(error as Error).stack ?? error}\n--- server log tail ---\n${serverLog.slice(-4_000)}`);
} finally {
  await killServer('SIGKILL');
  if (exitCode === 0) fs.rmSync(stateDir, { recursive: true, force: true });
  else log(`state kept in ${stateDir}`);
}
process.exit(exitCode);
