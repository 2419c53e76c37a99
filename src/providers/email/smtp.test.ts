import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { startTestApp, type TestApp } from '../../../test/helpers.ts';
import { post } from '../../../test/auth.ts';
import type { AppError } from '../../errors/app-error.ts';
import { SmtpEmailProvider } from './smtp.ts';

interface Received {
  from: string | undefined;
  to: string[];
  raw: string;
  user: string | undefined;
}

/** A real SMTP server on a local port that requires a login and keeps what it receives. */
async function smtpStandIn() {
  const received: Received[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      if (auth.username === 'mailer' && auth.password === 'p@ss word') return callback(null, { user: auth.username });
      return callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          user: session.user as string | undefined,
        });
        callback();
      });
    },
    logger: false,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { received, port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('email sign-in over SMTP', () => {
  let smtp: Awaited<ReturnType<typeof smtpStandIn>>;
  let t: TestApp;
  before(async () => {
    smtp = await smtpStandIn();
    t = await startTestApp({
      env: {
        ONRAMP_EMAIL_PROVIDER: 'smtp',
        ONRAMP_SMTP_URL: `smtp://mailer:p%40ss%20word@127.0.0.1:${smtp.port}`,
        ONRAMP_EMAIL_FROM: 'Onramp Sandbox <codes@onramp.test>',
      },
    });
  });
  after(async () => {
    await t.close();
    await smtp.close();
  });

  it('delivers a code with a plain-text and an HTML part, logged in, and accepts the code', async () => {
    const sent = await post(t, '/v1/auth/otp/email:send', { email: 'Someone@Example.com' });
    assert.equal(sent.statusCode, 200, sent.body);
    const mail = smtp.received.at(-1)!;
    assert.equal(mail.user, 'mailer');
    assert.equal(mail.from, 'codes@onramp.test');
    assert.deepEqual(mail.to, ['someone@example.com']);
    assert.match(mail.raw, /^From: Onramp Sandbox <codes@onramp\.test>/m);
    assert.match(mail.raw, /Content-Type: multipart\/alternative/);
    assert.match(mail.raw, /Content-Type: text\/plain/);
    assert.match(mail.raw, /Content-Type: text\/html/);
    const otp = /verification code is (\d{6})/.exec(mail.raw)![1]!;
    const auth = await post(t, '/v1/auth/otp/email:authenticate', { emailId: sent.json().emailId, otp });
    assert.equal(auth.statusCode, 200);
  });

  it('answers 503 without the SMTP credentials when the server refuses the login', async () => {
    const provider = new SmtpEmailProvider({
      url: `smtp://mailer:wrong-password@127.0.0.1:${smtp.port}`,
      from: 'a@onramp.test',
      timeoutMs: 5000,
    });
    await assert.rejects(
      provider.send({ to: 'x@example.com', subject: 's', text: 't', html: '<p>t</p>' }),
      (e: AppError) => {
        assert.equal(e.code, 'SERVICE_UNAVAILABLE');
        assert.ok(!e.message.includes('wrong-password'));
        return true;
      },
    );
    await provider.close();
  });
});
