import assert from 'node:assert/strict';
import { createHmac, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  jwtVerify,
  SignJWT,
} from 'jose';
import { Type } from '@sinclair/typebox';
import { startTestApp, type TestApp } from '../../../test/helpers.ts';
import {
  emailSignIn,
  insertUser,
  newAccount,
  smsSignIn,
  testEmail,
  testPhone,
  twoFactorJwt,
  walletSignIn,
  withJwt,
} from '../../../test/auth.ts';
import { ManualClock } from '../../lib/clock.ts';
import type { App } from '../../app-types.ts';
import { REFRESH_HEADER } from '../../plugins/user-session.ts';
import { createClient } from '../clients/create-client.ts';
import { assertUserAccess } from './access.ts';

/** Test-only routes at each user level, and one that names a user. */
function testRoutes(app: App) {
  app.get('/v1/test/one', { config: { auth: 'client', user: 'one' }, schema: { hide: true } }, async (request) => ({
    factors: request.session!.factors,
  }));
  app.post('/v1/test/two', { config: { auth: 'client', user: 'two' }, schema: { hide: true } }, async (request) => ({
    factors: request.session!.factors,
  }));
  app.get(
    '/v1/test/users/:userId',
    {
      config: { auth: 'client', user: 'one' },
      schema: { hide: true, params: Type.Object({ userId: Type.String({ format: 'uuid' }) }) },
    },
    async (request) => {
      const session = assertUserAccess(request, (request.params as { userId: string }).userId);
      return { userId: session.userId, secret: 'user data' };
    },
  );
}

const b64url = (value: object | string) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

describe('session JWTs', () => {
  let t: TestApp;
  const clock = new ManualClock('2026-03-02T15:00:00Z');
  const one = (jwt: string | undefined, headers = t.clientHeaders) =>
    t.app.inject({ method: 'GET', url: '/v1/test/one', headers: withJwt(headers, jwt) });
  const newSessionJwt = async () => (await walletSignIn(t, newAccount())).json().sessionJwt as string;

  before(async () => {
    t = await startTestApp({ clock, routes: testRoutes });
  });
  after(() => t.close());

  it('are EdDSA-signed with a kid, verifiable with the public JWKS', async () => {
    const jwt = await newSessionJwt();
    const header = decodeProtectedHeader(jwt);
    assert.equal(header.alg, 'EdDSA');
    assert.equal(header.typ, 'JWT');
    const jwksRes = await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    assert.equal(jwksRes.statusCode, 200);
    assert.match(jwksRes.headers['cache-control'] as string, /max-age/);
    const jwks = jwksRes.json();
    assert.equal(jwks.keys.length, 1);
    assert.equal(jwks.keys[0].kid, header.kid);
    assert.equal(jwks.keys[0].d, undefined, 'no private part');
    const { payload } = await jwtVerify(jwt, createLocalJWKSet(jwks), {
      algorithms: ['EdDSA'],
      currentDate: clock.now(),
    });
    assert.equal(payload.aud, t.client.id);
    assert.equal((await one(jwt)).statusCode, 200);
  });

  it('answers 401 MISSING_AUTHORIZATION without a bearer token and INVALID_AUTHORIZATION for a malformed header', async () => {
    const missing = await one(undefined);
    assert.equal(missing.statusCode, 401);
    assert.equal(missing.json().code, 'MISSING_AUTHORIZATION');
    for (const authorization of ['Basic abc', 'Bearer', 'Bearer not-a-jwt', `Bearer ${'a'.repeat(5000)}`]) {
      const res = await t.app.inject({
        method: 'GET',
        url: '/v1/test/one',
        headers: { ...t.clientHeaders, authorization },
      });
      assert.equal(res.statusCode, 401, authorization.slice(0, 20));
      assert.equal(res.json().code, 'INVALID_AUTHORIZATION');
    }
  });

  it('refuses alg none, HS256 signed with the public key, a foreign key, a wrong kid and a tampered payload', async () => {
    const jwt = await newSessionJwt();
    const [h, p] = jwt.split('.');
    const header = decodeProtectedHeader(jwt);
    const payload = decodeJwt(jwt);
    const jwks = (await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json();
    const publicKeyText = JSON.stringify(jwks.keys[0]);
    const hs256Header = b64url({ alg: 'HS256', typ: 'JWT', kid: header.kid });
    const hs256 = `${hs256Header}.${p}.${createHmac('sha256', publicKeyText).update(`${hs256Header}.${p}`).digest('base64url')}`;
    const foreign = generateKeyPairSync('ed25519').privateKey;
    const foreignKid = await calculateJwkThumbprint(await exportJWK(foreign));
    const signWith = (kid: string) =>
      new SignJWT(payload).setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid }).sign(foreign);
    const tampered = `${h}.${b64url({ ...payload, sid: '00000000-0000-4000-8000-000000000000' })}.${jwt.split('.')[2]}`;
    const cases = {
      none: `${b64url({ alg: 'none', typ: 'JWT', kid: header.kid })}.${p}.`,
      hs256,
      foreignKeyOwnKid: await signWith(foreignKid),
      foreignKeyOurKid: await signWith(header.kid!),
      wrongKid: `${b64url({ ...header, kid: 'other' })}.${p}.${jwt.split('.')[2]}`,
      tampered,
    };
    for (const [name, token] of Object.entries(cases)) {
      const res = await one(token);
      assert.equal(res.statusCode, 401, name);
      assert.equal(res.json().code, 'INVALID_AUTHORIZATION', name);
    }
    assert.equal((await one(jwt)).statusCode, 200, 'the genuine token still works');
  });

  it("refuses another client's session JWT", async () => {
    const jwt = await newSessionJwt();
    const other = await createClient(t.db.db, 'sandbox', { name: 'Other' });
    const res = await one(jwt, { 'ratio-client-id': other.clientId, 'ratio-client-secret': other.clientSecret });
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().code, 'INVALID_AUTHORIZATION');
  });

  it('expires after 5 minutes with EXPIRED_AUTHORIZATION', async () => {
    const jwt = await newSessionJwt();
    clock.advance(299_000);
    assert.equal((await one(jwt)).statusCode, 200);
    clock.advance(1_000);
    const res = await one(jwt);
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().code, 'EXPIRED_AUTHORIZATION');
  });

  it('hands out a fresh JWT in ratio-authentication-refresh during the last 2 minutes, keeping the session alive', async () => {
    let jwt = await newSessionJwt();
    clock.advance(179_000);
    assert.equal((await one(jwt)).headers[REFRESH_HEADER], undefined);
    // Well past the first JWT's lifetime and the 10-minute idle limit, used every 4 minutes.
    for (let i = 0; i < 5; i++) {
      clock.advance(61_000);
      const res = await one(jwt);
      assert.equal(res.statusCode, 200);
      const fresh = res.headers[REFRESH_HEADER] as string;
      assert.ok(fresh, 'refresh header');
      assert.equal(decodeJwt(fresh).sid, decodeJwt(jwt).sid);
      jwt = fresh;
      clock.advance(179_000);
    }
  });

  it('ends after 10 minutes without use, even with a JWT that has not expired', async () => {
    const jwt = await newSessionJwt();
    const { sid } = decodeJwt(jwt);
    // A token valid for an hour, signed with the server's own key: only the session can stop it.
    const key = createPrivateKey(t.ctx.secrets.jwtSigningKeyPem);
    const long = await new SignJWT({ sid })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: t.ctx.sessions.tokens.kid })
      .setIssuer(t.config.auth.jwt.issuer)
      .setAudience(t.client.id)
      .setIssuedAt(Math.floor(clock.now().getTime() / 1000))
      .setExpirationTime(Math.floor(clock.now().getTime() / 1000) + 3600)
      .sign(key);
    assert.equal((await one(long)).statusCode, 200);
    clock.advance(599_000);
    assert.equal((await one(long)).statusCode, 200, 'used within 10 minutes');
    clock.advance(600_000);
    const res = await one(long);
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().code, 'EXPIRED_AUTHORIZATION');
  });

  it('stops working at once when the session is signed out (revoked)', async () => {
    const first = await newSessionJwt();
    const out = await t.app.inject({
      method: 'DELETE',
      url: '/v1/auth/session',
      headers: withJwt(t.clientHeaders, first),
    });
    assert.equal(out.statusCode, 204);
    const res = await one(first);
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().code, 'INVALID_AUTHORIZATION');
    // A factor cannot be added to a revoked session either.
    const send = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/otp/sms:send',
      headers: withJwt(t.clientHeaders, first),
      payload: { phoneNumber: testPhone() },
    });
    assert.equal(send.statusCode, 401);
    assert.equal(send.json().code, 'INVALID_AUTHORIZATION');
  });

  it('deletes sessions, challenges, codes and counters two days after they ended', async () => {
    await newSessionJwt();
    await t.app.inject({
      method: 'POST',
      url: '/v1/auth/cryptoWallet:start',
      headers: t.clientHeaders,
      payload: { walletAddress: newAccount().address, walletType: 'EVM' },
    });
    await smsSignIn(t, testPhone());
    const count = async () =>
      Promise.all(
        (['auth_sessions', 'wallet_challenges', 'otp_codes', 'auth_throttles'] as const).map(async (table) =>
          Number(
            (
              await t.db.db
                .selectFrom(table)
                .select((eb) => eb.fn.countAll().as('n'))
                .executeTakeFirstOrThrow()
            ).n,
          ),
        ),
      );
    assert.ok((await count()).every((n) => n > 0));
    clock.advance(2 * 24 * 3600_000 + 3600_000);
    await t.ctx.sessions.sweep();
    assert.deepEqual(await count(), [0, 0, 0, 0]);
  });

  it('revokes every session of a user', async () => {
    const user = await insertUser(t);
    const jwt = await twoFactorJwt(t, user);
    assert.equal(await t.ctx.sessions.revokeUser(user.id), 1);
    assert.equal((await one(jwt)).json().code, 'INVALID_AUTHORIZATION');
  });
});

describe('factor rules', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ routes: testRoutes });
  });
  after(() => t.close());

  const two = (jwt: string) =>
    t.app.inject({ method: 'POST', url: '/v1/test/two', headers: withJwt(t.clientHeaders, jwt), payload: {} });
  type Step = 'WALLET' | 'SMS' | 'EMAIL';
  async function sessionWith(steps: Step[]): Promise<string> {
    let jwt: string | undefined;
    for (const step of steps) {
      const res =
        step === 'WALLET'
          ? await walletSignIn(t, newAccount(), { jwt })
          : step === 'SMS'
            ? await smsSignIn(t, testPhone(), { jwt })
            : await emailSignIn(t, testEmail(), { jwt });
      assert.equal(res.statusCode, 200, res.body);
      jwt = res.json().sessionJwt;
    }
    return jwt!;
  }

  it('lets one factor read and refuses it for writes with MFA_REQUIRED telling the partner to add SMS', async () => {
    for (const factor of ['WALLET', 'EMAIL'] as const) {
      const jwt = await sessionWith([factor]);
      assert.equal(
        (await t.app.inject({ method: 'GET', url: '/v1/test/one', headers: withJwt(t.clientHeaders, jwt) })).statusCode,
        200,
      );
      const res = await two(jwt);
      assert.equal(res.statusCode, 403);
      assert.equal(res.json().code, 'MFA_REQUIRED');
      assert.match(res.json().message, /sms:send/);
    }
    const smsOnly = await two(await sessionWith(['SMS']));
    assert.equal(smsOnly.json().code, 'MFA_REQUIRED');
    assert.match(smsOnly.json().message, /wallet signature or an email code/);
  });

  it('accepts SMS + wallet and SMS + email in either order, never email + wallet', async () => {
    const cases: Array<[Step[], number]> = [
      [['WALLET', 'SMS'], 200],
      [['SMS', 'WALLET'], 200],
      [['EMAIL', 'SMS'], 200],
      [['SMS', 'EMAIL'], 200],
      [['WALLET', 'EMAIL'], 403],
      [['EMAIL', 'WALLET'], 403],
      [['WALLET', 'SMS', 'EMAIL'], 200],
    ];
    for (const [steps, status] of cases) {
      const res = await two(await sessionWith(steps));
      assert.equal(res.statusCode, status, steps.join('+'));
      if (status === 200) assert.deepEqual([...res.json().factors].sort(), [...steps].sort());
      else assert.equal(res.json().code, 'MFA_REQUIRED');
    }
  });

  it('adds a factor to the session of the JWT sent under a new session id, and starts a new session without one', async () => {
    const wallet = await sessionWith(['WALLET']);
    const sms = await smsSignIn(t, testPhone(), { jwt: wallet });
    assert.equal(sms.statusCode, 200);
    const combined = sms.json().sessionJwt as string;
    assert.notEqual(decodeJwt(combined).sid, decodeJwt(wallet).sid, 'renewed on privilege change');
    assert.deepEqual((await two(combined)).json().factors, ['WALLET', 'SMS']);
    const stale = await two(wallet);
    assert.equal(stale.statusCode, 401, 'the one-factor JWT no longer works');
    assert.equal(stale.json().code, 'INVALID_AUTHORIZATION');
    const fresh = await smsSignIn(t, testPhone());
    assert.deepEqual(
      (
        await t.app.inject({
          method: 'GET',
          url: '/v1/test/one',
          headers: withJwt(t.clientHeaders, fresh.json().sessionJwt),
        })
      ).json().factors,
      ['SMS'],
    );
  });
});

describe('access to a user', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ routes: testRoutes });
  });
  after(() => t.close());

  const read = (userId: string, jwt: string, headers = t.clientHeaders) =>
    t.app.inject({ method: 'GET', url: `/v1/test/users/${userId}`, headers: withJwt(headers, jwt) });

  it("lets a session read its own user and answers 404 NOT_FOUND_USER for anyone else's id", async () => {
    const alice = await insertUser(t);
    const bob = await insertUser(t);
    const jwt = (await walletSignIn(t, alice.account)).json().sessionJwt;
    const own = await read(alice.id, jwt);
    assert.equal(own.statusCode, 200);
    assert.equal(own.json().userId, alice.id);
    assert.equal((await read(alice.id.toUpperCase(), jwt)).statusCode, 200);
    const others = [await read(bob.id, jwt), await read('00000000-0000-4000-8000-000000000000', jwt)];
    for (const res of others) {
      assert.equal(res.statusCode, 404);
      assert.equal(res.json().code, 'NOT_FOUND_USER');
      assert.ok(!res.body.includes('user data'));
    }
    // The two 404s are indistinguishable apart from the id in the message.
    assert.equal(
      others[0]!.json().message.replace(bob.id, 'ID'),
      others[1]!.json().message.replace('00000000-0000-4000-8000-000000000000', 'ID'),
    );
    const newWallet = (await walletSignIn(t, newAccount())).json().sessionJwt;
    assert.equal((await read(alice.id, newWallet)).statusCode, 404);
  });

  it('shows a user to another client only after two factors there (the user links that client)', async () => {
    const alice = await insertUser(t);
    const other = await createClient(t.db.db, 'sandbox', { name: 'Second partner' });
    const headers = { 'ratio-client-id': other.clientId, 'ratio-client-secret': other.clientSecret };
    const wallet = await walletSignIn(t, alice.account, { headers });
    assert.equal(wallet.json().userMask.id, alice.id);
    assert.equal((await read(alice.id, wallet.json().sessionJwt, headers)).statusCode, 404);
    const sms = await smsSignIn(t, alice.phone, { jwt: wallet.json().sessionJwt, headers });
    assert.equal(sms.statusCode, 200);
    assert.equal((await read(alice.id, sms.json().sessionJwt, headers)).statusCode, 200);
  });
});
