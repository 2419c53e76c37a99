import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../../../test/helpers.ts';
import { createApiUser } from '../../../test/users.ts';
import { deliverEmail, EMAIL_TEMPLATES, renderEmail, sendTemplatedEmail } from './index.ts';

describe('transactional emails (transactional-emails.md)', () => {
  let t: TestApp;
  before(async () => {
    // No workers: the test runs the send job itself, deterministically.
    t = await startTestApp();
  });
  after(() => t.close());

  const inbox = (to: string) =>
    t.db.db.selectFrom('sandbox_messages').selectAll().where('recipient', '=', to.toLowerCase()).execute();
  const email = (id: string) => t.db.db.selectFrom('emails').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it("renders a user's template (firstName filled in, variables escaped in HTML) and sends it once, into the sandbox inbox", async () => {
    const user = await createApiUser(t);
    const id = await sendTemplatedEmail(t.ctx, {
      userId: user.id,
      template: 'ORDER_COMPLETE',
      vars: { cryptoAmount: '0.25', cryptoCurrency: 'ETH', transactionHash: '0xabc', walletAddress: '<script>' },
      dedupeKey: 'order-complete:a1',
    });
    assert.equal((await email(id)).status, 'PENDING', "queued, not sent inside the caller's transaction");
    await deliverEmail(t.ctx, id);
    await deliverEmail(t.ctx, id); // a retried job does not send twice
    const messages = (await inbox(user.email)).filter((m) => m.subject === 'Your order is complete');
    assert.equal(messages.length, 1);
    assert.match(messages[0]!.text_body, /Hi Dylan,[\s\S]*0\.25 ETH has been sent to your wallet <script>/);
    assert.ok(messages[0]!.html_body!.includes('&lt;script&gt;') && !messages[0]!.html_body!.includes('<script>'));
    const row = await email(id);
    assert.equal(row.status, 'SENT');
    assert.ok(row.provider_message_id);
    // The same dedupe key is the same email.
    assert.equal(
      await sendTemplatedEmail(t.ctx, {
        userId: user.id,
        template: 'ORDER_COMPLETE',
        vars: { cryptoAmount: '1', cryptoCurrency: 'ETH', transactionHash: '0x1' },
        dedupeKey: 'order-complete:a1',
      }),
      id,
    );
    const partner = await t.app.inject({
      method: 'GET',
      url: `/sandbox/inbox?to=${encodeURIComponent(user.email)}`,
      headers: t.clientHeaders,
    });
    assert.ok(partner.json().items.some((m: { subject?: string }) => m.subject === 'Your order is complete'));
  });

  it('an email queued in a transaction that rolls back is never sent', async () => {
    const to = 'rollback@example.com';
    await assert.rejects(
      t.db.db.transaction().execute(async (trx) => {
        await sendTemplatedEmail(t.ctx, {
          to,
          template: 'ORDER_FAILED',
          vars: { cryptoCurrency: 'USDC_POLYGON' },
          trx,
        });
        throw new Error('abort');
      }),
      /abort/,
    );
    assert.equal((await t.db.db.selectFrom('emails').select('id').where('recipient', '=', to).execute()).length, 0);
  });

  it('a provider failure is recorded and retried; the send succeeds once the provider is back', async () => {
    const id = await sendTemplatedEmail(t.ctx, {
      to: 'retry@example.com',
      template: 'ORDER_SUBMITTED',
      vars: { fiatAmount: '25.00', cryptoCurrency: 'ETH', expectedDate: '2026-05-07' },
    });
    const messaging = t.ctx.messaging;
    const original = messaging.sendEmail;
    messaging.sendEmail = async () => {
      throw new Error('SMTP 421 try later');
    };
    try {
      await assert.rejects(deliverEmail(t.ctx, id), /421/);
    } finally {
      messaging.sendEmail = original;
    }
    const failed = await email(id);
    assert.equal(failed.status, 'PENDING');
    assert.equal(failed.attempts, 1);
    assert.match(failed.last_error!, /421/);
    await deliverEmail(t.ctx, id);
    assert.equal((await email(id)).status, 'SENT');
    assert.match((await inbox('retry@example.com'))[0]!.text_body, /settle by 2026-05-07/);
  });

  it('every template renders with its variables and refuses to render without them', () => {
    const vars = { firstName: 'A', fiatAmount: '1', cryptoCurrency: 'ETH', cryptoAmount: '1', transactionHash: '0x1' };
    for (const template of EMAIL_TEMPLATES) {
      const r = renderEmail(template, vars, 'onramp');
      assert.ok(r.subject && r.text.includes('onramp') && r.html.startsWith('<!doctype html>'), template);
    }
    assert.throws(() => renderEmail('ORDER_COMPLETE', {}, 'onramp'), /cryptoAmount/);
  });
});
