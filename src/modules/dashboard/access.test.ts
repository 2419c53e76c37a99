// Who can see and do what on the dashboard API: sign-in by emailed code, the session cookie, CSRF on
// writes, viewers read while admins manage, a member of another client sees nothing of this one,
// sessions end when idle, and every write is in the audit log.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { dashboardSignIn, invite } from '../../../test/dashboard.ts';
import { startTestApp, type TestApp } from '../../../test/helpers.ts';
import { createApiUser } from '../../../test/users.ts';
import { createClient } from '../clients/create-client.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => t?.close());

const get = (url: string, headers: Record<string, string>) => t.app.inject({ method: 'GET', url, headers });
const send = (method: 'POST' | 'PATCH' | 'DELETE', url: string, headers: Record<string, string>, payload?: object) =>
  t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });

describe('dashboard sign-in and sessions', () => {
  test('a member signs in with the emailed code and gets an HttpOnly, SameSite=Strict cookie and a CSRF token', async () => {
    const admin = await invite(t, t.client.id, 'admin');
    const sent = await t.app.inject({
      method: 'POST',
      url: '/dashboard/api/sign-in/code',
      payload: { email: admin.email },
    });
    assert.equal(sent.statusCode, 200, sent.body);
    const inbox = await t.app.inject({
      method: 'GET',
      url: `/sandbox/inbox?to=${encodeURIComponent(admin.email)}`,
      headers: t.clientHeaders,
    });
    const message = inbox.json().items[0];
    assert.match(message.subject, /dashboard sign-in code/);
    const code = /\b(\d{6})\b/.exec(message.text)![1]!;

    const wrong = await send(
      'POST',
      '/dashboard/api/sign-in/verify',
      {},
      { signInId: sent.json().signInId, code: code === '000000' ? '111111' : '000000' },
    );
    assert.equal(wrong.statusCode, 401);
    assert.equal(wrong.json().code, 'INVALID_SIGN_IN_CODE');

    const ok = await send('POST', '/dashboard/api/sign-in/verify', {}, { signInId: sent.json().signInId, code });
    assert.equal(ok.statusCode, 200, ok.body);
    const setCookie = String(ok.headers['set-cookie']);
    assert.match(setCookie, /onramp_dashboard=ds_/);
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Strict/);
    assert.match(setCookie, /Path=\/dashboard/);
    assert.doesNotMatch(setCookie, /Secure/, 'http sandbox: no Secure flag');
    assert.equal(ok.json().member.role, 'ADMIN');
    assert.equal(ok.json().client.id, t.client.id);

    const again = await send('POST', '/dashboard/api/sign-in/verify', {}, { signInId: sent.json().signInId, code });
    assert.equal(again.statusCode, 401, 'a code works once');
  });

  test('an address that is no member gets the same answer and no email', async () => {
    const email = 'nobody@example.com';
    const sent = await send('POST', '/dashboard/api/sign-in/code', {}, { email });
    assert.equal(sent.statusCode, 200);
    assert.match(sent.json().signInId, /^dsi_/);
    const rows = await t.db.db.selectFrom('sandbox_messages').select('id').where('recipient', '=', email).execute();
    assert.equal(rows.length, 0);
  });

  test('without a session every data endpoint is 401; a write without the CSRF token is 403', async () => {
    for (const url of [
      '/dashboard/api/overview',
      '/dashboard/api/users',
      '/dashboard/api/webhooks',
      '/dashboard/api/keys',
      '/dashboard/api/requests',
    ]) {
      const res = await get(url, {});
      assert.equal(res.statusCode, 401, url);
      assert.equal(res.json().code, 'DASHBOARD_SIGN_IN_REQUIRED');
    }
    const admin = await dashboardSignIn(t, (await invite(t, t.client.id, 'admin')).email);
    const noCsrf = await send('POST', '/dashboard/api/keys/rotate', admin.read);
    assert.equal(noCsrf.statusCode, 403);
    assert.equal(noCsrf.json().code, 'DASHBOARD_CSRF_REJECTED');
    const badCsrf = await send('POST', '/dashboard/api/keys/rotate', { ...admin.read, 'x-csrf-token': 'x'.repeat(43) });
    assert.equal(badCsrf.json().code, 'DASHBOARD_CSRF_REJECTED');
    const crossSite = await send('POST', '/dashboard/api/keys/rotate', {
      ...admin.write,
      'sec-fetch-site': 'cross-site',
    });
    assert.equal(crossSite.json().code, 'DASHBOARD_ORIGIN_REJECTED');
    const foreignOrigin = await send(
      'POST',
      '/dashboard/api/sign-in/code',
      { origin: 'https://evil.example' },
      { email: admin.email },
    );
    assert.equal(foreignOrigin.statusCode, 403);
  });

  test('a viewer reads but is refused admin actions', async () => {
    const viewer = await dashboardSignIn(t, (await invite(t, t.client.id, 'viewer')).email);
    assert.equal((await get('/dashboard/api/webhooks', viewer.read)).statusCode, 200);
    assert.equal((await get('/dashboard/api/keys', viewer.read)).statusCode, 200);
    for (const [method, url, body] of [
      ['POST', '/dashboard/api/keys/rotate', undefined],
      ['POST', '/dashboard/api/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['KYC_UPDATED'] }],
      ['POST', '/dashboard/api/members', { email: 'x@example.com', role: 'admin' }],
      ['PATCH', '/dashboard/api/keys', { redirectUris: [] }],
    ] as const) {
      const res = await send(method, url, viewer.write, body);
      assert.equal(res.statusCode, 403, `${method} ${url}`);
      assert.equal(res.json().code, 'DASHBOARD_ADMIN_REQUIRED');
    }
  });

  test("a member of another client sees nothing of this client's users", async () => {
    const user = await createApiUser(t);
    const other = await createClient(t.db.db, 'sandbox', { name: 'Other partner' });
    const outsider = await dashboardSignIn(t, (await invite(t, other.clientId, 'admin')).email);
    assert.equal((await get(`/dashboard/api/users/${user.id}`, outsider.read)).statusCode, 404);
    assert.equal((await get(`/dashboard/api/users/${user.id}/activity`, outsider.read)).statusCode, 404);
    assert.equal((await get(`/dashboard/api/users?q=${user.id}`, outsider.read)).json().items.length, 0);
    const insider = await dashboardSignIn(t, (await invite(t, t.client.id, 'viewer')).email);
    const found = await get(`/dashboard/api/users?q=${encodeURIComponent(user.email)}`, insider.read);
    assert.equal(found.json().items.length, 1);
    assert.equal(found.json().items[0].id, user.id);
    assert.doesNotMatch(found.body, new RegExp(user.email.replace(/[+.]/g, '\\$&')), 'the email is masked');
    assert.doesNotMatch(found.body, new RegExp(user.phone.replace('+', '\\+')), 'the phone is masked');
  });

  test('a session ends after the idle time and on sign-out; writes are in the audit log', async () => {
    const admin = await dashboardSignIn(t, (await invite(t, t.client.id, 'admin')).email);
    const out = await send('POST', '/dashboard/api/sign-out', admin.write);
    assert.equal(out.statusCode, 204);
    assert.equal((await get('/dashboard/api/session', admin.read)).json().data.reason, 'signedOut');

    // A code per address every 30 s at most: another member.
    const idle = await dashboardSignIn(t, (await invite(t, t.client.id, 'viewer')).email);
    const advanced = await t.app.inject({
      method: 'POST',
      url: '/sandbox/clock:advance',
      headers: t.clientHeaders,
      payload: { seconds: t.config.dashboard.sessionIdleSeconds + 1 },
    });
    assert.equal(advanced.statusCode, 200, advanced.body);
    const expired = await get('/dashboard/api/session', idle.read);
    assert.equal(expired.statusCode, 401);
    assert.equal(expired.json().data.reason, 'idle');

    const actions = await t.db.db
      .selectFrom('audit_log')
      .select(['action', 'actor_type'])
      .where('actor_type', '=', 'MEMBER')
      .execute();
    assert.ok(actions.some((a) => a.action === 'dashboard.sign_in'));
    assert.ok(actions.some((a) => a.action === 'dashboard.sign_out'));
  });
});
