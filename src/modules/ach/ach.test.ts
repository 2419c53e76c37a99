import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { debitOn, plaidAccount, type PlaidAccount } from '../../../test/ach.ts';
import { startTestApp, type TestApp } from '../../../test/helpers.ts';
import { ManualClock } from '../../lib/clock.ts';
import { SandboxClock } from '../../sandbox/clock/clock.ts';
import { runCommand } from '../../operator/run.ts';
import { getJournal, postJournal } from '../ledger/index.ts';
import { ACH_SYNC_QUEUE, AchDebitRejectedError, type AchUpdate } from './index.ts';

// Monday 2 March 2026, 10:00 in New York (EST): a business day, before the 16:00 cutoff.
const MONDAY_10AM = '2026-03-02T15:00:00Z';

// Debits on a Plaid Item made in the built-in sandbox through the official client.
let account: PlaidAccount;
const debit = (cents: bigint, speed: 'INSTANT' | 'STANDARD' = 'STANDARD') => debitOn(account, cents, speed);

describe('ACH debits on Plaid Transfer (the built-in sandbox) and the sandbox clock', () => {
  const base = new ManualClock(MONDAY_10AM);
  let t: TestApp;
  const updates: AchUpdate[] = [];
  let failFor: string | undefined;

  before(async () => {
    t = await startTestApp({ clock: base, listen: true });
    account = await plaidAccount(t.ctx.plaid.api());
    // A subscriber as the purchase module has one: it writes in the transaction that records the outcome.
    t.ctx.ach.onUpdate(async (update, trx) => {
      if (update.id === failFor) throw new Error('subscriber failure');
      updates.push(update);
      const receivable = `purchase:${update.id}:ach_receivable`;
      await postJournal(trx, {
        kind: update.status === 'SETTLED' ? 'test.ach_settled' : 'test.ach_returned',
        reference: update.id,
        at: update.at,
        lines: [
          {
            account: update.status === 'SETTLED' ? 'platform:ach_clearing' : 'platform:ach_returns',
            currency: 'USD',
            amountMinor: update.amountCents,
          },
          { account: receivable, currency: 'USD', amountMinor: -update.amountCents },
        ],
      });
    });
  });
  after(() => t.close());

  const advance = (body: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: '/sandbox/clock:advance', headers: t.clientHeaders, payload: body });

  it('runs ctx.clock on a persisted sandbox clock', async () => {
    assert.ok(t.ctx.clock instanceof SandboxClock);
    const res = await t.app.inject({ method: 'GET', url: '/sandbox/clock', headers: t.clientHeaders });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().now, new Date(MONDAY_10AM).toISOString());
    assert.equal(res.json().offsetSeconds, 0);
    assert.equal((await t.app.inject({ method: 'GET', url: '/sandbox/clock' })).statusCode, 401);
  });

  // Made once the Plaid Item exists (in before()).
  let settling: ReturnType<typeof debit>;
  let fifty: ReturnType<typeof debit>;
  let returning: ReturnType<typeof debit>;
  let returningStandard: ReturnType<typeof debit>;
  before(() => {
    settling = debit(4000n);
    fifty = debit(5000n, 'INSTANT');
    returning = debit(5001n, 'INSTANT');
    returningStandard = debit(10_000n, 'STANDARD');
  });

  it('originates debits that settle three Federal Reserve business days later, idempotently', async () => {
    const first = await t.ctx.ach.originateDebit(settling);
    assert.equal(first.expectedSettlementDate, '2026-03-05');
    assert.match(first.providerRef, /^[0-9a-f-]{36}$/, 'a Plaid transfer id');
    assert.deepEqual(await t.ctx.ach.originateDebit(settling), first);
    await assert.rejects(t.ctx.ach.originateDebit({ ...settling, amountCents: 4001n }), /other terms/);
    for (const d of [fifty, returning, returningStandard]) await t.ctx.ach.originateDebit(d);
    const row = await t.ctx.ach.get(settling.id);
    assert.equal(row?.status, 'PENDING');
    // Plaid's own view, through the official client: pending, settling Thursday at 09:00 in New York.
    const { data } = await t.ctx.plaid.api().transferGet({ transfer_id: first.providerRef });
    assert.equal(data.transfer.status, 'pending');
    assert.equal(data.transfer.expected_settlement_date, '2026-03-05');
    assert.equal(data.transfer.amount, '40.00');
    // Plaid debits the Item's account: onramp never sends (or keeps) an account number for it.
    assert.equal(data.transfer.account_id, account.accountId);
    assert.equal(
      Object.keys(row!).some((k) => k.includes('account_number')),
      false,
    );
  });

  it('rejects $123.45 at origination (risk), debits nothing, and answers the same on retry', async () => {
    const risky = debit(12_345n, 'INSTANT');
    for (let i = 0; i < 2; i++) {
      await assert.rejects(
        t.ctx.ach.originateDebit(risky),
        (e: unknown) => e instanceof AchDebitRejectedError && e.reason === 'DECLINED' && e.code === 'RISK',
      );
    }
    const row = await t.ctx.ach.get(risky.id);
    assert.equal(row?.status, 'DECLINED');
    assert.equal(row?.provider_ref, null, 'no transfer was made');
    // Plaid has the declined authorization and no transfer for it.
    await assert.rejects(t.ctx.plaid.api().transferGet({ authorization_id: row!.authorization_id! }));
  });

  it('settles nothing before the settlement time, then settles and returns on the clock', async () => {
    assert.deepEqual(await t.ctx.ach.sync(), { settled: 0, returned: 0, stillPending: 0 });
    const wednesday = await advance({ days: 2 });
    assert.equal(wednesday.statusCode, 200, wednesday.body);
    assert.equal(wednesday.json().now, '2026-03-04T15:00:00.000Z');
    assert.deepEqual(wednesday.json().settlement, { settled: 0, returned: 0, stillPending: 0 });
    assert.equal(updates.length, 0);

    // Thursday 08:59 in New York: still pending.
    await advance({ to: '2026-03-05T13:59:00Z' });
    assert.equal(updates.length, 0);
    const thursday = await advance({ seconds: 60 });
    assert.deepEqual(thursday.json().settlement, { settled: 2, returned: 2, stillPending: 0 });

    const byId = new Map(updates.map((u) => [u.id, u]));
    assert.equal(byId.get(settling.id)?.status, 'SETTLED');
    assert.equal(byId.get(fifty.id)?.status, 'SETTLED', 'exactly $50 is not "greater than $50"');
    for (const d of [returning, returningStandard]) {
      assert.deepEqual(
        [byId.get(d.id)?.status, byId.get(d.id)?.returnCode, byId.get(d.id)?.returnReason],
        ['RETURNED', 'R01', 'Insufficient funds'],
      );
    }
    assert.equal(byId.get(settling.id)?.at.toISOString(), '2026-03-05T14:00:00.000Z');
    assert.equal((await t.ctx.ach.get(returning.id))?.status, 'RETURNED');
    assert.equal((await t.ctx.ach.get(returning.id))?.return_code, 'R01');
    // The subscriber's journal committed with the outcome.
    assert.ok(await getJournal(t.db.db, { kind: 'test.ach_settled', reference: settling.id }));
    assert.ok(await getJournal(t.db.db, { kind: 'test.ach_returned', reference: returning.id }));

    // Each outcome is delivered once, however often settlement runs.
    await t.ctx.ach.sync();
    await advance({ days: 1 });
    assert.equal(updates.length, 4);
  });

  it('rolls an outcome back when a subscriber fails, and delivers it on a later run', async () => {
    const d = debit(2500n);
    await t.ctx.ach.originateDebit(d);
    failFor = d.id;
    await advance({ days: 7 });
    assert.equal((await t.ctx.ach.get(d.id))?.status, 'PENDING');
    assert.equal(await getJournal(t.db.db, { kind: 'test.ach_settled', reference: d.id }), undefined);
    assert.ok(t.logs.text().includes('ACH update subscriber failed'));
    failFor = undefined;
    // Retried after a pause, not in a tight loop.
    assert.deepEqual(await t.ctx.ach.sync(), { settled: 0, returned: 0, stillPending: 0 });
    await advance({ seconds: 61 });
    assert.equal((await t.ctx.ach.get(d.id))?.status, 'SETTLED');
    assert.ok(await getJournal(t.db.db, { kind: 'test.ach_settled', reference: d.id }));
  });

  it('skips weekends and holidays: a Friday-evening debit before Thanksgiving settles the Friday after', async () => {
    // Friday 20 November 2026, 21:00 in New York: after Plaid's 20:30 standard ACH cutoff, so
    // effective Monday 23rd; three business days later, skipping Thanksgiving (Thursday 26th), is Friday 27th.
    await advance({ to: '2026-11-21T02:00:00Z' });
    const d = debit(1000n);
    assert.equal((await t.ctx.ach.originateDebit(d)).expectedSettlementDate, '2026-11-27');
    await advance({ to: '2026-11-26T23:00:00Z' });
    assert.equal((await t.ctx.ach.get(d.id))?.status, 'PENDING');
    await advance({ to: '2026-11-27T14:00:00Z' });
    assert.equal((await t.ctx.ach.get(d.id))?.status, 'SETTLED');
  });

  it('never moves back, takes exactly one amount, and keeps its offset across a restart', async () => {
    const past = await advance({ to: '2026-01-01T00:00:00Z' });
    assert.equal(past.statusCode, 400);
    assert.equal(past.json().data.rule, 'future');
    assert.equal((await advance({ days: 1, hours: 1 })).json().data.rule, 'exactlyOneOf');
    assert.equal((await advance({})).statusCode, 400);
    assert.equal((await advance({ days: 0 })).statusCode, 400);
    assert.equal((await advance({ days: 1.5 })).statusCode, 400);
    const before = t.ctx.clock.now().getTime();
    const cli = await runCommand(t.ctx, ['sandbox', 'clock-advance', '--days', '1']);
    assert.equal(cli.exitCode, 0, cli.error);
    assert.equal(t.ctx.clock.now().getTime(), before + 86_400_000);
    assert.equal((await runCommand(t.ctx, ['sandbox', 'clock-advance', '--to', '2020-01-01T00:00:00Z'])).exitCode, 2);
    const now = t.ctx.clock.now().getTime();
    const reopened = await SandboxClock.open(t.db.db, base);
    assert.equal(reopened.now().getTime(), now);
  });

  it('sends the settlement job when the clock moves', async () => {
    const queued = await t.db.db
      .selectFrom('pgboss.job' as never)
      .select(['name' as never])
      .where('name' as never, '=', ACH_SYNC_QUEUE as never)
      .execute();
    assert.ok(queued.length > 0);
  });
});

describe('ACH without a provider', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ env: { ONRAMP_ACH_PROVIDER: 'none' } });
  });
  after(() => t.close());

  it('answers NOT_IMPLEMENTED instead of pretending to debit', async () => {
    await assert.rejects(
      t.ctx.ach.originateDebit(debitOn({ accessToken: 'access-sandbox-x', accountId: 'x' }, 1000n)),
      (e: unknown) => (e as { code?: string }).code === 'NOT_IMPLEMENTED',
    );
    assert.deepEqual(await t.ctx.ach.sync(), { settled: 0, returned: 0, stillPending: 0 });
  });
});

describe('the settlement poller', () => {
  const base = new ManualClock(MONDAY_10AM);
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ clock: base, workers: true, listen: true, env: { ONRAMP_ACH_POLL_SECONDS: '1' } });
    account = await plaidAccount(t.ctx.plaid.api());
  });
  after(() => t.close());

  it('settles due debits without anyone calling it', async () => {
    const d = debit(1500n);
    await t.ctx.ach.originateDebit(d);
    base.set('2026-03-05T14:00:01Z');
    const deadline = Date.now() + 30_000;
    while ((await t.ctx.ach.get(d.id))?.status === 'PENDING' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    assert.equal((await t.ctx.ach.get(d.id))?.status, 'SETTLED');
  });
});
