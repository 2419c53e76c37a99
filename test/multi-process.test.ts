// Two API and two worker processes on one PostgreSQL database, as docs/scaling.md describes them: real
// child processes (`onramp serve` = src/main.ts with ONRAMP_ROLE), partners' calls spread over both API
// processes, jobs only on the workers. A fifth process (role api) runs the sandbox chains; the four
// reach them over its JSON-RPC through the production chain adapter (ONRAMP_SANDBOX_URL).
//
// 1. Concurrent sign-ins, KYC, bank links and purchases through both API processes: limits hold across
//    processes, every payout is sent once, webhooks arrive at least once and never as two different
//    events for one change.
// 2. One worker is SIGKILLed while it holds jobs (the other is paused meanwhile, so the killed one is
//    the only one that could hold them): the survivor picks them up through the jobs' heartbeat,
//    long before pg-boss's expiry; the time is reported.
// 3. The ledger check (`onramp ledger check`) is clean.
//
// Needs DATABASE_URL (several processes cannot share the embedded database); skipped without it.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type net from 'node:net';
import { after, before, describe, it, type TestContext } from 'node:test';
import { sql } from 'kysely';
import { createPublicClient, http as viemHttp, parseEther } from 'viem';
import type { DbHandle } from '../src/db/index.ts';
import { checkLedger } from '../src/modules/ledger/check.ts';
import { partnerRequest, readyBuyer, roundRobin, until, type Buyer } from '../scripts/partner-api.ts';
import { openTestDatabase } from './helpers.ts';
import { Cluster, exited } from './processes.ts';

const SKIP = process.env.DATABASE_URL
  ? false
  : 'needs a PostgreSQL server (DATABASE_URL): processes cannot share the embedded database';
const AMOUNT = '25.00';
/** The queues a purchase's own work runs on (processing, payout broadcast, confirmation, outcome). */
const PURCHASE_QUEUES = ['purchase-process', 'delivery-send', 'delivery-confirm', 'delivery-update'];

describe('two API and two worker processes on one PostgreSQL database', { skip: SKIP }, () => {
  let db: DbHandle;
  let cluster: Cluster;
  const received: Array<{ id: string; event: string; userId: string; body: string; data: Record<string, any> }> = [];
  const receiver = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      const body = JSON.parse(raw) as { id: string; event: string; userId: string; data: Record<string, any> };
      received.push({ id: body.id, event: body.event, userId: body.userId, body: raw, data: body.data });
      res.writeHead(200).end();
    });
  });

  before(async () => {
    if (SKIP) return;
    db = await openTestDatabase();
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    cluster = new Cluster(db.url!);
    // The chains' process first: it creates the sandbox (seed, contracts, demo client) the others share.
    await cluster.startChains();
    await cluster.startMany(['api', 'api', 'worker', 'worker']);
  });

  after(async () => {
    await cluster?.close();
    receiver.close();
    await db?.close();
  });

  const proc = (name: string) => cluster.proc(name);
  const client = () => cluster.client;
  const apis = () => [proc('api1').base, proc('api2').base];

  /** Fires `count` INSTANT ETH purchases for `buyer` at once, alternating API processes; returns the answers. */
  async function purchases(buyer: Buyer, count: number) {
    return Promise.all(
      Array.from({ length: count }, (_, i) =>
        partnerRequest(
          { base: apis()[i % 2]!, ...client() },
          'POST',
          `/v1/users/${buyer.id}/banks/${buyer.bankId}/ach`,
          { fiatAmount: AMOUNT, cryptoCurrency: 'ETH', walletId: buyer.walletId, type: 'INSTANT' },
          { 'idempotency-key': randomUUID() },
          buyer.jwt,
        ),
      ),
    );
  }

  /** Waits until every crypto leg of `buyers` is final; returns their activity items. */
  async function settled(buyers: Buyer[], timeoutMs = 240_000) {
    const call = roundRobin(apis(), client());
    return until(
      'every crypto leg final',
      async () => {
        const all = await Promise.all(
          buyers.map(async (b) => (await call(b.jwt, 'GET', `/v1/users/${b.id}/activity?pageSize=100`)).items),
        );
        const open = all.flat().filter((i) => !['COMPLETED', 'FAILED'].includes(i.crypto?.status));
        return open.length === 0 ? all : undefined;
      },
      timeoutMs,
      500,
    );
  }

  /** Each buyer's wallet holds exactly its COMPLETED purchases, each with its own mined transaction. */
  async function checkDeliveries(buyers: Buyer[], items: Array<Array<Record<string, any>>>, each: number) {
    const chain = createPublicClient({ transport: viemHttp(`${proc('chains').base}/sandbox/rpc/ethereum`) });
    const hashes = new Set<string>();
    for (const [i, buyer] of buyers.entries()) {
      const mine = items[i]!;
      assert.equal(mine.length, each, `${buyer.id}: ${mine.length} purchases, limit is ${each} per day`);
      let expected = 0n;
      for (const item of mine) {
        assert.equal(item.crypto.status, 'COMPLETED', JSON.stringify(item));
        assert.ok(!hashes.has(item.crypto.transactionHash), `transaction ${item.crypto.transactionHash} used twice`);
        hashes.add(item.crypto.transactionHash);
        const receipt = await chain.getTransactionReceipt({ hash: item.crypto.transactionHash });
        assert.equal(receipt.status, 'success');
        expected += parseEther(item.crypto.amount);
      }
      assert.equal(
        await chain.getBalance({ address: buyer.address }),
        expected,
        `${buyer.address} got each payout once`,
      );
    }
    // Nothing else ever left the hot wallet: its nonce is the number of payouts.
    const wallet = await db.db
      .selectFrom('hot_wallets')
      .select('address')
      .where('network', '=', 'ETHEREUM')
      .executeTakeFirstOrThrow();
    const payouts = await db.db.selectFrom('payouts').select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow();
    assert.equal(await chain.getTransactionCount({ address: wallet.address as `0x${string}` }), Number(payouts.n));
  }

  it('spreads purchases, KYC and webhooks over both API processes: limits hold, each payout is sent once', async (t) => {
    const call = roundRobin(apis(), client());
    const webhook = await call(undefined, 'POST', '/v1/webhooks', {
      url: `http://127.0.0.1:${(receiver.address() as net.AddressInfo).port}/hook`,
      events: ['ACTIVITY_UPDATED', 'BANK_UPDATED', 'KYC_UPDATED'],
    });
    assert.ok(webhook.id);
    const buyers = await Promise.all([0, 1, 2].map((n) => readyBuyer(call, `Multi${n}`)));

    // Six at once per user over both processes: the 4-per-24-hours rule lets exactly four through.
    const answers = await Promise.all(buyers.map((b) => purchases(b, 6)));
    for (const [i, a] of answers.entries()) {
      const created = a.filter((r) => r.status === 202);
      const refused = a.filter((r) => r.status === 422);
      assert.equal(created.length, 4, `buyer ${i}: ${a.map((r) => `${r.status} ${r.json.code ?? ''}`).join(', ')}`);
      assert.equal(refused.length, 2);
    }
    const items = await settled(buyers);
    await checkDeliveries(buyers, items, 4);

    // Webhooks: every purchase's completion arrives; a repeated event id carries the same bytes.
    const completedIds = new Set(items.flat().map((i) => i.id));
    await until(
      'ACTIVITY_UPDATED COMPLETED for every purchase',
      async () => {
        const seen = new Set(
          received
            .filter((r) => r.event === 'ACTIVITY_UPDATED' && r.data.crypto?.status === 'COMPLETED')
            .map((r) => r.data.id),
        );
        return [...completedIds].every((id) => seen.has(id)) ? true : undefined;
      },
      120_000,
    );
    const byId = new Map<string, string>();
    let repeats = 0;
    for (const r of received) {
      const earlier = byId.get(r.id);
      if (earlier !== undefined) {
        repeats++;
        assert.equal(r.body, earlier, `event ${r.id} was delivered twice with different bodies`);
      }
      byId.set(r.id, r.body);
    }
    // One KYC approval per user, not one per process.
    for (const b of buyers) {
      const approvals = new Set(
        received
          .filter((r) => r.event === 'KYC_UPDATED' && r.userId === b.id && r.data.status === 'APPROVED')
          .map((r) => r.id),
      );
      assert.ok(approvals.size <= 1, `user ${b.id}: ${approvals.size} distinct KYC approval events`);
    }
    t.diagnostic(`webhooks received ${received.length}, distinct events ${byId.size}, repeated deliveries ${repeats}`);
  });

  it('retries a killed worker’s jobs on the other worker within seconds, through their heartbeat', async (t: TestContext) => {
    const call = roundRobin(apis(), client());
    const buyers = await Promise.all([0, 1].map((n) => readyBuyer(call, `Crash${n}`)));
    const [w1, w2] = [proc('worker1'), proc('worker2')];
    // Only worker1 takes jobs from here until it dies.
    w2.child.kill('SIGSTOP');
    let resumed = false;
    try {
      // Watched from before the purchases are sent, so the kill lands while a purchase's own jobs run.
      const holding = until(
        'worker1 running a purchase or payout job',
        async () => {
          const rows = await activeJobs();
          return rows.some((r) => PURCHASE_QUEUES.includes(r.name)) ? rows : undefined;
        },
        120_000,
        10,
      );
      const answers = await Promise.all(buyers.map((b) => purchases(b, 2)));
      assert.ok(
        answers.flat().every((r) => r.status === 202),
        JSON.stringify(answers.flat().map((r) => r.json)),
      );
      await holding;
      w1.child.kill('SIGKILL');
      await exited(w1.child);
      const killedAt = Date.now();
      // What it held when it died: still active, with nobody left to finish them (worker2 is paused).
      const held = await activeJobs();
      assert.ok(held.length > 0, 'worker1 died holding jobs');
      w2.child.kill('SIGCONT');
      resumed = true;

      // Each runs again (on worker2) — retried once its heartbeat lapsed, not after pg-boss's expiry.
      const retried = await until(
        'the killed worker’s jobs picked up again',
        async () => {
          const { rows } = await sql<JobRow>`
            select id, name, state, retry_count, started_on, expire_seconds from pgboss.job
            where id = any(${held.map((h) => h.id)}::uuid[])`.execute(db.db);
          const again = rows.filter((r) => r.retry_count > held.find((h) => h.id === r.id)!.retry_count);
          // A job worker2 had started before it was paused is finished by worker2 itself, not retried.
          const open = rows.filter((r) => !again.includes(r) && r.state !== 'completed');
          return open.length === 0 && again.every((r) => r.state !== 'created' && r.state !== 'retry')
            ? again
            : undefined;
        },
        240_000,
        100,
      );
      assert.ok(retried.length > 0, `nothing of worker1's was retried: ${JSON.stringify(held)}`);
      for (const r of retried) {
        const before = held.find((h) => h.id === r.id)!;
        const expiry = before.started_on.getTime() + before.expire_seconds * 1000;
        assert.ok(r.started_on.getTime() < expiry, `${r.name} ${r.id} waited for its expiry`);
      }
      const pickup = Math.max(...retried.map((r) => r.started_on.getTime())) - killedAt;
      const items = await settled(buyers);
      const completedAfter = Date.now() - killedAt;
      await checkDeliveries(buyers, items, 2);
      t.diagnostic(
        `worker1 SIGKILLed holding ${retried.length} job(s) (${[...new Set(retried.map((h) => h.name))].join(', ')}); ` +
          `worker2 picked them up ${(pickup / 1000).toFixed(1)} s after the kill; ` +
          `every purchase COMPLETED ${(completedAfter / 1000).toFixed(1)} s after the kill ` +
          `(pg-boss expiry of those jobs: ${[...new Set(retried.map((h) => h.expire_seconds))].join(', ')} s)`,
      );
    } finally {
      if (!resumed) w2.child.kill('SIGCONT');
    }
  });

  it('leaves a clean ledger (the check of `onramp ledger check`)', async () => {
    const report = await checkLedger(db.db);
    assert.ok(report.ok, JSON.stringify(report));
    assert.ok(report.journals > 0);
  });

  interface JobRow {
    id: string;
    name: string;
    state: string;
    retry_count: number;
    started_on: Date;
    expire_seconds: number;
  }

  /** Jobs running now, other than webhook attempts (those follow their own claim, docs/webhooks.md). */
  async function activeJobs(): Promise<JobRow[]> {
    const { rows } = await sql<JobRow>`
      select id, name, state, retry_count, started_on, expire_seconds from pgboss.job
      where state = 'active' and name <> 'webhook-deliver'`.execute(db.db);
    return rows;
  }
});
