import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../../../test/helpers.ts';
import {
  emailSignIn,
  newAccount,
  post,
  smsSignIn,
  testEmail,
  testPhone,
  walletSignIn,
  withJwt,
} from '../../../test/auth.ts';
import { createApiUser, newUserSession, userBody, waitForEmail } from '../../../test/users.ts';
import { ManualClock } from '../../lib/clock.ts';
import { createClient } from '../clients/create-client.ts';
import { getKycIdentity, getKycStatus } from '../kyc/repository.ts';
import { registerUserBankAccountsReader } from './bank-accounts-reader.ts';

describe('POST /v1/users and GET /v1/users/{userId} (create-a-user.md)', () => {
  let t: TestApp;
  const clock = new ManualClock('2026-05-04T12:00:00Z');
  before(async () => {
    t = await startTestApp({ clock, workers: true });
  });
  after(() => t.close());

  const get = (url: string, headers: Record<string, string>) => t.app.inject({ method: 'GET', url, headers });

  it('creates the user of a WALLET + SMS session: 201 User, session upgraded, signing wallet becomes the first deposit wallet, welcome email', async () => {
    const session = await newUserSession(t);
    const email = `Dylan.Smith+${Date.now()}@Example.COM`;
    const res = await post(
      t,
      '/v1/users',
      userBody(session.phone, { email, middleName: '  Q ', firstName: ' Dylan ' }),
      withJwt(t.clientHeaders, session.jwt),
    );
    assert.equal(res.statusCode, 201, res.body);
    const user = res.json();
    assert.match(user.id, /^[0-9a-f-]{36}$/);
    assert.equal(user.firstName, 'Dylan');
    assert.equal(user.middleName, 'Q');
    assert.equal(user.lastName, 'Smith');
    assert.equal(user.email, email);
    assert.equal(user.country, 'US');
    assert.equal(user.phone, `+1******${session.phone.slice(-4)}`, 'the phone is never returned in full');
    assert.ok(!res.body.includes(session.phone));
    assert.deepEqual(user.kyc, {
      status: 'NOT_STARTED',
      addressResult: 'NOT_STARTED',
      dobResult: 'NOT_STARTED',
      fraudResult: 'NOT_STARTED',
      idvResult: 'NOT_STARTED',
    });
    assert.deepEqual(user.connectedBankAccounts, []);
    assert.deepEqual(user.flags, []);
    assert.equal(user.createTime, '2026-05-04T12:00:00.000Z');

    // The same JWT is now the user's session.
    const headers = withJwt(t.clientHeaders, session.jwt);
    const got = await get(`/v1/users/${user.id}`, headers);
    assert.equal(got.statusCode, 200, got.body);
    assert.deepEqual(got.json(), user);
    const wallets = await get(`/v1/users/${user.id}/wallets`, headers);
    assert.equal(wallets.statusCode, 200);
    assert.deepEqual(
      wallets.json().items.map((w: { address: string; type: string }) => [w.address, w.type]),
      [[session.account.address, 'EVM']],
    );
    // The wallet now signs in as the user.
    const again = await walletSignIn(t, session.account);
    assert.equal(again.json().userMask.id, user.id);
    // Its second factor answers with the User itself (SecondFactorAuthResponse.user).
    clock.advance(60_000); // resend interval for the phone
    const second = await smsSignIn(t, session.phone, { jwt: again.json().sessionJwt });
    assert.equal(second.statusCode, 200, second.body);
    assert.deepEqual(second.json().user, { ...user, updateTime: second.json().user.updateTime });

    // Row as stored: normalised email for uniqueness, full E.164 phone.
    const row = await t.db.db.selectFrom('users').selectAll().where('id', '=', user.id).executeTakeFirstOrThrow();
    assert.equal(row.email_normalized, email.toLowerCase());
    assert.equal(row.phone, session.phone);
    assert.equal(row.client_id, t.client.id);
    const audit = await t.db.db
      .selectFrom('audit_log')
      .selectAll()
      .where('user_id', '=', user.id)
      .where('action', '=', 'user.create')
      .execute();
    assert.equal(audit.length, 1);

    const welcome = await waitForEmail(t, email, /Welcome/);
    assert.match(welcome.text_body, /Hi Dylan,/);
    assert.match(welcome.html_body ?? '', /<p>Hi Dylan,<\/p>/);
    const inbox = await t.app.inject({
      method: 'GET',
      url: `/sandbox/inbox?to=${encodeURIComponent(email)}`,
      headers: t.clientHeaders,
    });
    assert.ok(
      inbox.json().items.some((m: { subject?: string }) => m.subject?.startsWith('Welcome')),
      'visible in the sandbox inbox',
    );

    // Contract functions for other modules.
    assert.equal(await getKycStatus(t.db.db, user.id), 'NOT_STARTED');
    assert.deepEqual(await getKycIdentity(t.db.db, user.id), {
      firstName: 'Dylan',
      middleName: 'Q',
      lastName: 'Smith',
    });
    assert.equal(await getKycIdentity(t.db.db, '00000000-0000-4000-8000-000000000000'), null);
  });

  it('accepts the legacy string "true" for acceptedTerms and the legacy emailAddress', async () => {
    const session = await newUserSession(t);
    const email = testEmail();
    const body = { ...userBody(session.phone, { acceptedTerms: 'true' }), email: undefined, emailAddress: email };
    const res = await post(t, '/v1/users', body, withJwt(t.clientHeaders, session.jwt));
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().email, email);
  });

  it('rejects each invalid field with its documented code, naming the field', async () => {
    const session = await newUserSession(t);
    const headers = withJwt(t.clientHeaders, session.jwt);
    const cases: Array<[Record<string, unknown>, number, string, string]> = [
      [{ firstName: '   ' }, 400, 'INVALID_FIRST_NAME', 'firstName'],
      [{ firstName: 'x'.repeat(101) }, 400, 'INVALID_FIRST_NAME', 'firstName'],
      [{ firstName: 'Bob\u0000' }, 400, 'INVALID_FIRST_NAME', 'firstName'],
      [{ lastName: undefined }, 400, 'MISSING_LAST_NAME', 'lastName'],
      [{ lastName: 42 }, 400, 'INVALID_LAST_NAME', 'lastName'],
      [{ middleName: '<script>' }, 400, 'INVALID_MIDDLE_NAME', 'middleName'],
      [{ email: undefined }, 400, 'MISSING_EMAIL', 'email'],
      [{ email: 'not-an-email' }, 400, 'INVALID_EMAIL', 'email'],
      [{ country: undefined }, 400, 'MISSING_COUNTRY', 'country'],
      [{ country: 'USA' }, 400, 'INVALID_COUNTRY', 'country'],
      [{ country: 'CA' }, 400, 'INVALID_COUNTRY', 'country'],
      [{ phone: undefined }, 400, 'MISSING_PHONE', 'phone'],
      [{ phone: '2015550123' }, 400, 'INVALID_PHONE', 'phone'],
      [{ phone: '+442071838750' }, 400, 'INVALID_PHONE_COUNTRY_CODE', 'phone'],
      [{ acceptedTerms: false }, 400, 'INVALID_ACCEPTED_TERMS', 'acceptedTerms'],
      [{ acceptedTerms: 'yes' }, 400, 'INVALID_ACCEPTED_TERMS', 'acceptedTerms'],
      [{ acceptedTerms: 1 }, 400, 'INVALID_ACCEPTED_TERMS', 'acceptedTerms'],
      [{ acceptedTerms: undefined }, 400, 'INVALID_ACCEPTED_TERMS', 'acceptedTerms'],
      [{ nickname: 'D' }, 400, 'INVALID_BODY', 'nickname'],
    ];
    for (const [override, status, code, field] of cases) {
      const res = await post(t, '/v1/users', userBody(session.phone, override), headers);
      assert.equal(res.statusCode, status, `${JSON.stringify(override)}: ${res.body}`);
      assert.equal(res.json().code, code, JSON.stringify(override));
      assert.equal(res.json().data.field, field, JSON.stringify(override));
      assert.match(res.json().message, new RegExp(field), JSON.stringify(override));
    }
    // A phone that is valid but not the one proven in this session.
    const other = await post(t, '/v1/users', userBody(testPhone()), headers);
    assert.equal(other.statusCode, 400);
    assert.equal(other.json().code, 'MISMATCH_PHONE');
    assert.equal(other.json().data.field, 'phone');
  });

  it('needs SMS plus a wallet or an email: one factor, or email + wallet, is MFA_REQUIRED', async () => {
    const account = newAccount();
    const wallet = await walletSignIn(t, account);
    const walletOnly = await post(
      t,
      '/v1/users',
      userBody(testPhone()),
      withJwt(t.clientHeaders, wallet.json().sessionJwt),
    );
    assert.equal(walletOnly.statusCode, 403);
    assert.equal(walletOnly.json().code, 'MFA_REQUIRED');
    const email = testEmail();
    const both = await emailSignIn(t, email, { jwt: wallet.json().sessionJwt });
    assert.equal(both.statusCode, 200, both.body);
    const emailWallet = await post(
      t,
      '/v1/users',
      userBody(testPhone(), { email }),
      withJwt(t.clientHeaders, both.json().sessionJwt),
    );
    assert.equal(emailWallet.json().code, 'MFA_REQUIRED');
    const none = await post(t, '/v1/users', userBody(testPhone()));
    assert.equal(none.statusCode, 401);
    assert.equal(none.json().code, 'MISSING_AUTHORIZATION');
  });

  it('SMS + email works, and the email must be the one proven (MISMATCH_EMAIL); no wallet means no deposit wallet yet', async () => {
    clock.advance(60_000);
    const phone = testPhone();
    const email = testEmail();
    const sms = await smsSignIn(t, phone);
    const both = await emailSignIn(t, email, { jwt: sms.json().sessionJwt });
    const headers = withJwt(t.clientHeaders, both.json().sessionJwt);
    const mismatch = await post(t, '/v1/users', userBody(phone, { email: testEmail() }), headers);
    assert.equal(mismatch.json().code, 'MISMATCH_EMAIL');
    assert.equal(mismatch.json().data.field, 'email');
    const res = await post(t, '/v1/users', userBody(phone, { email: email.toUpperCase() }), headers);
    assert.equal(res.statusCode, 201, res.body);
    const wallets = await get(`/v1/users/${res.json().id}/wallets`, headers);
    assert.deepEqual(wallets.json().items, []);
  });

  it('a session that already has a user cannot create another (ALREADY_EXISTS_USER)', async () => {
    const user = await createApiUser(t);
    const res = await post(t, '/v1/users', userBody(user.phone), user.headers);
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().code, 'ALREADY_EXISTS_USER');
  });

  it('a retry with the same Idempotency-Key replays the 201, although the session now belongs to the user it created', async () => {
    const session = await newUserSession(t);
    const body = userBody(session.phone);
    const headers = { ...withJwt(t.clientHeaders, session.jwt), 'idempotency-key': `create-${session.phone}` };
    const first = await post(t, '/v1/users', body, headers);
    assert.equal(first.statusCode, 201, first.body);
    const retry = await post(t, '/v1/users', body, headers);
    assert.equal(retry.statusCode, 201, retry.body);
    assert.equal(retry.headers['idempotent-replayed'], 'true');
    assert.equal(retry.body, first.body);
    const another = await post(t, '/v1/users', { ...body, firstName: 'Dana' }, headers);
    assert.equal(another.statusCode, 422);
    assert.equal(another.json().code, 'IDEMPOTENCY_KEY_REUSED');
    const withoutKey = await post(t, '/v1/users', body, withJwt(t.clientHeaders, session.jwt));
    assert.equal(withoutKey.json().code, 'ALREADY_EXISTS_USER', 'without the key the retry is a conflict');
  });

  it('email is unique after normalisation (409 ALREADY_EXISTS_EMAIL)', async () => {
    const first = await createApiUser(t);
    const session = await newUserSession(t);
    const res = await post(
      t,
      '/v1/users',
      userBody(session.phone, { email: `  ${first.email.toUpperCase()} ` }),
      withJwt(t.clientHeaders, session.jwt),
    );
    assert.equal(res.statusCode, 409, res.body);
    assert.equal(res.json().code, 'ALREADY_EXISTS_EMAIL');
    assert.equal(res.json().data.field, 'email');
  });

  it('two concurrent creates with the same phone: exactly one wins, the other gets 409 ALREADY_EXISTS_PHONE', async () => {
    const phone = testPhone();
    const a = await newUserSession(t, { phone });
    clock.advance(60_000); // resend interval for the phone
    const b = await newUserSession(t, { phone });
    const [ra, rb] = await Promise.all([
      post(t, '/v1/users', userBody(phone), withJwt(t.clientHeaders, a.jwt)),
      post(t, '/v1/users', userBody(phone), withJwt(t.clientHeaders, b.jwt)),
    ]);
    const statuses = [ra.statusCode, rb.statusCode].sort();
    assert.deepEqual(statuses, [201, 409], `${ra.body} / ${rb.body}`);
    const loser = ra.statusCode === 409 ? ra : rb;
    assert.equal(loser.json().code, 'ALREADY_EXISTS_PHONE');
    const count = await t.db.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('phone', '=', phone)
      .executeTakeFirstOrThrow();
    assert.equal(Number(count.n), 1);
  });

  it('a user is visible only to its own session and client: anything else is 404 NOT_FOUND_USER', async () => {
    const alice = await createApiUser(t);
    const bob = await createApiUser(t);
    const cross = await get(`/v1/users/${bob.id}`, alice.headers);
    assert.equal(cross.statusCode, 404);
    assert.equal(cross.json().code, 'NOT_FOUND_USER');
    const crossWallets = await get(`/v1/users/${bob.id}/wallets`, alice.headers);
    assert.equal(crossWallets.json().code, 'NOT_FOUND_USER');
    const other = await createClient(t.db.db, t.config.mode, { name: 'Other partner' });
    const otherHeaders = withJwt(
      { 'ratio-client-id': other.clientId, 'ratio-client-secret': other.clientSecret },
      alice.jwt,
    );
    const wrongClient = await get(`/v1/users/${alice.id}`, otherHeaders);
    assert.equal(wrongClient.statusCode, 401, wrongClient.body);
    const badId = await get('/v1/users/not-a-uuid', alice.headers);
    assert.equal(badId.statusCode, 400);
    assert.equal(badId.json().code, 'INVALID_USER_ID');
    const noJwt = await get(`/v1/users/${alice.id}`, t.clientHeaders);
    assert.equal(noJwt.json().code, 'MISSING_AUTHORIZATION');
  });

  it("through a client session, the session's depositAddress becomes the first deposit wallet and the client session learns its user", async () => {
    const signer = newAccount();
    const deposit = newAccount().address;
    const cs = await t.app.inject({
      method: 'POST',
      url: '/v1/client/sessions',
      headers: t.clientHeaders,
      payload: { signingAddress: signer.address, signingType: 'EVM', depositAddress: deposit.toLowerCase() },
    });
    assert.equal(cs.statusCode, 201, cs.body);
    const embedded = { 'ratio-client-session-id': cs.json().id as string };
    const session = await newUserSession(t, { account: signer, headers: embedded });
    const res = await post(t, '/v1/users', userBody(session.phone), withJwt(embedded, session.jwt));
    assert.equal(res.statusCode, 201, res.body);
    const wallets = await get(`/v1/users/${res.json().id}/wallets`, withJwt(embedded, session.jwt));
    assert.deepEqual(
      wallets.json().items.map((w: { address: string }) => w.address),
      [deposit],
    );
    const looked = await get(`/v1/client/sessions/${cs.json().id}`, t.clientHeaders);
    assert.equal(looked.json().userMask.id, res.json().id);
  });

  it('lists the connected bank accounts the Banks module reports', async () => {
    const user = await createApiUser(t);
    const account = {
      id: '11111111-1111-4111-8111-111111111111',
      createTime: '2026-05-04T12:00:00.000Z',
      updateTime: '2026-05-04T12:00:00.000Z',
      name: 'Plaid Checking',
      mask: '0000',
      linkStatus: 'ACTIVE' as const,
      verificationStatus: 'APPROVED' as const,
    };
    registerUserBankAccountsReader(async (_db, userId) => (userId === user.id ? [account] : []));
    try {
      const res = await get(`/v1/users/${user.id}`, user.headers);
      assert.deepEqual(res.json().connectedBankAccounts, [account]);
    } finally {
      registerUserBankAccountsReader(async () => []);
    }
  });
});
