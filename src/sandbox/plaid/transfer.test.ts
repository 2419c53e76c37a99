// Plaid Transfer in the built-in sandbox, through the official `plaid` client over real HTTP: Plaid's
// shapes and errors, authorization decisions (Plaid's rules plus $123.45), idempotency, the schedule
// on the sandbox clock and the Federal Reserve calendar (over $50 returned R01), simulations including
// a late R10 return, refunds against the Plaid Ledger, sweeps and signed TRANSFER_EVENTS_UPDATE webhooks.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ACHClass, type PlaidApi, type TransferAuthorizationCreateRequest, TransferNetwork, TransferType } from 'plaid';
import { plaidAccount, type PlaidAccount } from '../../../test/ach.ts';
import { post } from '../../../test/auth.ts';
import { startTestApp, type TestApp } from '../../../test/helpers.ts';
import { plaidFailure } from '../../../test/plaid.ts';
import { WebhookReceiver } from '../../../test/webhook-receiver.ts';
import { ManualClock } from '../../lib/clock.ts';
import { verifyPlaidWebhook } from '../../modules/banks/plaid-webhooks.ts';

// Monday 2 March 2026, 10:00 in New York: a business day, before every cutoff.
const MONDAY_10AM = '2026-03-02T15:00:00Z';

describe('Plaid Transfer in the built-in sandbox, through the official plaid client', () => {
  const clock = new ManualClock(MONDAY_10AM);
  let t: TestApp;
  let plaid: PlaidApi;
  let account: PlaidAccount;
  let key = 0;
  const receiver = new WebhookReceiver();

  before(async () => {
    t = await startTestApp({ clock, listen: true, workers: true });
    plaid = t.ctx.plaid.api();
    account = await plaidAccount(plaid);
    await receiver.start();
  });
  after(async () => {
    await t.close();
    await receiver.stop();
  });

  const authorize = (amount: string, more: Partial<TransferAuthorizationCreateRequest> = {}) =>
    plaid.transferAuthorizationCreate({
      access_token: account.accessToken,
      account_id: account.accountId,
      type: TransferType.Debit,
      network: TransferNetwork.SameDayAch,
      amount,
      ach_class: ACHClass.Web,
      user: { legal_name: 'Alberta Bobbeth Charleson' },
      idempotency_key: `key-${++key}`,
      ...more,
    });

  const transfer = async (amount: string, network = TransferNetwork.SameDayAch) => {
    const { data } = await authorize(amount, { network });
    return (
      await plaid.transferCreate({
        authorization_id: data.authorization.id,
        access_token: account.accessToken,
        account_id: account.accountId,
        description: 'Crypto buy',
      })
    ).data.transfer;
  };

  const eventsOf = async (transferId: string) =>
    (await plaid.transferEventList({ transfer_id: transferId })).data.transfer_events.reverse();

  it('authorizes with Plaid shapes: approved, $123.45 declined for RISK, idempotent on the key', async () => {
    const { data } = await authorize('40.00', { idempotency_key: 'same-key' });
    assert.equal(data.authorization.decision, 'approved');
    assert.equal(data.authorization.decision_rationale, null);
    assert.match(data.request_id, /^[A-Za-z0-9]{15}$/);
    assert.deepEqual(
      [data.authorization.proposed_transfer.amount, data.authorization.proposed_transfer.network],
      ['40.00', 'same-day-ach'],
    );
    assert.equal(data.authorization.proposed_transfer.user.legal_name, 'Alberta Bobbeth Charleson');
    const again = await authorize('40.00', { idempotency_key: 'same-key' });
    assert.equal(again.data.authorization.id, data.authorization.id, 'the same key answers the same authorization');
    const reused = await plaidFailure(authorize('41.00', { idempotency_key: 'same-key' }));
    assert.deepEqual([reused.status, reused.error_code], [400, 'INVALID_FIELD']);

    const risky = await authorize('123.45');
    assert.equal(risky.data.authorization.decision, 'declined');
    assert.equal(risky.data.authorization.decision_rationale?.code, 'RISK');
  });

  it('refuses bad requests with Plaid error objects', async () => {
    // Each call starts when its case is checked: started all at once, a refusal that arrives before
    // its await would be an unhandled rejection.
    const cases: Array<[() => Promise<unknown>, string, string]> = [
      [() => authorize('10.00', { network: TransferNetwork.Rtp }), 'INVALID_REQUEST', 'INVALID_FIELD'],
      [() => authorize('1000000.01'), 'TRANSFER_ERROR', 'TRANSFER_NETWORK_LIMIT_EXCEEDED'],
      [() => authorize('10.00', { account_id: 'nope' }), 'INVALID_INPUT', 'INVALID_ACCOUNT_ID'],
      [() => authorize('ten'), 'INVALID_REQUEST', 'INVALID_FIELD'],
      [() => authorize('10.00', { user: { legal_name: '' } }), 'INVALID_REQUEST', 'MISSING_FIELDS'],
      [() => authorize('10.00', { test_clock_id: 'clock' }), 'INVALID_REQUEST', 'INVALID_FIELD'],
      [() => authorize('10.00', { surprise: true } as never), 'INVALID_REQUEST', 'UNKNOWN_FIELDS'],
      [
        () => authorize('10.00', { access_token: 'access-sandbox-00000000-0000-4000-8000-000000000000' }),
        'INVALID_INPUT',
        'INVALID_ACCESS_TOKEN',
      ],
    ];
    for (const [call, type, code] of cases) {
      const error = await plaidFailure(call());
      assert.deepEqual([error.status, error.error_type, error.error_code], [400, type, code], error.error_message);
      assert.match(String(error.request_id), /^[A-Za-z0-9]{15}$/);
    }
  });

  it('answers user_action_required for an Item whose login must be repeated', async () => {
    const broken = await plaidAccount(plaid);
    await plaid.sandboxItemResetLogin({ access_token: broken.accessToken });
    const { data } = await plaid.transferAuthorizationCreate({
      access_token: broken.accessToken,
      account_id: broken.accountId,
      type: TransferType.Debit,
      network: TransferNetwork.Ach,
      amount: '10.00',
      ach_class: ACHClass.Web,
      user: { legal_name: 'Alberta Bobbeth Charleson' },
      idempotency_key: 'broken-1',
    });
    assert.equal(data.authorization.decision, 'user_action_required');
  });

  it('creates one transfer per authorization; a declined or expired authorization makes none', async () => {
    const { data } = await authorize('25.00');
    const make = () =>
      plaid.transferCreate({
        authorization_id: data.authorization.id,
        access_token: account.accessToken,
        account_id: account.accountId,
        description: 'Crypto buy',
        metadata: { onramp_debit_id: 'd-1' },
      });
    const first = (await make()).data.transfer;
    assert.deepEqual(
      [first.status, first.amount, first.type, first.network],
      ['pending', '25.00', 'debit', 'same-day-ach'],
    );
    assert.equal(first.expected_settlement_date, '2026-03-05');
    assert.deepEqual(first.metadata, { onramp_debit_id: 'd-1' });
    assert.equal((await make()).data.transfer.id, first.id, '/transfer/create is idempotent on the authorization');

    const declined = await authorize('123.45');
    const noTransfer = await plaidFailure(
      plaid.transferCreate({
        authorization_id: declined.data.authorization.id,
        access_token: account.accessToken,
        account_id: account.accountId,
        description: 'Crypto buy',
      }),
    );
    assert.equal(noTransfer.error_code, 'INVALID_FIELD');
    const long = await plaidFailure(
      plaid.transferCreate({
        authorization_id: (await authorize('5.00')).data.authorization.id,
        access_token: account.accessToken,
        account_id: account.accountId,
        description: 'eleven char',
      }),
    );
    assert.match(long.error_message, /at most 10 characters/);

    const unused = await authorize('5.00');
    clock.advance(61 * 60_000);
    const expired = await plaidFailure(
      plaid.transferCreate({
        authorization_id: unused.data.authorization.id,
        access_token: account.accessToken,
        account_id: account.accountId,
        description: 'Crypto buy',
      }),
    );
    assert.match(expired.error_message, /expired/);
    assert.equal((await make()).data.transfer.id, first.id, 'a used authorization still answers its transfer');
  });

  it('sends same-day ACH made after 15:00 New York as standard ACH (Plaid cutoff)', async () => {
    clock.set('2026-03-02T20:30:00Z'); // 15:30 in New York
    const late = await transfer('12.00');
    assert.equal(late.network, 'ach');
    assert.equal(late.expected_settlement_date, '2026-03-05');
  });

  let settling: string;
  let returning: string;
  let pendingOne: string;

  it('moves transfers on the sandbox clock: posted at the cutoff, settled or returned R01 (over $50) on the settlement date', async () => {
    settling = (await transfer('40.00')).id;
    returning = (await transfer('60.00', TransferNetwork.Ach)).id;
    pendingOne = (await transfer('30.00')).id;
    const res = await post(t, '/sandbox/clock:advance', { to: '2026-03-05T14:00:00Z' });
    assert.equal(res.statusCode, 200, res.body);
    const settled = (await plaid.transferGet({ transfer_id: settling })).data.transfer;
    assert.equal(settled.status, 'funds_available');
    assert.equal(settled.standard_return_window, '2026-03-10');
    assert.deepEqual(
      (await eventsOf(settling)).map((e) => [e.event_type, e.timestamp]),
      [
        ['pending', '2026-03-02T20:30:00Z'],
        ['posted', '2026-03-03T01:30:00Z'],
        ['settled', '2026-03-05T14:00:00Z'],
        ['funds_available', '2026-03-05T14:00:00Z'],
      ],
      'events carry the time they were scheduled for, whatever the clock jumped over',
    );
    const back = (await plaid.transferGet({ transfer_id: returning })).data.transfer;
    assert.equal(back.status, 'returned');
    assert.deepEqual(back.failure_reason, {
      failure_code: 'R01',
      ach_return_code: 'R01',
      description: 'Insufficient funds',
    });
  });

  it('follows the stream with /transfer/event/sync: ordered ids, pages, nothing seen twice', async () => {
    const all: number[] = [];
    let after = 0;
    for (;;) {
      const { data } = await plaid.transferEventSync({ after_id: after, count: 3 });
      all.push(...data.transfer_events.map((e) => e.event_id));
      if (data.transfer_events.length > 0) after = data.transfer_events.at(-1)!.event_id;
      if (!data.has_more) break;
    }
    assert.ok(all.length >= 10);
    assert.deepEqual(
      all,
      [...all].sort((a, b) => a - b),
    );
    assert.equal(new Set(all).size, all.length);
    assert.deepEqual((await plaid.transferEventSync({ after_id: after })).data.transfer_events, []);
  });

  it('/sandbox/transfer/simulate forces Plaid transitions and a late R10 return after settlement', async () => {
    await plaid.sandboxTransferSimulate({
      transfer_id: settling,
      event_type: 'returned',
      failure_reason: { failure_code: 'R10', description: 'Customer advises not authorized' },
    });
    const late = (await plaid.transferGet({ transfer_id: settling })).data.transfer;
    assert.equal(late.status, 'returned');
    assert.equal(late.failure_reason?.failure_code, 'R10');
    const wrong = await plaidFailure(plaid.sandboxTransferSimulate({ transfer_id: settling, event_type: 'posted' }));
    assert.match(wrong.error_message, /incompatible/);
    const fresh = (await transfer('15.00')).id;
    await plaid.sandboxTransferSimulate({ transfer_id: fresh, event_type: 'failed' });
    assert.equal((await plaid.transferGet({ transfer_id: fresh })).data.transfer.status, 'failed');
    assert.equal((await eventsOf(fresh)).at(-1)?.event_type, 'failed');
  });

  it('refunds against the Plaid Ledger: at most the amount, never a returned transfer, posted and settled on the clock', async () => {
    const paid = (await transfer('20.00')).id;
    await plaid.sandboxTransferSimulate({ transfer_id: paid, event_type: 'posted' });
    await plaid.sandboxTransferSimulate({ transfer_id: paid, event_type: 'settled' });
    await plaid.sandboxTransferSimulate({ transfer_id: paid, event_type: 'funds_available' });
    const refund = (await plaid.transferRefundCreate({ transfer_id: paid, amount: '20.00', idempotency_key: 'r-1' }))
      .data.refund;
    assert.deepEqual([refund.status, refund.amount, refund.transfer_id], ['pending', '20.00', paid]);
    const again = await plaid.transferRefundCreate({ transfer_id: paid, amount: '20.00', idempotency_key: 'r-1' });
    assert.equal(again.data.refund.id, refund.id);
    const over = await plaidFailure(
      plaid.transferRefundCreate({ transfer_id: paid, amount: '0.01', idempotency_key: 'r-2' }),
    );
    assert.match(over.error_message, /cannot exceed its amount/);
    const ofReturned = await plaidFailure(
      plaid.transferRefundCreate({ transfer_id: returning, amount: '1.00', idempotency_key: 'r-3' }),
    );
    assert.match(ofReturned.error_message, /returned transfer cannot be refunded/);

    await post(t, '/sandbox/clock:advance', { days: 2 });
    assert.equal((await plaid.transferRefundGet({ refund_id: refund.id })).data.refund.status, 'settled');
    const events = (await eventsOf(paid)).filter((e) => e.refund_id === refund.id).map((e) => e.event_type);
    assert.deepEqual(events, ['refund.pending', 'refund.posted', 'refund.settled']);
    assert.equal((await plaid.transferGet({ transfer_id: paid })).data.transfer.refunds[0]?.status, 'settled');

    // The Ledger holds $100 plus what became available, less refunds: $2,000 is more than that.
    const big = (await transfer('2000.00')).id;
    await plaid.sandboxTransferSimulate({ transfer_id: big, event_type: 'posted' });
    await plaid.sandboxTransferSimulate({ transfer_id: big, event_type: 'settled' });
    const poor = await plaidFailure(
      plaid.transferRefundCreate({ transfer_id: big, amount: '2000.00', idempotency_key: 'r-4' }),
    );
    assert.deepEqual([poor.error_type, poor.error_code], ['TRANSFER_ERROR', 'TRANSFER_INSUFFICIENT_LEDGER_BALANCE']);

    const failing = (await plaid.transferRefundCreate({ transfer_id: big, amount: '1.00', idempotency_key: 'r-5' }))
      .data.refund;
    await plaid.sandboxTransferRefundSimulate({ refund_id: failing.id, event_type: 'refund.failed' });
    assert.equal((await plaid.transferRefundGet({ refund_id: failing.id })).data.refund.status, 'failed');
  });

  it('sweeps: pending and posted transfers are swept, then settled; the sweep nets them', async () => {
    const fresh = (await transfer('11.00')).id;
    const { data } = await plaid.sandboxTransferSweepSimulate({});
    assert.ok(data.sweep, 'something was swept');
    assert.equal(data.sweep.amount, '11.00');
    assert.equal((await plaid.transferGet({ transfer_id: fresh })).data.transfer.sweep_status, 'swept');
    const settledEarlier = (await plaid.transferGet({ transfer_id: pendingOne })).data.transfer;
    assert.equal(settledEarlier.sweep_status, 'unswept', 'only pending and posted transfers are swept');
    const next = await plaid.sandboxTransferSweepSimulate({});
    assert.ok(next.data.sweep, 'swept transfers settle in the next sweep');
    const events = await plaid.transferEventList({ event_types: ['swept_settled' as never] });
    assert.ok(events.data.transfer_events.length > 0);
  });

  it('fires TRANSFER_EVENTS_UPDATE signed like every Plaid webhook', async () => {
    await plaid.sandboxTransferFireWebhook({ webhook: receiver.url });
    await receiver.waitFor((r) => r.length >= 1, 'the TRANSFER webhook');
    const [hook] = receiver.requests;
    assert.deepEqual(JSON.parse(hook!.raw), {
      webhook_type: 'TRANSFER',
      webhook_code: 'TRANSFER_EVENTS_UPDATE',
      environment: 'sandbox',
    });
    await verifyPlaidWebhook(t.ctx, hook!.raw, String(hook!.headers['plaid-verification']));
  });

  it('lists transfers newest first, with their refunds', async () => {
    const { data } = await plaid.transferList({ count: 25 });
    assert.ok(data.transfers.length >= 8);
    const times = data.transfers.map((x) => x.created);
    assert.deepEqual(times, [...times].sort().reverse());
    assert.ok(data.transfers.some((x) => x.refunds.length > 0));
  });
});
