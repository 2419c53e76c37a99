import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { baseUrl, startTestApp, type TestApp } from '../../../test/helpers.ts';

describe('sandbox webhook receiver', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ listen: true, workers: true });
  });
  after(() => t.close());

  const received = async () =>
    (await t.app.inject({ method: 'GET', url: '/sandbox/webhooks/received', headers: t.clientHeaders })).json()
      .items as Array<{ headers: Record<string, string>; body: string }>;

  it('keeps a real delivery byte for byte, so both signatures verify over what was read back', async () => {
    const url = `${baseUrl(t)}/sandbox/webhooks/receiver/${t.client.id}`;
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/webhooks',
      headers: t.clientHeaders,
      payload: { url, events: ['KYC_UPDATED'] },
    });
    assert.equal(created.statusCode, 201, created.body);
    const { id, secret } = created.json() as { id: string; secret: string };
    const test = await t.app.inject({ method: 'POST', url: `/v1/webhooks/${id}:test`, headers: t.clientHeaders });
    assert.ok(test.statusCode < 300, test.body);

    const deadline = Date.now() + 30_000;
    let items = await received();
    while (items.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      items = await received();
    }
    const [receipt] = items;
    assert.ok(receipt, 'the test event arrived');
    assert.equal(JSON.parse(receipt.body).event, 'WEBHOOK_TEST');
    const ts = receipt.headers['ratio-webhook-signature-timestamp']!;
    const ratio = createHmac('sha512', secret).update(`${ts}.${receipt.body}`).digest('hex');
    assert.ok(receipt.headers['ratio-webhook-signature']!.split(',').includes(ratio), 'Ratio signature verifies');
    assert.doesNotThrow(() => new Webhook(secret).verify(receipt.body, receipt.headers), 'Standard Webhooks verifies');
  });

  it('answers 404 for a receiver URL that names no client, and lists only the caller client', async () => {
    const res = await fetch(`${baseUrl(t)}/sandbox/webhooks/receiver/00000000-0000-4000-8000-000000000000`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as { code: string }).code, 'INVALID_CLIENT_ID');
    const anonymous = await t.app.inject({ method: 'GET', url: '/sandbox/webhooks/received' });
    assert.equal(anonymous.statusCode, 401);
  });
});
