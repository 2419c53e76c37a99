// Webhooks from the real domain changes (not published by hand): a partner registers a webhook, then a
// user is KYC'd, links a bank and buys ETH through the API; the partner's receiver gets KYC_UPDATED,
// BANK_UPDATED and ACTIVITY_UPDATED carrying the API objects, both signatures verifying over the raw body.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { baseUrl, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { buy, readyBuyer, waitForActivity } from '../../../test/purchases.ts';
import { WebhookReceiver, type ReceivedRequest } from '../../../test/webhook-receiver.ts';
import { verifyRatio, verifyStandard } from '../../../test/webhooks.ts';

let t: TestApp;
let receiver: WebhookReceiver;

before(async () => {
  t = await startTestApp({ listen: true, workers: true });
  receiver = await new WebhookReceiver().start();
});
after(async () => {
  await receiver?.stop();
  await t?.close();
});

interface Payload {
  userId: string;
  event: string;
  id: string;
  data: Record<string, any>;
}
const body = (r: ReceivedRequest) => JSON.parse(r.raw) as Payload;

describe('webhooks from KYC, bank and purchase changes', () => {
  test('arrive with the API object of the moment, signed', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/webhooks',
      headers: t.clientHeaders,
      payload: { url: receiver.url, events: ['KYC_UPDATED', 'BANK_UPDATED', 'ACTIVITY_UPDATED'] },
    });
    assert.equal(created.statusCode, 201, created.body);
    const secret = created.json().secret as string;

    const user = await readyBuyer(t, baseUrl(t), { kyc: 'api' });
    const res = await buy(t, user, { fiatAmount: '25', cryptoCurrency: 'ETH', type: 'INSTANT' });
    assert.equal(res.statusCode, 202, res.body);
    const activityId = res.json().activityItem.id as string;
    const done = await waitForActivity(t, user, activityId, (a) => a.crypto.status === 'COMPLETED');

    const mine = (r: ReceivedRequest) => body(r).userId === user.id;
    await receiver.waitFor(
      (rs) =>
        rs.some((r) => mine(r) && body(r).event === 'ACTIVITY_UPDATED' && body(r).data.crypto?.status === 'COMPLETED'),
      'the ACTIVITY_UPDATED of the delivered purchase',
      60_000,
    );
    const received = receiver.requests.filter(mine);
    for (const r of received) {
      assert.ok(verifyRatio(r, secret), 'ratio-webhook-signature verifies over the raw body');
      assert.ok(verifyStandard(r, secret), 'the Standard Webhooks signature verifies');
      assert.equal(r.headers['webhook-id'], body(r).id);
    }
    const ids = received.map((r) => body(r).id);
    const events = received.map(body);

    // KYC: the Kyc object, ending APPROVED.
    const kyc = events.filter((e) => e.event === 'KYC_UPDATED');
    assert.ok(kyc.length >= 1);
    assert.ok(
      kyc.some((e) => e.data.status === 'APPROVED'),
      JSON.stringify(kyc.map((e) => e.data)),
    );
    // Bank: the BankAccount object, linked and verified.
    const bank = events.filter((e) => e.event === 'BANK_UPDATED');
    assert.ok(
      bank.some(
        (e) => e.data.id === user.bankId && e.data.linkStatus === 'ACTIVE' && e.data.verificationStatus === 'APPROVED',
      ),
      JSON.stringify(bank.map((e) => e.data)),
    );
    // Purchase: the ActivityItem, PENDING first, then the crypto leg COMPLETED with the chain's hash.
    const activity = events.filter((e) => e.event === 'ACTIVITY_UPDATED' && e.data.id === activityId);
    assert.ok(activity.some((e) => e.data.crypto.status === 'PENDING'));
    const completed = activity.find((e) => e.data.crypto.status === 'COMPLETED')!;
    assert.equal(completed.data.crypto.transactionHash, done.crypto.transactionHash);
    assert.equal(completed.data.fiat.amount, '25.00');
    // Every event id once per registration, whatever the retries.
    assert.equal(new Set(ids).size, ids.length);
  });
});
