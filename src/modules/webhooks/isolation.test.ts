// A receiver that never answers holds at most its own few delivery slots: another receiver gets
// every event meanwhile, and the API keeps answering.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../../../test/helpers.ts';
import { WebhookReceiver } from '../../../test/webhook-receiver.ts';
import { newPartner, publish, register, userOf } from '../../../test/webhooks.ts';

let t: TestApp;
before(async () => {
  // The dead receiver never answers within the test: its attempts stay in flight throughout.
  t = await startTestApp({
    workers: true,
    env: { ONRAMP_WEBHOOK_TIMEOUT_MS: '60000', ONRAMP_WEBHOOK_CONCURRENCY_PER_WEBHOOK: '4' },
  });
});
after(async () => t?.close());

describe('webhook isolation', () => {
  it('a dead receiver does not delay another one', async () => {
    const dead = await new WebhookReceiver().start();
    dead.respond = () => 'hang';
    const alive = await new WebhookReceiver().start();
    try {
      const partner = await newPartner(t);
      const deadHook = await register(t, partner, { url: dead.url, events: ['KYC_UPDATED'] });
      await register(t, partner, { url: alive.url, events: ['KYC_UPDATED'] });
      const user = await userOf(t, partner);
      const ids: string[] = [];
      for (let i = 0; i < 30; i++)
        ids.push(
          await publish(t, user.id, 'KYC_UPDATED', {
            updateTime: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
          }),
        );

      await alive.waitFor(
        (r) => new Set(r.map((x) => JSON.parse(x.raw).id)).size === 30,
        'every event at the live receiver',
        60_000,
      );
      assert.deepEqual(new Set(alive.bodies().map((b) => b.id)), new Set(ids));
      // Meanwhile the dead receiver holds at most its 4 slots, none of which has finished.
      assert.ok(
        dead.requests.length >= 1 && dead.requests.length <= 4,
        `dead receiver got ${dead.requests.length} requests`,
      );
      assert.ok(dead.maxOpen <= 4, `dead receiver saw ${dead.maxOpen} requests at once`);
      const finished = await t.db.db
        .selectFrom('webhook_attempts')
        .innerJoin('webhook_deliveries', 'webhook_deliveries.id', 'webhook_attempts.delivery_id')
        .select('webhook_attempts.id')
        .where('webhook_deliveries.webhook_id', '=', deadHook.id)
        .execute();
      assert.equal(finished.length, 0);
      // The API answers while attempts hang.
      const list = await t.app.inject({
        method: 'GET',
        url: `/v1/webhooks/${deadHook.id}/deliveries?pageSize=5`,
        headers: partner.headers,
      });
      assert.equal(list.statusCode, 200);
      assert.equal(list.json().items.length, 5);
      assert.ok(list.json().nextPageToken);
    } finally {
      await dead.stop();
      await alive.stop();
    }
  });
});
