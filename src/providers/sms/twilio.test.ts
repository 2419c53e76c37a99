import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../../../test/helpers.ts';
import { post } from '../../../test/auth.ts';
import type { AppError } from '../../errors/app-error.ts';
import { TwilioSmsProvider } from './twilio.ts';

const SID = 'AC0123456789abcdef0123456789abcdef';
const TOKEN = 'twilio-auth-token-for-tests';

interface Received {
  method: string;
  url: string;
  authorization: string | undefined;
  contentType: string | undefined;
  form: URLSearchParams;
}

/**
 * A local stand-in for api.twilio.com: records each request and answers what the test scripts, in
 * the shapes Twilio documents (201 with a message resource; errors with `code` and `message`).
 */
function twilioStandIn() {
  const received: Received[] = [];
  const answers: Array<{ status: number; body: object } | 'hang'> = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({
        method: req.method!,
        url: req.url!,
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        form: new URLSearchParams(body),
      });
      const answer = answers.shift() ?? {
        status: 201,
        body: { sid: `SM${received.length.toString().padStart(32, '0')}`, status: 'queued' },
      };
      if (answer === 'hang') return; // never answers: the client's timeout must fire
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
  });
  return {
    received,
    answers,
    async start() {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('Twilio SMS provider', () => {
  const standIn = twilioStandIn();
  let baseUrl: string;
  before(async () => {
    baseUrl = await standIn.start();
  });
  after(() => standIn.close());

  const provider = (extra: Partial<ConstructorParameters<typeof TwilioSmsProvider>[0]> = {}) =>
    new TwilioSmsProvider({
      accountSid: SID,
      authToken: TOKEN,
      from: '+15005550006',
      baseUrl,
      timeoutMs: 2000,
      ...extra,
    });

  it("sends the request Twilio's Messages API expects", async () => {
    const { id } = await provider().send({ to: '+12015550123', body: 'Your code is 123456' });
    assert.match(id, /^SM/);
    const r = standIn.received.at(-1)!;
    assert.equal(r.method, 'POST');
    assert.equal(r.url, `/2010-04-01/Accounts/${SID}/Messages.json`);
    assert.equal(r.authorization, `Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`);
    assert.match(r.contentType!, /^application\/x-www-form-urlencoded/);
    assert.equal(r.form.get('To'), '+12015550123');
    assert.equal(r.form.get('From'), '+15005550006');
    assert.equal(r.form.get('Body'), 'Your code is 123456');
  });

  it('uses a Messaging Service with a validity period when configured', async () => {
    await provider({ from: undefined, messagingServiceSid: 'MG0123', validityPeriodSeconds: 600 }).send({
      to: '+12015550123',
      body: 'x',
    });
    const r = standIn.received.at(-1)!;
    assert.equal(r.form.get('MessagingServiceSid'), 'MG0123');
    assert.equal(r.form.get('ValidityPeriod'), '600');
    assert.equal(r.form.get('From'), null);
  });

  it("maps Twilio's recipient errors to the phone codes and anything else to 503", async () => {
    const cases: Array<[number, object, string, number]> = [
      [
        400,
        { code: 21614, message: "'To' number is not a valid mobile number", status: 400 },
        'INVALID_PHONE_TYPE',
        400,
      ],
      [400, { code: 21211, message: "Invalid 'To' Phone Number", status: 400 }, 'INVALID_PHONE', 400],
      [
        400,
        { code: 21408, message: 'Permission to send an SMS has not been enabled for the region', status: 400 },
        'INVALID_PHONE_COUNTRY_CODE',
        400,
      ],
      [401, { code: 20003, message: 'Authenticate', status: 401 }, 'SERVICE_UNAVAILABLE', 503],
      [500, {}, 'SERVICE_UNAVAILABLE', 503],
    ];
    for (const [status, body, code, httpStatus] of cases) {
      standIn.answers.push({ status, body });
      await assert.rejects(
        provider().send({ to: '+12015550123', body: 'x' }),
        (e: AppError) => e.code === code && e.status === httpStatus,
      );
    }
  });

  it('retries only when Twilio did not accept the message (429), a bounded number of times', async () => {
    const before = standIn.received.length;
    standIn.answers.push({ status: 429, body: { code: 20429, message: 'Too Many Requests' } });
    await provider().send({ to: '+12015550123', body: 'x' });
    assert.equal(standIn.received.length - before, 2);
    const start = standIn.received.length;
    for (let i = 0; i < 3; i++) standIn.answers.push({ status: 429, body: { code: 20429 } });
    await assert.rejects(
      provider().send({ to: '+12015550123', body: 'x' }),
      (e: AppError) => e.code === 'SERVICE_UNAVAILABLE',
    );
    assert.equal(standIn.received.length - start, 3);
    const once = standIn.received.length;
    standIn.answers.push({ status: 500, body: {} });
    await assert.rejects(provider().send({ to: '+12015550123', body: 'x' }));
    assert.equal(standIn.received.length - once, 1, 'a 500 may have been sent: no retry');
  });

  it('gives up after its timeout', async () => {
    standIn.answers.push('hang');
    await assert.rejects(
      provider({ timeoutMs: 200 }).send({ to: '+12015550123', body: 'x' }),
      (e: AppError) => e.code === 'SERVICE_UNAVAILABLE',
    );
  });
});

describe('SMS sign-in through Twilio', () => {
  const standIn = twilioStandIn();
  let t: TestApp;
  before(async () => {
    const baseUrl = await standIn.start();
    t = await startTestApp({
      env: {
        ONRAMP_SMS_PROVIDER: 'twilio',
        ONRAMP_TWILIO_ACCOUNT_SID: SID,
        ONRAMP_TWILIO_AUTH_TOKEN: TOKEN,
        ONRAMP_TWILIO_FROM: '+15005550006',
        ONRAMP_TWILIO_BASE_URL: baseUrl,
      },
    });
  });
  after(async () => {
    await t.close();
    await standIn.close();
  });

  it('sends the code through Twilio and accepts it; 000000 is not accepted for test numbers', async () => {
    const sent = await post(t, '/v1/auth/otp/sms:send', { phoneNumber: '+12015550123' });
    assert.equal(sent.statusCode, 200);
    const body = standIn.received.at(-1)!.form.get('Body')!;
    const otp = /\b(\d{6})\b/.exec(body)![1]!;
    assert.equal((await t.ctx.inbox.list(t.client.id, '+12015550123', 5)).length, 0, 'nothing in the sandbox inbox');
    assert.equal(
      (await post(t, '/v1/auth/otp/sms:authenticate', { phoneId: sent.json().phoneId, otp: '000000' })).statusCode,
      401,
    );
    assert.equal(
      (await post(t, '/v1/auth/otp/sms:authenticate', { phoneId: sent.json().phoneId, otp })).statusCode,
      200,
    );
  });

  it('answers 400 INVALID_PHONE_TYPE when Twilio says the number cannot receive SMS (a landline)', async () => {
    standIn.answers.push({ status: 400, body: { code: 21614, message: "'To' number is not a valid mobile number" } });
    const res = await post(t, '/v1/auth/otp/sms:send', { phoneNumber: '+12125551234' });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().code, 'INVALID_PHONE_TYPE');
    assert.equal(res.json().data.field, 'phoneNumber');
  });
});
