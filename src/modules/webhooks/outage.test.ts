// An outage: the receiver is down while 1,000 events are produced and while their first attempts and
// immediate retries fail, then comes back in the middle of the backlog. Every event is delivered at
// least once, none is lost.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../lib/clock.ts';
import { startTestApp, type TestApp } from '../../../test/helpers.ts';
import { WebhookReceiver } from '../../../test/webhook-receiver.ts';
import { fixtureData, newPartner, register, userOf } from '../../../test/webhooks.ts';

const EVENTS = 1000;
let t: TestApp;
const clock = new ManualClock('2026-05-04T09:00:00Z');

before(async () => {
  t = await startTestApp({
    clock,
    workers: true,
    env: { ONRAMP_WEBHOOK_SWEEP_INTERVAL_MS: '200', ONRAMP_WEBHOOK_CONCURRENCY_PER_WEBHOOK: '16' },
  });
});
after(async () => t?.close());

async function countByStatus(webhookId: string): Promise<Record<string, number>> {
  const rows = await t.db.db
    .selectFrom('webhook_deliveries')
    .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
    .where('webhook_id', '=', webhookId)
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 240_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('webhook outage', () => {
  it(`delivers all ${EVENTS} events produced while the receiver was down, once it is back`, async () => {
    const receiver = await new WebhookReceiver().start();
    const partner = await newPartner(t);
    const hook = await register(t, partner, { url: receiver.url, events: ['ACTIVITY_UPDATED'] });
    const user = await userOf(t, partner);
    receiver.goDown();

    const ids = new Set<string>();
    for (let batch = 0; batch < EVENTS / 100; batch++) {
      await t.db.db.transaction().execute(async (trx) => {
        for (let i = 0; i < 100; i++) {
          const n = batch * 100 + i;
          ids.add(
            await t.ctx.events.publish(trx, {
              userId: user.id,
              type: 'ACTIVITY_UPDATED',
              data: fixtureData('ACTIVITY_UPDATED', {
                id: `activity-${n}`,
                updateTime: new Date(Date.UTC(2026, 4, 4, 9, 0, 0, n)).toISOString(),
              }),
            }),
          );
        }
      });
    }
    // Down while the events are produced and worked through: attempts fail (the connection is dropped),
    // the immediate retries fail too, and those deliveries wait for their 5 s retry. How a dropped
    // connection is reported (reset, hang-up, or a timeout on a machine too busy to notice in time)
    // varies; that no attempt got an answer does not.
    await until('the outage to be felt', async () => ((await countByStatus(hook.id)).SCHEDULED ?? 0) >= 100);
    const failedAttempts = await t.db.db
      .selectFrom('webhook_attempts')
      .select(['error', 'succeeded', 'status_code'])
      .execute();
    assert.ok(failedAttempts.length >= 200);
    for (const a of failedAttempts) {
      assert.equal(a.succeeded, false);
      assert.equal(a.status_code, null, 'no answer came from a receiver that is down');
      assert.ok(a.error, 'the failure is recorded');
    }
    assert.equal(receiver.requests.length, 0);

    receiver.comeBack(); // back, on the same port, in the middle of the backlog
    // Time moves on (5 s per check) until every delivery has succeeded: the scheduled retries come due.
    await until('every delivery to succeed', async () => {
      clock.advance(5_000);
      return (await countByStatus(hook.id)).SUCCEEDED === EVENTS;
    });
    const received = new Set(receiver.bodies().map((b) => b.id));
    assert.equal(received.size, EVENTS);
    assert.deepEqual(
      [...ids].filter((id) => !received.has(id)),
      [],
      'no event is lost',
    );

    // The deliveries list pages through all of them (keyset pages, no overlap, no gap).
    const listed = new Set<string>();
    let pageToken: string | undefined;
    do {
      const res = await t.app.inject({
        method: 'GET',
        url: `/v1/webhooks/${hook.id}/deliveries?pageSize=100&status=SUCCEEDED${pageToken ? `&pageToken=${pageToken}` : ''}`,
        headers: partner.headers,
      });
      assert.equal(res.statusCode, 200, res.body);
      for (const d of res.json().items) listed.add(d.eventId);
      pageToken = res.json().nextPageToken;
    } while (pageToken);
    assert.equal(listed.size, EVENTS);
    await receiver.stop();
  });
});
