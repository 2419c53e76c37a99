import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient } from '../clients/create-client.ts';
import { startTestApp, type TestApp } from '../../../test/helpers.ts';
import { validateWebhookUrl } from './targets.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => t?.close());

const inject = (
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  payload?: object,
  headers: Record<string, string> = t.clientHeaders,
) => t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });

async function create(body: object, headers?: Record<string, string>) {
  return inject('POST', '/v1/webhooks', body, headers);
}

describe('webhook registrations', () => {
  it('lists the available events', async () => {
    const res = await inject('GET', '/v1/webhooks/events');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { items: ['ACTIVITY_UPDATED', 'BANK_UPDATED', 'KYC_UPDATED'] });
  });

  it('needs the client id and secret', async () => {
    const res = await inject('GET', '/v1/webhooks', undefined, { 'ratio-client-id': t.client.id });
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().code, 'MISSING_CLIENT_SECRET');
  });

  it('creates a webhook, shows its secret once, keeps it encrypted, and normalises dotted event names', async () => {
    const res = await create({
      name: 'My Webhook',
      url: 'https://example.com/webhook',
      events: ['kyc.updated', 'ACTIVITY_UPDATED', 'activity.updated'],
    });
    assert.equal(res.statusCode, 201, res.body);
    const hook = res.json();
    assert.equal(hook.name, 'My Webhook');
    assert.equal(hook.url, 'https://example.com/webhook');
    assert.deepEqual(hook.events, ['ACTIVITY_UPDATED', 'KYC_UPDATED']);
    assert.equal(hook.active, true);
    assert.match(hook.createTime, /^\d{4}-\d\d-\d\dT/);
    assert.match(hook.secret, /^whsec_[A-Za-z0-9+/]+=*$/);
    assert.equal(Buffer.from(hook.secret.slice('whsec_'.length), 'base64').length, 32);

    const got = await inject('GET', `/v1/webhooks/${hook.id}`);
    assert.equal(got.statusCode, 200);
    assert.equal(got.json().secret, undefined);
    assert.equal(got.json().url, 'https://example.com/webhook');
    const list = await inject('GET', '/v1/webhooks');
    assert.ok(
      list.json().items.some((w: { id: string; secret?: string }) => w.id === hook.id && w.secret === undefined),
    );
    const patched = await inject('PATCH', `/v1/webhooks/${hook.id}`, { name: 'Renamed' });
    assert.equal(patched.json().secret, undefined);

    const row = await t.db.db.selectFrom('webhooks').selectAll().where('id', '=', hook.id).executeTakeFirstOrThrow();
    assert.ok(!JSON.stringify(row).includes(hook.secret.slice(6, 30)), 'the secret is not stored in clear');
    assert.ok(!t.logs.text().includes(hook.secret.slice(6, 30)), 'the secret is not logged');
  });

  it('validates the body with the documented codes', async () => {
    const cases: Array<[object, string]> = [
      [{ events: ['KYC_UPDATED'] }, 'MISSING_URL'],
      [{ url: 'https://example.com/h' }, 'MISSING_EVENTS'],
      [{ url: 'https://example.com/h', events: [] }, 'INVALID_EVENTS'],
      [{ url: 'https://example.com/h', events: ['KYC_UPDATED', 'USER_DELETED'] }, 'INVALID_EVENT'],
      [{ url: 'not a url', events: ['KYC_UPDATED'] }, 'INVALID_URL'],
      [{ url: 'ftp://example.com/h', events: ['KYC_UPDATED'] }, 'INVALID_URL'],
      [{ url: 'https://user:pass@example.com/h', events: ['KYC_UPDATED'] }, 'INVALID_URL'],
      [{ url: `https://example.com/${'a'.repeat(2100)}`, events: ['KYC_UPDATED'] }, 'INVALID_URL'],
      [{ url: 'http://169.254.169.254/latest/meta-data', events: ['KYC_UPDATED'] }, 'INVALID_URL'],
      [{ url: 'http://10.1.2.3/h', events: ['KYC_UPDATED'] }, 'INVALID_URL'],
      [{ url: 'http://[::ffff:192.168.0.1]/h', events: ['KYC_UPDATED'] }, 'INVALID_URL'],
      [{ url: 'https://example.com/h', events: ['KYC_UPDATED'], name: 'ab' }, 'INVALID_NAME'],
      [{ url: 'https://example.com/h', events: ['KYC_UPDATED'], secret: 'mine' }, 'INVALID_BODY'],
    ];
    for (const [body, code] of cases) {
      const res = await create(body);
      assert.equal(res.json().code, code, `${JSON.stringify(body).slice(0, 80)} → ${res.body}`);
      assert.ok(res.statusCode >= 400 && res.statusCode < 500);
    }
    const bad = await create({ url: 'https://user:pass@example.com/h', events: ['KYC_UPDATED'] });
    assert.match(bad.json().message, /url.*user name or password/);
    const unknown = await create({ url: 'https://example.com/h', events: ['KYC_UPDATED', 'USER_DELETED'] });
    assert.equal(unknown.json().data.field, 'events.1');
    const id = await inject('GET', '/v1/webhooks/not-a-uuid');
    assert.equal(id.json().code, 'INVALID_WEBHOOK_ID');
  });

  it('allows http and loopback receivers in sandbox mode; production needs https and refuses private literals', () => {
    const sandbox = { httpsOnly: false, allowLoopback: true };
    const production = { httpsOnly: true, allowLoopback: false };
    assert.equal(validateWebhookUrl('http://127.0.0.1:4000/hooks', sandbox), 'http://127.0.0.1:4000/hooks');
    assert.throws(() => validateWebhookUrl('http://example.com/hooks', production), /must start with https:\/\//);
    assert.throws(() => validateWebhookUrl('https://127.0.0.1/hooks', production), /loopback/);
    assert.throws(() => validateWebhookUrl('https://[::1]/hooks', production), /loopback/);
    assert.throws(() => validateWebhookUrl('https://192.168.1.10/hooks', production), /private/);
    assert.throws(() => validateWebhookUrl('https://[fd00:ec2::254]/', production), /private/);
    assert.throws(() => validateWebhookUrl('https://224.0.0.1/', production), /multicast/);
    assert.throws(() => validateWebhookUrl('https://example.com/h#frag', production), /fragment/);
    assert.equal(validateWebhookUrl('https://Example.COM/h?x=1', production), 'https://example.com/h?x=1');
  });

  it('keeps each client to its own webhooks', async () => {
    const other = await createClient(t.db.db, t.config.mode, { name: 'Other partner' });
    const otherHeaders = { 'ratio-client-id': other.clientId, 'ratio-client-secret': other.clientSecret };
    const mine = (await create({ url: 'https://example.com/mine', events: ['BANK_UPDATED'] })).json();
    for (const [method, url, body] of [
      ['GET', `/v1/webhooks/${mine.id}`],
      ['PATCH', `/v1/webhooks/${mine.id}`, { name: 'Stolen' }],
      ['DELETE', `/v1/webhooks/${mine.id}`],
      ['POST', `/v1/webhooks/${mine.id}:rotateSecret`],
      ['GET', `/v1/webhooks/${mine.id}/deliveries`],
    ] as const) {
      const res = await inject(method, url, body, otherHeaders);
      assert.equal(res.statusCode, 404, `${method} ${url}`);
      assert.equal(res.json().code, 'NOT_FOUND_WEBHOOK');
    }
    const list = await inject('GET', '/v1/webhooks', undefined, otherHeaders);
    assert.deepEqual(list.json(), { items: [] });
  });

  it('updates, pauses, re-enables and deletes', async () => {
    const hook = (await create({ url: 'https://example.com/a', events: ['BANK_UPDATED'] })).json();
    const res = await inject('PATCH', `/v1/webhooks/${hook.id}`, {
      url: 'https://example.com/b',
      events: ['bank.updated', 'kyc.updated'],
      name: 'Second',
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().url, 'https://example.com/b');
    assert.deepEqual(res.json().events, ['BANK_UPDATED', 'KYC_UPDATED']);
    assert.equal(res.json().name, 'Second');
    assert.ok(res.json().updateTime >= hook.updateTime);
    const bad = await inject('PATCH', `/v1/webhooks/${hook.id}`, { url: 'gopher://x' });
    assert.equal(bad.json().code, 'INVALID_URL');
    const paused = await inject('PATCH', `/v1/webhooks/${hook.id}`, { active: false });
    assert.equal(paused.json().active, false);
    assert.equal(paused.json().disabledReason, 'Paused by the client');
    const resumed = await inject('PATCH', `/v1/webhooks/${hook.id}`, { active: true });
    assert.equal(resumed.json().active, true);
    assert.equal(resumed.json().disabledReason, undefined);
    const del = await inject('DELETE', `/v1/webhooks/${hook.id}`);
    assert.equal(del.statusCode, 204);
    assert.equal((await inject('GET', `/v1/webhooks/${hook.id}`)).json().code, 'NOT_FOUND_WEBHOOK');
    assert.equal((await inject('DELETE', `/v1/webhooks/${hook.id}`)).statusCode, 404);
  });

  it('rotates the secret: a new one shown once, the previous one signing for 24 hours', async () => {
    const hook = (await create({ url: 'https://example.com/r', events: ['KYC_UPDATED'] })).json();
    const res = await inject('POST', `/v1/webhooks/${hook.id}:rotateSecret`);
    assert.equal(res.statusCode, 200, res.body);
    const rotated = res.json();
    assert.match(rotated.secret, /^whsec_/);
    assert.notEqual(rotated.secret, hook.secret);
    const overlapMs = Date.parse(rotated.previousSecretExpireTime) - Date.parse(rotated.updateTime);
    assert.equal(overlapMs, 24 * 3600 * 1000);
    const got = (await inject('GET', `/v1/webhooks/${hook.id}`)).json();
    assert.equal(got.secret, undefined);
    assert.equal(got.previousSecretExpireTime, rotated.previousSecretExpireTime);
  });

  it('allows at most 10 webhooks per client', async () => {
    const fresh = await createClient(t.db.db, t.config.mode, { name: 'Busy partner' });
    const headers = { 'ratio-client-id': fresh.clientId, 'ratio-client-secret': fresh.clientSecret };
    for (let i = 0; i < 10; i++) {
      const res = await create({ url: `https://example.com/${i}`, events: ['KYC_UPDATED'] }, headers);
      assert.equal(res.statusCode, 201, res.body);
    }
    const res = await create({ url: 'https://example.com/11', events: ['KYC_UPDATED'] }, headers);
    assert.equal(res.statusCode, 422);
    assert.equal(res.json().code, 'EXCEEDS_LIMIT_WEBHOOKS');
    assert.equal(res.json().data.limit, 10);
    const list = await inject('GET', '/v1/webhooks', undefined, headers);
    assert.equal(list.json().items.length, 10);
  });
});
