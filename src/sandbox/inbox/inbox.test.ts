import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../../../test/helpers.ts';
import { post, testPhone } from '../../../test/auth.ts';
import { createClient } from '../../modules/clients/create-client.ts';

describe('sandbox inbox', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  const inbox = (to: string, headers: Record<string, string>) =>
    t.app.inject({
      method: 'GET',
      url: `/sandbox/inbox?to=${encodeURIComponent(to)}`,
      headers: { ...headers, accept: 'application/json' },
    });

  it("lists a client's own messages to a number, newest first, and nobody else's", async () => {
    const phone = testPhone();
    assert.equal((await post(t, '/v1/auth/otp/sms:send', { phoneNumber: phone })).statusCode, 200);
    const res = await inbox(phone, t.clientHeaders);
    assert.equal(res.statusCode, 200);
    const [message] = res.json().items;
    assert.equal(message.channel, 'SMS');
    assert.equal(message.to, phone);
    assert.match(message.text, /\b\d{6}\b is your onramp verification code/);
    const other = await createClient(t.db.db, 'sandbox', { name: 'Other' });
    const foreign = await inbox(phone, {
      'ratio-client-id': other.clientId,
      'ratio-client-secret': other.clientSecret,
    });
    assert.deepEqual(foreign.json().items, []);
    assert.equal((await inbox(phone, {})).statusCode, 401);
  });

  it('keeps messages from other modules that are tied to no client visible to every client', async () => {
    await t.ctx.messaging.sendEmail({
      to: 'Notice@Example.com',
      subject: 'KYC approved',
      text: 'You are approved.',
      html: '<p>You are approved.</p>',
    });
    const res = await inbox('notice@example.com', t.clientHeaders);
    assert.equal(res.json().items[0].subject, 'KYC approved');
    assert.equal(res.json().items[0].html, '<p>You are approved.</p>');
  });

  it('serves a page to browsers at the same address, with a strict content security policy', async () => {
    const page = await t.app.inject({
      method: 'GET',
      url: '/sandbox/inbox',
      headers: { accept: 'text/html,application/xhtml+xml' },
    });
    assert.equal(page.statusCode, 200);
    assert.match(page.headers['content-type'] as string, /text\/html/);
    assert.match(page.headers['content-security-policy'] as string, /script-src 'self'/);
    assert.match(page.body, /<script src="\/sandbox\/inbox.js"><\/script>/);
    const script = await t.app.inject({ method: 'GET', url: '/sandbox/inbox.js' });
    assert.equal(script.statusCode, 200);
    assert.match(script.body, /textContent/);
    assert.ok(!script.body.includes('innerHTML'));
    assert.ok(!/secret/i.test(page.body) && !/secret/i.test(script.body), 'the page never asks for the client secret');
    assert.ok(!/toLocale|new Date\(\)/.test(script.body), 'no browser clock: every time shown is sandbox time');
  });

  it('gives the page a read token instead of the secret: it reads this client inbox and nothing else', async () => {
    const phone = testPhone();
    assert.equal((await post(t, '/v1/auth/otp/sms:send', { phoneNumber: phone })).statusCode, 200);
    const link = await t.app.inject({ method: 'GET', url: '/sandbox/inbox/link', headers: t.clientHeaders });
    assert.equal(link.statusCode, 200, link.body);
    const { token, url } = link.json() as { token: string; url: string };
    assert.match(token, /^ibx_/);
    assert.ok(url.endsWith(`/sandbox/inbox#token=${token}`), url);
    const feed = (headers: Record<string, string>, query = '') =>
      t.app.inject({ method: 'GET', url: `/sandbox/inbox/feed${query}`, headers });
    const mine = await feed({ 'ratio-sandbox-inbox-token': token });
    assert.equal(mine.statusCode, 200);
    assert.ok(mine.json().items.some((m: { to: string }) => m.to === phone));
    assert.match(mine.json().now, /^\d{4}-\d\d-\d\dT/);
    const filtered = await feed({ 'ratio-sandbox-inbox-token': token }, `?to=${encodeURIComponent(phone)}`);
    assert.ok(filtered.json().items.every((m: { to: string }) => m.to === phone));

    const other = await createClient(t.db.db, 'sandbox', { name: 'Other inbox' });
    const otherHeaders = { 'ratio-client-id': other.clientId, 'ratio-client-secret': other.clientSecret };
    const otherToken = (await t.app.inject({ method: 'GET', url: '/sandbox/inbox/link', headers: otherHeaders })).json()
      .token as string;
    assert.deepEqual((await feed({ 'ratio-sandbox-inbox-token': otherToken })).json().items, []);
    const forged = `${otherToken.slice(0, 4)}${t.client.id}${otherToken.slice(4 + t.client.id.length)}`;
    assert.equal((await feed({ 'ratio-sandbox-inbox-token': forged })).statusCode, 401, 'a token names one client');
    assert.equal((await feed({})).statusCode, 401);
    assert.equal(
      (await feed({ 'ratio-sandbox-inbox-token': t.clientHeaders['ratio-client-secret']! })).statusCode,
      401,
    );
  });
});
