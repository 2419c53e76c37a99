// Recording outcomes through database failures, and giving back claims: a consumer of its own (no
// workers in this app) over the real database, whose transactions can be made to fail.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Db } from '../../db/index.ts';
import { startTestApp, type TestApp } from '../../../test/helpers.ts';
import { WebhookReceiver } from '../../../test/webhook-receiver.ts';
import { fixtureData, newPartner, publish, register, userOf } from '../../../test/webhooks.ts';
import { WebhookDelivery } from './delivery.ts';
import { claimQueued, lockQueuedWebhooks, releaseClaims } from './repository.ts';

let t: TestApp;

before(async () => {
  t = await startTestApp();
});
after(async () => t?.close());

/** ctx.db, whose next `failing` transactions fail before they start (a database blip). */
function flakyDb(db: Db) {
  const state = { failing: 0, failed: 0 };
  const proxy = new Proxy(db, {
    get(target, prop) {
      if (prop === 'transaction' && state.failing > 0)
        return () => ({
          execute: async () => {
            state.failing--;
            state.failed++;
            throw new Error('connection terminated (test)');
          },
        });
      const value = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { db: proxy, state };
}

/** The consumer's start and stop (the jobs service calls them in a worker process). */
type Consumer = { start(): void; stop(): Promise<void> };

async function oneDelivery(url: string) {
  const partner = await newPartner(t);
  const hook = await register(t, partner, { url, events: ['KYC_UPDATED'] });
  const user = await userOf(t, partner);
  const data = fixtureData('KYC_UPDATED', { updateTime: '2026-03-02T15:00:00.000Z' });
  const eventId = await publish(t, user.id, 'KYC_UPDATED', data);
  return { hook, event: { id: eventId, userId: user.id, type: 'KYC_UPDATED' as const, data, createdAt: new Date() } };
}

async function deliveriesOf(webhookId: string) {
  return t.db.db.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', webhookId).execute();
}

describe('webhook outcomes', () => {
  it('keeps an outcome through rounds that fail, and records it once when the database is back', async () => {
    const receiver = await new WebhookReceiver().start();
    const flaky = flakyDb(t.ctx.db);
    const delivery = new WebhookDelivery({ ...t.ctx, db: flaky.db });
    const { hook, event } = await oneDelivery(receiver.url);
    // The database fails while the receiver answers: the rounds that would record the outcome fail,
    // five in a row (backing off: 20 ms, 80 ms, 0.3 s, 1.3 s, 5 s).
    receiver.respond = () => {
      flaky.state.failing = 5;
      return { status: 200, body: 'ok' };
    };
    const consumer = delivery as unknown as Consumer;
    consumer.start();
    try {
      await delivery.fanOut(event);
      const deadline = Date.now() + 60_000;
      while ((await deliveriesOf(hook.id))[0]?.status !== 'SUCCEEDED') {
        if (Date.now() > deadline) throw new Error('the outcome was never recorded');
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await consumer.stop();
      await receiver.stop();
    }
    assert.equal(flaky.state.failed, 5, 'five rounds failed');
    assert.equal(receiver.requests.length, 1, 'sent once: the outcome was not given up');
    const [d] = await deliveriesOf(hook.id);
    assert.equal(d!.attempt_count, 1);
    assert.equal(d!.lease_until, null);
    const attempts = await t.db.db
      .selectFrom('webhook_attempts')
      .selectAll()
      .where('delivery_id', '=', d!.id)
      .execute();
    assert.equal(attempts.length, 1, 'the attempt is recorded once');
    assert.equal(attempts[0]!.succeeded, true);
  });

  it('gives back only the claims this consumer still holds', async () => {
    const { hook, event } = await oneDelivery('http://127.0.0.1:9/hooks');
    const delivery = new WebhookDelivery(t.ctx);
    await delivery.fanOut(event);
    const mine = randomUUID();
    const theirs = randomUUID();
    const now = new Date();
    // Claimed by `mine`; its lease ran out and `theirs` claimed it since (here: claimed by `theirs`).
    const [claimed] = await t.db.db.transaction().execute(async (trx) => {
      const hooks = await lockQueuedWebhooks(trx, randomUUID(), 10);
      assert.deepEqual(
        hooks.map((h) => h.id),
        [hook.id],
      );
      return claimQueued(trx, [hook.id], {
        claimant: theirs,
        window: 4,
        limit: 4,
        now,
        leaseUntil: new Date(now.getTime() + 60_000),
      });
    });
    assert.ok(claimed);
    await releaseClaims(t.db.db, mine, [claimed], now);
    let [d] = await deliveriesOf(hook.id);
    assert.equal(d!.status, 'SENDING', 'another consumer’s claim is left alone');
    assert.equal(d!.attempt_count, 1);
    await releaseClaims(t.db.db, theirs, [claimed], now);
    [d] = await deliveriesOf(hook.id);
    assert.equal(d!.status, 'QUEUED', 'its own claim is given back');
    assert.equal(d!.attempt_count, 0);
    delivery.sender.close();
  });
});
