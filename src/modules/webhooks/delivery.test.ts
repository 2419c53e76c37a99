import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../lib/clock.ts';
import { startTestApp, type TestApp } from '../../../test/helpers.ts';
import { WebhookReceiver } from '../../../test/webhook-receiver.ts';
import {
  newPartner,
  publish,
  register,
  userOf,
  verifyRatio,
  verifyStandard,
  type Partner,
} from '../../../test/webhooks.ts';
import { runCommand } from '../../operator/run.ts';
import { RETRY_DELAYS_SECONDS } from './delivery.ts';

let t: TestApp;
const clock = new ManualClock('2026-03-02T15:00:00Z');

before(async () => {
  t = await startTestApp({
    clock,
    workers: true,
    env: { ONRAMP_WEBHOOK_SWEEP_INTERVAL_MS: '100', ONRAMP_WEBHOOK_TIMEOUT_MS: '10000' },
  });
});
after(async () => t?.close());

async function deliveries(partner: Partner, webhookId: string, query = '') {
  const res = await t.app.inject({
    method: 'GET',
    url: `/v1/webhooks/${webhookId}/deliveries${query}`,
    headers: partner.headers,
  });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

/** Deletes the partner's webhooks, so their pending retries do not fire when later tests move the clock. */
async function cleanup(...partners: Partner[]) {
  for (const p of partners) {
    const list = await t.app.inject({ method: 'GET', url: '/v1/webhooks', headers: p.headers });
    for (const w of list.json().items)
      await t.app.inject({ method: 'DELETE', url: `/v1/webhooks/${w.id}`, headers: p.headers });
  }
}

async function waitUntil<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== null) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const KYC = {
  createTime: '2026-03-02T14:00:00.000Z',
  updateTime: '2026-03-02T15:00:00.000Z',
  addressResult: 'APPROVED',
  dobResult: 'APPROVED',
  fraudResult: 'APPROVED',
  idvResult: 'APPROVED',
} as const;

describe('webhook delivery', () => {
  it('POSTs { userId, event, id, data } signed with both schemes over the exact bytes sent, and records the attempt', async () => {
    const receiver = await new WebhookReceiver().start();
    const partner = await newPartner(t);
    try {
      const hook = await register(t, partner, { url: receiver.url, events: ['KYC_UPDATED'] });
      const user = await userOf(t, partner);
      const eventId = await publish(t, user.id, 'KYC_UPDATED', KYC);
      await receiver.waitFor((r) => r.length === 1, 'the delivery');
      const req = receiver.requests[0]!;
      assert.equal(req.method, 'POST');
      assert.equal(req.path, '/hooks');
      assert.equal(req.headers['content-type'], 'application/json');
      assert.deepEqual(JSON.parse(req.raw), { userId: user.id, event: 'KYC_UPDATED', id: eventId, data: KYC });

      // The Ratio docs' snippet, verbatim but for the secret: it signs JSON.stringify(request.body),
      // which equals the raw body because the body is sent exactly as it was serialised.
      const timestamp = req.headers['ratio-webhook-signature-timestamp'] as string;
      const data = JSON.parse(req.raw);
      const hmac = createHmac('sha512', hook.secret)
        .update(timestamp + '.' + JSON.stringify(data))
        .digest('hex');
      assert.equal(hmac, req.headers['ratio-webhook-signature']);
      assert.ok(verifyRatio(req, hook.secret));
      assert.ok(verifyStandard(req, hook.secret));
      assert.equal(req.headers['webhook-id'], eventId);
      assert.equal(req.headers['webhook-timestamp'], timestamp);
      assert.ok(Math.abs(Number(timestamp) - Date.now() / 1000) < 60, 'wall-clock Unix seconds');
      // A forged body or a wrong secret fails both.
      const forged = { ...req, raw: req.raw.replace('APPROVED', 'DECLINED') };
      assert.equal(verifyRatio(forged, hook.secret), false);
      assert.equal(verifyStandard(forged, hook.secret), false);
      assert.equal(verifyStandard(req, 'whsec_' + Buffer.alloc(32, 1).toString('base64')), false);

      const list = await waitUntil('SUCCEEDED', async () => {
        const l = await deliveries(partner, hook.id);
        return l.items[0]?.status === 'SUCCEEDED' ? l : undefined;
      }).catch(async (error: Error) => {
        throw new Error(
          `${error.message}: ${JSON.stringify(await deliveries(partner, hook.id))} ${receiver.requests.length} requests`,
        );
      });
      const d = list.items[0];
      assert.equal(d.eventId, eventId);
      assert.equal(d.event, 'KYC_UPDATED');
      assert.equal(d.userId, user.id);
      assert.equal(d.attemptCount, 1);
      assert.equal(d.attempts.length, 1);
      assert.equal(d.attempts[0].statusCode, 200);
      assert.equal(d.attempts[0].responseSnippet, 'ok');
      assert.equal(d.attempts[0].succeeded, true);
      assert.equal(d.attempts[0].time, clock.now().toISOString());
      assert.ok(d.attempts[0].latencyMs >= 0);
    } finally {
      await cleanup(partner);
      await receiver.stop();
    }
  });

  it("fans out to every matching registration of the user's clients, once per event", async () => {
    const a = await new WebhookReceiver().start();
    const b = await new WebhookReceiver().start();
    const c = await new WebhookReceiver().start();
    const partner = await newPartner(t);
    const other = await newPartner(t, 'Unrelated partner');
    try {
      const h1 = await register(t, partner, { url: a.url, events: ['BANK_UPDATED', 'KYC_UPDATED'] });
      await register(t, partner, { url: b.url, events: ['ACTIVITY_UPDATED'] });
      await register(t, other, { url: c.url, events: ['BANK_UPDATED'] });
      const user = await userOf(t, partner);
      const eventId = await publish(t, user.id, 'BANK_UPDATED', { id: 'bank-1', linkStatus: 'ACTIVE' });
      await a.waitFor((r) => r.length === 1, 'the BANK_UPDATED delivery');
      // Dispatching the same event again (the outbox is at-least-once) adds no delivery.
      await t.ctx.events.dispatch(eventId);
      const second = await publish(t, user.id, 'ACTIVITY_UPDATED', { id: 'activity-1' });
      await b.waitFor((r) => r.length === 1, 'the ACTIVITY_UPDATED delivery');
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(a.requests.length, 1);
      assert.equal(b.bodies()[0]!.id, second);
      assert.equal(c.requests.length, 0, "another client's webhook gets nothing");
      const rows = await t.db.db
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('webhook_id', '=', h1.id)
        .execute();
      assert.equal(rows.length, 1);
    } finally {
      await cleanup(partner, other);
      await Promise.all([a.stop(), b.stop(), c.stop()]);
    }
  });

  it('retries a failing receiver on the schedule (time moved, not waited), then marks the delivery FAILED', async () => {
    const receiver = await new WebhookReceiver().start();
    receiver.respond = () => ({ status: 500, body: 'database is down' });
    const partner = await newPartner(t);
    try {
      const hook = await register(t, partner, { url: receiver.url, events: ['KYC_UPDATED'] });
      const user = await userOf(t, partner);
      const eventId = await publish(t, user.id, 'KYC_UPDATED', KYC);
      // The first attempt and the immediate retry.
      await receiver.waitFor((r) => r.length === 2, 'two attempts');
      for (let i = 1; i < RETRY_DELAYS_SECONDS.length; i++) {
        const delay = RETRY_DELAYS_SECONDS[i]!;
        const pending = await waitUntil(`retry ${i} scheduled`, async () => {
          const d = (await deliveries(partner, hook.id)).items[0];
          return d?.nextAttemptTime && d.attemptCount === i + 1 ? d : undefined;
        });
        assert.equal(pending.status, 'PENDING');
        assert.equal(
          Date.parse(pending.nextAttemptTime) - clock.now().getTime(),
          delay * 1000,
          `delay before retry ${i + 1}`,
        );
        // Just before it is due nothing happens; at the due time it is sent.
        clock.advance(delay * 1000 - 1000);
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(receiver.requests.length, i + 1);
        clock.advance(1000);
        await receiver.waitFor((r) => r.length === i + 2, `attempt ${i + 2}`);
      }
      const failed = await waitUntil('FAILED', async () => {
        const d = (await deliveries(partner, hook.id)).items[0];
        return d?.status === 'FAILED' ? d : undefined;
      });
      assert.equal(failed.attemptCount, 11);
      assert.equal(failed.attempts.length, 11);
      assert.ok(
        failed.attempts.every(
          (a: { statusCode: number; responseSnippet: string; succeeded: boolean }) =>
            a.statusCode === 500 && a.responseSnippet === 'database is down' && !a.succeeded,
        ),
      );
      assert.equal(failed.lastError, 'HTTP 500');
      assert.equal(failed.nextAttemptTime, undefined);
      // Same id and body on every attempt; each attempt freshly signed.
      assert.ok(
        receiver.requests.every((r) => r.headers['webhook-id'] === eventId && r.raw === receiver.requests[0]!.raw),
      );
      assert.ok(receiver.requests.every((r) => verifyStandard(r, hook.secret) && verifyRatio(r, hook.secret)));
      clock.advance(48 * 3600 * 1000);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(receiver.requests.length, 11, 'nothing after FAILED');
      const failedOnly = await deliveries(partner, hook.id, '?status=FAILED');
      assert.equal(failedOnly.items.length, 1);

      // The operator lists it; the partner replays it once the receiver is fixed: same id and body.
      const listed = await runCommand(t.ctx, ['webhooks', 'failed', '--client', partner.clientId]);
      assert.equal(listed.exitCode, 0, listed.error);
      assert.deepEqual(
        (listed.output as Array<{ deliveryId: string; attempts: number }>).map((d) => [d.deliveryId, d.attempts]),
        [[failed.id, 11]],
      );
      receiver.respond = () => ({ status: 200 });
      const replay = await t.app.inject({
        method: 'POST',
        url: `/v1/webhooks/${hook.id}/deliveries/${failed.id}:replay`,
        headers: partner.headers,
      });
      assert.equal(replay.statusCode, 202, replay.body);
      assert.equal(replay.json().status, 'PENDING');
      await receiver.waitFor((r) => r.length === 12, 'the replayed delivery');
      assert.equal(receiver.requests[11]!.raw, receiver.requests[0]!.raw);
      assert.equal(receiver.requests[11]!.headers['webhook-id'], eventId);
      await waitUntil('SUCCEEDED after replay', async () =>
        (await deliveries(partner, hook.id)).items[0]?.status === 'SUCCEEDED' ? true : undefined,
      );
      // The operator can replay too (here: send it once more).
      const again = await runCommand(t.ctx, ['webhooks', 'replay', failed.id]);
      assert.equal(again.exitCode, 0, again.error);
      await receiver.waitFor((r) => r.length === 13, 'the operator replay');
      const unknown = await t.app.inject({
        method: 'POST',
        url: `/v1/webhooks/${hook.id}/deliveries/00000000-0000-4000-8000-000000000000:replay`,
        headers: partner.headers,
      });
      assert.equal(unknown.json().code, 'NOT_FOUND_WEBHOOK_DELIVERY');
    } finally {
      await cleanup(partner);
      await receiver.stop();
    }
  });

  it('counts a receiver that does not answer in time as a failure and retries it', async () => {
    const receiver = await new WebhookReceiver().start();
    receiver.respond = () => 'hang';
    const partner = await newPartner(t);
    try {
      const hook = await register(t, partner, { url: receiver.url, events: ['KYC_UPDATED'] });
      const user = await userOf(t, partner);
      await publish(t, user.id, 'KYC_UPDATED', KYC);
      await receiver.waitFor((r) => r.length === 1, 'the first attempt');
      // The receiver answers the immediate retry.
      receiver.respond = () => ({ status: 204 });
      const d = await waitUntil(
        'success on the retry',
        async () => {
          const item = (await deliveries(partner, hook.id)).items[0];
          return item?.status === 'SUCCEEDED' ? item : undefined;
        },
        40_000,
      );
      assert.equal(d.attempts.length, 2);
      assert.match(d.attempts[0].error, /ETIMEDOUT: no complete answer within 10000 ms/);
      assert.equal(d.attempts[0].statusCode, undefined);
      assert.ok(d.attempts[0].latencyMs >= 9900);
      assert.equal(d.attempts[1].statusCode, 204);
    } finally {
      await cleanup(partner);
      await receiver.stop();
    }
  });

  it('disables the webhook when the receiver answers 410 Gone', async () => {
    const receiver = await new WebhookReceiver().start();
    receiver.respond = () => ({ status: 410, body: 'gone' });
    const partner = await newPartner(t);
    try {
      const hook = await register(t, partner, { url: receiver.url, events: ['KYC_UPDATED'] });
      const user = await userOf(t, partner);
      await publish(t, user.id, 'KYC_UPDATED', KYC);
      const got = await waitUntil<{ disabledReason: string }>('disabled', async () => {
        const res = await t.app.inject({ method: 'GET', url: `/v1/webhooks/${hook.id}`, headers: partner.headers });
        return res.json().active === false ? res.json() : undefined;
      });
      assert.match(got.disabledReason, /410 Gone/);
      const d = (await deliveries(partner, hook.id)).items[0];
      assert.equal(d.status, 'FAILED');
      assert.equal(d.attemptCount, 1);
      await publish(t, user.id, 'KYC_UPDATED', KYC);
      await new Promise((r) => setTimeout(r, 800));
      assert.equal(receiver.requests.length, 1, 'nothing is sent to a disabled webhook');
      assert.equal((await deliveries(partner, hook.id)).items.length, 1);
      const replay = await t.app.inject({
        method: 'POST',
        url: `/v1/webhooks/${hook.id}/deliveries/${d.id}:replay`,
        headers: partner.headers,
      });
      assert.equal(replay.statusCode, 409);
      assert.equal(replay.json().code, 'WEBHOOK_DISABLED');
    } finally {
      await cleanup(partner);
      await receiver.stop();
    }
  });

  it('does not follow redirects', async () => {
    const receiver = await new WebhookReceiver().start();
    receiver.respond = (r) =>
      r.path === '/hooks' ? { status: 307, headers: { location: '/elsewhere' } } : { status: 200 };
    const partner = await newPartner(t);
    try {
      const hook = await register(t, partner, { url: receiver.url, events: ['KYC_UPDATED'] });
      const user = await userOf(t, partner);
      await publish(t, user.id, 'KYC_UPDATED', KYC);
      const d = await waitUntil('two attempts', async () => {
        const item = (await deliveries(partner, hook.id)).items[0];
        return item?.attempts.length === 2 ? item : undefined;
      });
      assert.equal(d.attempts[0].statusCode, 307);
      assert.match(d.attempts[0].error, /redirect 307 not followed \(Location: \/elsewhere\)/);
      assert.equal(d.status, 'PENDING');
      assert.ok(
        receiver.requests.every((r) => r.path === '/hooks'),
        'the Location was never requested',
      );
    } finally {
      await cleanup(partner);
      await receiver.stop();
    }
  });

  it('signs with both secrets for 24 hours after a rotation, then with the new one only', async () => {
    const receiver = await new WebhookReceiver().start();
    const partner = await newPartner(t);
    try {
      const hook = await register(t, partner, { url: receiver.url, events: ['KYC_UPDATED'] });
      const rotated = await t.app.inject({
        method: 'POST',
        url: `/v1/webhooks/${hook.id}:rotateSecret`,
        headers: partner.headers,
      });
      const newSecret = rotated.json().secret as string;
      const user = await userOf(t, partner);
      await publish(t, user.id, 'KYC_UPDATED', KYC);
      await receiver.waitFor((r) => r.length === 1, 'a delivery during the overlap');
      const during = receiver.requests[0]!;
      assert.equal((during.headers['ratio-webhook-signature'] as string).split(',').length, 2);
      assert.equal((during.headers['webhook-signature'] as string).split(' ').length, 2);
      for (const secret of [hook.secret, newSecret]) {
        assert.ok(verifyRatio(during, secret), 'Ratio signature verifies with either secret');
        assert.ok(verifyStandard(during, secret), 'Standard Webhooks signature verifies with either secret');
      }
      clock.advance(24 * 3600 * 1000 + 1000);
      await publish(t, user.id, 'KYC_UPDATED', KYC);
      await receiver.waitFor((r) => r.length === 2, 'a delivery after the overlap');
      const later = receiver.requests[1]!;
      assert.ok(verifyRatio(later, newSecret) && verifyStandard(later, newSecret));
      assert.equal(verifyRatio(later, hook.secret), false);
      assert.equal(verifyStandard(later, hook.secret), false);
    } finally {
      await cleanup(partner);
      await receiver.stop();
    }
  });

  it('sends a signed WEBHOOK_TEST event on :test and records it', async () => {
    const receiver = await new WebhookReceiver().start();
    const partner = await newPartner(t);
    try {
      const hook = await register(t, partner, { url: receiver.url, events: ['BANK_UPDATED'] });
      const res = await t.app.inject({ method: 'POST', url: `/v1/webhooks/${hook.id}:test`, headers: partner.headers });
      assert.equal(res.statusCode, 202, res.body);
      assert.equal(res.json().event, 'WEBHOOK_TEST');
      await receiver.waitFor((r) => r.length === 1, 'the test event');
      const body = receiver.bodies()[0]!;
      assert.equal(body.event, 'WEBHOOK_TEST');
      assert.equal(body.userId, null);
      assert.equal(body.id, res.json().eventId);
      assert.equal(body.data.webhookId, hook.id);
      assert.ok(verifyRatio(receiver.requests[0]!, hook.secret) && verifyStandard(receiver.requests[0]!, hook.secret));
      await waitUntil('recorded', async () =>
        (await deliveries(partner, hook.id)).items[0]?.status === 'SUCCEEDED' ? true : undefined,
      );
    } finally {
      await cleanup(partner);
      await receiver.stop();
    }
  });
});
