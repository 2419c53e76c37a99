import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../../../test/helpers.ts';
import { insertUser, latestCode, post, testEmail, testPhone } from '../../../test/auth.ts';
import { ManualClock } from '../../lib/clock.ts';
import { runCommand } from '../../operator/run.ts';
import { authDeps } from './routes.ts';
import { otpSendOrigin, sendSmsOtp } from './send-otp.ts';
import { createClient } from '../clients/create-client.ts';

const SMS_SEND = '/v1/auth/otp/sms:send';
const SMS_AUTH = '/v1/auth/otp/sms:authenticate';
const EMAIL_SEND = '/v1/auth/otp/email:send';
const EMAIL_AUTH = '/v1/auth/otp/email:authenticate';

describe('SMS one-time codes', () => {
  let t: TestApp;
  const clock = new ManualClock('2026-04-01T09:00:00Z');
  before(async () => {
    t = await startTestApp({ clock });
  });
  after(() => t.close());

  async function send(phone: string) {
    const res = await post(t, SMS_SEND, { phoneNumber: phone });
    assert.equal(res.statusCode, 200, res.body);
    return { phoneId: res.json().phoneId as string, otp: await latestCode(t, phone) };
  }
  const check = (phoneId: string, otp: string) => post(t, SMS_AUTH, { phoneId, otp });
  // Consecutive sends to one number must be 30 s apart.
  const nextSendWindow = () => clock.advance(30_000);

  it('sends a six-digit code and signs in with it; the phoneId is opaque and the code is stored hashed', async () => {
    const phone = testPhone();
    const res = await post(t, SMS_SEND, { phoneNumber: phone });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(Object.keys(res.json()).sort(), ['phoneId', 'phoneMask']);
    assert.equal(res.json().phoneMask, phone.slice(-4));
    assert.match(res.json().phoneId, /^phone_[0-9a-f-]{36}$/);
    assert.ok(!res.json().phoneId.includes(phone.slice(2, 8)));
    const otp = await latestCode(t, phone);
    assert.match(otp, /^\d{6}$/);
    const row = await t.db.db
      .selectFrom('otp_codes')
      .selectAll()
      .where('destination', '=', phone)
      .executeTakeFirstOrThrow();
    assert.ok(!JSON.stringify(row).includes(otp), 'no plaintext code at rest');
    const auth = await check(res.json().phoneId, otp);
    assert.equal(auth.statusCode, 200);
    assert.ok(auth.json().sessionJwt);
    assert.ok(!t.logs.text().includes(otp), 'the code never reaches the logs');
  });

  it('refuses a wrong code (counting down the tries), then the right code once 5 tries are spent', async () => {
    const { phoneId, otp } = await send(testPhone());
    const wrong = otp === '111111' ? '222222' : '111111';
    for (let left = 4; left >= 0; left--) {
      const res = await check(phoneId, wrong);
      assert.equal(res.statusCode, 401);
      assert.equal(res.json().code, 'INVALID_OTP');
      assert.equal(res.json().data.attemptsRemaining, left);
    }
    const spent = await check(phoneId, otp);
    assert.equal(spent.statusCode, 401);
    assert.equal(spent.json().data.rule, 'attempts');
  });

  it('refuses an expired code and a used one', async () => {
    const first = await send(testPhone());
    clock.advance(600_000);
    const expired = await check(first.phoneId, first.otp);
    assert.equal(expired.statusCode, 401);
    assert.equal(expired.json().data.rule, 'expired');
    const second = await send(testPhone());
    assert.equal((await check(second.phoneId, second.otp)).statusCode, 200);
    const reused = await check(second.phoneId, second.otp);
    assert.equal(reused.statusCode, 401);
    assert.equal(reused.json().data.rule, 'used');
  });

  it('locks the number after 10 consecutive wrong codes; a new code does not lift the lock, time does', async () => {
    const phone = testPhone();
    const wrongFor = (otp: string) => (otp === '111111' ? '222222' : '111111');
    const first = await send(phone);
    for (let i = 0; i < 5; i++) assert.equal((await check(first.phoneId, wrongFor(first.otp))).statusCode, 401);
    nextSendWindow();
    const second = await send(phone);
    for (let i = 0; i < 4; i++) assert.equal((await check(second.phoneId, wrongFor(second.otp))).statusCode, 401);
    nextSendWindow();
    const third = await send(phone); // the ninth failure is behind us: a new code keeps the count
    const locking = await check(third.phoneId, wrongFor(third.otp));
    assert.equal(locking.statusCode, 429);
    assert.equal(locking.json().code, 'OTP_LOCKED');
    assert.equal(locking.headers['retry-after'], '3600');
    const right = await check(third.phoneId, third.otp);
    assert.equal(right.statusCode, 429, 'even the right code waits out the lock');
    nextSendWindow();
    const resend = await post(t, SMS_SEND, { phoneNumber: phone });
    assert.equal(resend.statusCode, 429);
    assert.equal(resend.json().code, 'OTP_LOCKED');
    clock.advance(3600_000);
    const after = await send(phone);
    assert.equal((await check(after.phoneId, after.otp)).statusCode, 200);
  });

  it('after 100 consecutive wrong codes across lock periods the number is blocked until the operator unlocks it', async () => {
    const phone = testPhone();
    const wrongFor = (otp: string) => (otp === '111111' ? '222222' : '111111');
    let failures = 0;
    // Ten lock periods of ten failures (two codes of five tries each); each lock is waited out.
    for (let period = 1; period <= 10; period++) {
      for (const tries of [5, 5]) {
        const code = await send(phone);
        for (let i = 0; i < tries; i++) {
          const res = await check(code.phoneId, wrongFor(code.otp));
          failures++;
          if (failures < period * 10) assert.equal(res.statusCode, 401, `failure ${failures}`);
          else if (failures < 100) assert.equal(res.json().code, 'OTP_LOCKED', `failure ${failures}`);
          else {
            assert.equal(res.statusCode, 403, `failure ${failures}: ${res.body}`);
            assert.equal(res.json().code, 'OTP_BLOCKED');
            assert.equal(res.json().data.consecutiveFailures, 100);
            assert.equal(res.headers['retry-after'], undefined);
          }
        }
        nextSendWindow();
      }
      clock.advance(3600_000);
    }
    assert.equal(failures, 100);
    // Time no longer helps: no code is sent, and the right code of an earlier send is refused too.
    clock.advance(30 * 86_400_000);
    const blockedSend = await post(t, SMS_SEND, { phoneNumber: phone });
    assert.equal(blockedSend.statusCode, 403);
    assert.equal(blockedSend.json().code, 'OTP_BLOCKED');
    assert.match(blockedSend.json().message, /onramp auth unlock/);
    // The documented recovery: the operator unlocks the number after checking who asks.
    const unlocked = await runCommand(t.ctx, [
      'auth',
      'unlock',
      '--phone',
      phone,
      '--reason',
      'owner verified by support',
    ]);
    assert.deepEqual(unlocked.output, {
      channel: 'SMS',
      destination: phone,
      result: 'UNLOCKED',
      consecutiveFailures: 100,
    });
    const again = await runCommand(t.ctx, ['auth', 'unlock', '--phone', phone, '--reason', 'twice']);
    assert.equal((again.output as { result: string }).result, 'NOT_LOCKED');
    const fresh = await send(phone);
    assert.equal((await check(fresh.phoneId, fresh.otp)).statusCode, 200);
    const audit = await t.db.db
      .selectFrom('audit_log')
      .select(['action', 'actor_type', 'details'])
      .where('action', '=', 'auth.otp_unlock')
      .execute();
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.actor_type, 'OPERATOR');
    assert.ok(!JSON.stringify(audit[0]!.details).includes(phone.slice(2)), 'the audit row names the number masked');
  });

  it('a correct code ends a run of failures', async () => {
    const phone = testPhone();
    for (let round = 0; round < 3; round++) {
      const { phoneId, otp } = await send(phone);
      for (let i = 0; i < 4; i++)
        assert.equal((await check(phoneId, otp === '111111' ? '222222' : '111111')).statusCode, 401);
      assert.equal((await check(phoneId, otp)).statusCode, 200, `round ${round}`);
      nextSendWindow();
    }
  });

  it('throttles resending per number with 429 and Retry-After', async () => {
    const phone = testPhone();
    await send(phone);
    const soon = await post(t, SMS_SEND, { phoneNumber: phone });
    assert.equal(soon.statusCode, 429);
    assert.equal(soon.json().code, 'RATE_LIMITED');
    assert.equal(soon.headers['retry-after'], '30');
    clock.advance(10_000);
    assert.equal((await post(t, SMS_SEND, { phoneNumber: phone })).headers['retry-after'], '20');
    for (let i = 0; i < 4; i++) {
      clock.advance(30_000);
      await send(phone);
    }
    clock.advance(30_000);
    const hourly = await post(t, SMS_SEND, { phoneNumber: phone });
    assert.equal(hourly.statusCode, 429);
    assert.equal(hourly.json().data.limit, 5);
    // The hour started at the first send, 10 + 4 × 30 + 30 = 160 s ago.
    assert.equal(hourly.headers['retry-after'], String(3600 - 160));
    assert.equal(
      (await post(t, SMS_SEND, { phoneNumber: testPhone() })).statusCode,
      200,
      'other numbers are not affected',
    );
  });

  it('accepts 000000 for sandbox test numbers (+1 NXX 555-01XX) only', async () => {
    const magic = await send('+12015550187');
    assert.equal((await check(magic.phoneId, '000000')).statusCode, 200);
    const ordinary = await send('+12125551234');
    assert.equal((await check(ordinary.phoneId, '000000')).statusCode, 401);
    assert.equal((await check(ordinary.phoneId, ordinary.otp)).statusCode, 200);
  });

  it('accepts only US mobile numbers in E.164, with the documented codes', async () => {
    const cases: Array<[unknown, string]> = [
      ['+1 201 555 0123', 'INVALID_PHONE'],
      ['2015550123', 'INVALID_PHONE'],
      ['+1201555012', 'INVALID_PHONE'],
      ['', 'INVALID_PHONE'],
      [12015550123, 'INVALID_PHONE'],
      ['+442071838750', 'INVALID_PHONE_COUNTRY_CODE'],
      ['+14165551234', 'INVALID_PHONE_COUNTRY_CODE'],
      ['+18005551212', 'INVALID_PHONE_TYPE'],
      ['+19005551234', 'INVALID_PHONE_TYPE'],
    ];
    for (const [phoneNumber, code] of cases) {
      const res = await post(t, SMS_SEND, { phoneNumber });
      assert.equal(res.statusCode, 400, `${String(phoneNumber)}: ${res.body}`);
      assert.equal(res.json().code, code, String(phoneNumber));
      assert.equal(res.json().data.field, 'phoneNumber');
    }
    assert.equal((await post(t, SMS_SEND, {})).json().code, 'MISSING_PHONE');
  });

  it('validates phoneId and otp, and hides codes sent for another client', async () => {
    const { phoneId, otp } = await send(testPhone());
    const cases: Array<[object, number, string]> = [
      [{ phoneId, otp: '12345' }, 400, 'INVALID_OTP'],
      [{ phoneId, otp: 'abcdef' }, 400, 'INVALID_OTP'],
      [{ phoneId }, 400, 'MISSING_OTP'],
      [{ otp }, 400, 'MISSING_PHONE_ID'],
      [{ phoneId: 'phone_123', otp }, 400, 'INVALID_PHONE_ID'],
      [{ phoneId: phoneId.replace('phone_', 'email_'), otp }, 400, 'INVALID_PHONE_ID'],
      [{ phoneId: 'phone_00000000-0000-4000-8000-000000000000', otp }, 401, 'INVALID_OTP'],
    ];
    for (const [body, status, code] of cases) {
      const res = await post(t, SMS_AUTH, body);
      assert.equal(res.statusCode, status, JSON.stringify(body));
      assert.equal(res.json().code, code, JSON.stringify(body));
    }
    const other = await createClient(t.db.db, 'sandbox', { name: 'Other' });
    const foreign = await post(
      t,
      SMS_AUTH,
      { phoneId, otp },
      { 'ratio-client-id': other.clientId, 'ratio-client-secret': other.clientSecret },
    );
    assert.equal(foreign.statusCode, 401);
    assert.equal(foreign.json().code, 'INVALID_OTP');
    assert.equal((await check(phoneId, otp)).statusCode, 200, 'the code still works for its own client');
  });
});

describe('email one-time codes', () => {
  let t: TestApp;
  const clock = new ManualClock('2026-04-01T09:00:00Z');
  before(async () => {
    t = await startTestApp({ clock });
  });
  after(() => t.close());

  it('sends a code with a text and an HTML part and signs in with it, returning the userMask of an existing user', async () => {
    const user = await insertUser(t, { email: 'Mixed.Case+tag@Example.com' });
    const res = await post(t, EMAIL_SEND, { email: 'mixed.case+TAG@example.COM' });
    assert.equal(res.statusCode, 200, res.body);
    assert.match(res.json().emailId, /^email_[0-9a-f-]{36}$/);
    assert.equal(res.json().emailMask, 'mix...@example.com');
    const [message] = await t.ctx.inbox.list(t.client.id, 'mixed.case+tag@example.com', 1);
    assert.equal(message!.channel, 'EMAIL');
    assert.match(message!.subject!, /verification code/);
    const otp = /\b(\d{6})\b/.exec(message!.text_body)![1]!;
    assert.ok(message!.html_body!.includes(otp));
    const auth = await post(t, EMAIL_AUTH, { emailId: res.json().emailId, otp });
    assert.equal(auth.statusCode, 200);
    assert.equal(auth.json().userMask.id, user.id);
  });

  it('accepts the legacy emailAddress field and validates the address', async () => {
    const legacy = await post(t, EMAIL_SEND, { emailAddress: testEmail() });
    assert.equal(legacy.statusCode, 200);
    const cases: Array<[object, string, string]> = [
      [{}, 'MISSING_EMAIL', 'email'],
      [{ email: 'not-an-email' }, 'INVALID_EMAIL', 'email'],
      [{ emailAddress: 'a@b' }, 'INVALID_EMAIL', 'emailAddress'],
      [{ email: 'two@@example.com' }, 'INVALID_EMAIL', 'email'],
      [{ email: 'a@example.com', emailAddress: 'b@example.com' }, 'INVALID_EMAIL', 'emailAddress'],
    ];
    for (const [body, code, field] of cases) {
      const res = await post(t, EMAIL_SEND, body);
      assert.equal(res.statusCode, 400, JSON.stringify(body));
      assert.equal(res.json().code, code);
      assert.equal(res.json().data.field, field);
    }
  });

  it('applies the same single use, tries and lockout to email codes', async () => {
    const email = testEmail();
    const res = await post(t, EMAIL_SEND, { email });
    const otp = await latestCode(t, email);
    const wrong = otp === '111111' ? '222222' : '111111';
    assert.equal(
      (await post(t, EMAIL_AUTH, { emailId: res.json().emailId, otp: wrong })).json().data.attemptsRemaining,
      4,
    );
    assert.equal((await post(t, EMAIL_AUTH, { emailId: res.json().emailId, otp })).statusCode, 200);
    assert.equal((await post(t, EMAIL_AUTH, { emailId: res.json().emailId, otp })).json().data.rule, 'used');
    assert.equal(
      (await post(t, EMAIL_AUTH, { emailId: 'phone_00000000-0000-4000-8000-000000000000', otp })).json().code,
      'INVALID_EMAIL_ID',
    );
  });
});

/** A ratio-device-fingerprint header for a browser at `ip`. */
function fingerprintOf(ip: string): string {
  return Buffer.from(JSON.stringify({ ip, userAgent: 'Mozilla/5.0 (test)' })).toString('base64');
}

describe('OTP send limits for a partner whose backend sends every user code from one IP', () => {
  let t: TestApp;
  const clock = new ManualClock('2026-04-01T09:00:00Z');
  before(async () => {
    // The limits as shipped, except the per-end-user-IP cap the test harness raises for 127.0.0.1.
    t = await startTestApp({ clock, env: { ONRAMP_OTP_SENDS_PER_IP_PER_HOUR: '30' } });
  });
  after(() => t.close());

  it('1,000 users sign up through one partner IP within an hour; an abusive end user is still throttled', async () => {
    const deps = authDeps(t.ctx);
    const client = (await t.ctx.clientAuth.authenticateSecret(t.client.id, t.client.secret))!;
    // Every call comes from the partner's one backend IP; each user's own IP is in the fingerprint.
    // The use case is called directly (1,000 HTTP round trips would be slow), through the real
    // limiter and database, as the route calls it.
    for (let i = 0; i < 1000; i++) {
      const origin = otpSendOrigin(client, '203.0.113.10', { ip: `198.51.${100 + (i >> 8)}.${i & 255}` });
      await sendSmsOtp(deps, client, origin, testPhone());
      if (i % 100 === 99) clock.advance(3 * 60_000); // 1,000 sign-ups spread over half an hour
    }
    // One end user at one IP asking for codes to many numbers is stopped at the per-IP limit…
    const abuser = fingerprintOf('192.0.2.66');
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) {
      const res = await t.app.inject({
        method: 'POST',
        url: SMS_SEND,
        headers: { ...t.clientHeaders, 'ratio-device-fingerprint': abuser },
        payload: { phoneNumber: testPhone() },
      });
      statuses.push(res.statusCode);
      if (res.statusCode === 429) {
        assert.equal(res.json().code, 'RATE_LIMITED');
        assert.match(res.json().message, /end user's IP address/);
        assert.ok(Number(res.headers['retry-after']) > 0);
      }
    }
    assert.deepEqual(statuses, [...Array(30).fill(200), 429]);
    // …while the partner's other users go on signing up.
    const next = await post(
      t,
      SMS_SEND,
      { phoneNumber: testPhone() },
      { ...t.clientHeaders, 'ratio-device-fingerprint': fingerprintOf('192.0.2.67') },
    );
    assert.equal(next.statusCode, 200, next.body);
  });

  it('a client-session caller (a browser) is limited by its own socket IP, whatever fingerprint it sends', () => {
    const viaSession = { via: 'session' } as Parameters<typeof otpSendOrigin>[0];
    const viaSecret = { via: 'secret' } as Parameters<typeof otpSendOrigin>[0];
    assert.equal(otpSendOrigin(viaSession, '10.1.2.3', { ip: '198.51.100.1' }).endUserIp, '10.1.2.3');
    assert.equal(otpSendOrigin(viaSecret, '10.1.2.3', { ip: '198.51.100.1' }).endUserIp, '198.51.100.1');
    assert.equal(otpSendOrigin(viaSecret, '10.1.2.3', null).endUserIp, undefined);
  });
});

describe('OTP sends per client', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ env: { ONRAMP_OTP_SENDS_PER_CLIENT_PER_HOUR: '3' } });
  });
  after(() => t.close());

  it('caps the codes one client sends per hour, across numbers, emails and end-user IPs', async () => {
    const from = (ip: string) => ({ ...t.clientHeaders, 'ratio-device-fingerprint': fingerprintOf(ip) });
    assert.equal((await post(t, SMS_SEND, { phoneNumber: testPhone() }, from('198.51.100.1'))).statusCode, 200);
    assert.equal((await post(t, EMAIL_SEND, { email: testEmail() }, from('198.51.100.2'))).statusCode, 200);
    assert.equal((await post(t, SMS_SEND, { phoneNumber: testPhone() })).statusCode, 200);
    const res = await post(t, SMS_SEND, { phoneNumber: testPhone() }, from('198.51.100.4'));
    assert.equal(res.statusCode, 429);
    assert.equal(res.json().code, 'RATE_LIMITED');
    assert.match(res.json().message, /this client/);
    // Another client is not affected.
    const other = await createClient(t.db.db, t.config.mode, { name: 'Other partner' });
    const otherHeaders = { 'ratio-client-id': other.clientId, 'ratio-client-secret': other.clientSecret };
    assert.equal((await post(t, SMS_SEND, { phoneNumber: testPhone() }, otherHeaders)).statusCode, 200);
  });
});
