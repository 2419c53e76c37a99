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
  });
});
