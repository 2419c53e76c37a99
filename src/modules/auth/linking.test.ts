import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { startTestApp, type TestApp } from '../../../test/helpers.ts';
import {
  emailSignIn,
  insertUser,
  latestCode,
  newAccount,
  post,
  smsSignIn,
  testEmail,
  testPhone,
  walletSignIn,
  withJwt,
  type TestUser,
} from '../../../test/auth.ts';
import { ManualClock } from '../../lib/clock.ts';
import { findUserBySigningWallet } from './signing-wallets.ts';

const ADD = '/v1/auth/cryptoWallet:addToUser';

describe('account linking (link-a-new-signing-wallet-to-an-existing-user.md)', () => {
  let t: TestApp;
  const clock = new ManualClock('2026-05-04T12:00:00Z');
  before(async () => {
    t = await startTestApp({ clock });
  });
  after(() => t.close());

  /** Steps 1–3: a new wallet signs in, then SMS finds the user's phone: 409. Returns the wallet JWT. */
  async function newWalletMeetsExistingPhone(user: TestUser, account = newAccount(), headers = t.clientHeaders) {
    const wallet = await walletSignIn(t, account, { headers });
    assert.equal(wallet.statusCode, 200);
    assert.equal(wallet.json().userMask, undefined, 'a new wallet looks like a new user');
    const jwt = wallet.json().sessionJwt as string;
    const sent = await post(t, '/v1/auth/otp/sms:send', { phoneNumber: user.phone }, withJwt(headers, jwt));
    assert.equal(sent.statusCode, 200);
    const conflict = await post(
      t,
      '/v1/auth/otp/sms:authenticate',
      { phoneId: sent.json().phoneId, otp: await latestCode(t, user.phone) },
      withJwt(headers, jwt),
    );
    assert.equal(conflict.statusCode, 409);
    assert.equal(conflict.json().code, 'ALREADY_EXISTS_PHONE');
    return { account, jwt };
  }

  /** Steps 4–7: SMS without the JWT (a first factor), then email with the new JWT. */
  async function smsThenEmail(user: TestUser, headers = t.clientHeaders) {
    clock.advance(30_000); // the resend interval for the phone
    const sms = await smsSignIn(t, user.phone, { headers });
    assert.equal(sms.statusCode, 200, sms.body);
    assert.equal(sms.json().userMask.id, user.id);
    const email = await emailSignIn(t, user.email, { jwt: sms.json().sessionJwt, headers });
    assert.equal(email.statusCode, 200, email.body);
    return email.json().sessionJwt as string;
  }

  it('follows the guide: wallet, 409 ALREADY_EXISTS_PHONE, SMS without the JWT, email, addToUser', async () => {
    const user = await insertUser(t);
    const { account, jwt: walletJwt } = await newWalletMeetsExistingPhone(user);
    const finalJwt = await smsThenEmail(user);
    const added = await post(
      t,
      ADD,
      { walletAddress: account.address, walletType: 'EVM' },
      withJwt(t.clientHeaders, finalJwt),
    );
    assert.equal(added.statusCode, 200, added.body);
    assert.deepEqual(added.json(), {});
    assert.equal(await findUserBySigningWallet(t.db.db, 'EVM', account.address), user.id);
    // The new wallet now signs in as the user.
    const again = await walletSignIn(t, account);
    assert.equal(again.json().userMask.id, user.id);
    // The pending wallet session is done with.
    const old = await post(
      t,
      '/v1/auth/cryptoWallet:start',
      { walletAddress: account.address, walletType: 'EVM' },
      withJwt(t.clientHeaders, walletJwt),
    );
    assert.equal(old.statusCode, 401);
    // Adding it again is harmless.
    assert.equal(
      (await post(t, ADD, { walletAddress: account.address, walletType: 'EVM' }, withJwt(t.clientHeaders, finalJwt)))
        .statusCode,
      200,
    );
  });

  it('refuses a wallet that has not signed in and hit this user’s phone, or whose proof went idle', async () => {
    const user = await insertUser(t);
    const finalJwt = await smsThenEmail(user);
    const never = await post(
      t,
      ADD,
      { walletAddress: newAccount().address, walletType: 'EVM' },
      withJwt(t.clientHeaders, finalJwt),
    );
    assert.equal(never.statusCode, 422);
    assert.equal(never.json().code, 'WALLET_NOT_PROVEN');
    // Signed in, but never met this user's phone.
    const account = newAccount();
    await walletSignIn(t, account);
    assert.equal(
      (
        await post(t, ADD, { walletAddress: account.address, walletType: 'EVM' }, withJwt(t.clientHeaders, finalJwt))
      ).json().code,
      'WALLET_NOT_PROVEN',
    );
    // Met another user's phone: no use to this one.
    const other = await insertUser(t);
    const { account: otherWallet } = await newWalletMeetsExistingPhone(other);
    assert.equal(
      (
        await post(
          t,
          ADD,
          { walletAddress: otherWallet.address, walletType: 'EVM' },
          withJwt(t.clientHeaders, finalJwt),
        )
      ).json().code,
      'WALLET_NOT_PROVEN',
    );
    // Met this user's phone, but that wallet session then sat idle past the 10-minute limit.
    const user2 = await insertUser(t);
    const { account: idle } = await newWalletMeetsExistingPhone(user2);
    clock.advance(540_000);
    const jwt2 = await smsThenEmail(user2);
    clock.advance(60_000);
    const stale = await post(
      t,
      ADD,
      { walletAddress: idle.address, walletType: 'EVM' },
      withJwt(t.clientHeaders, jwt2),
    );
    assert.equal(stale.statusCode, 422);
    assert.equal(stale.json().code, 'WALLET_NOT_PROVEN');
  });

  it('needs two factors including SMS for addToUser, and refuses a wallet of another user', async () => {
    const user = await insertUser(t);
    const { account } = await newWalletMeetsExistingPhone(user);
    clock.advance(30_000);
    const smsOnly = (await smsSignIn(t, user.phone)).json().sessionJwt;
    const res = await post(
      t,
      ADD,
      { walletAddress: account.address, walletType: 'EVM' },
      withJwt(t.clientHeaders, smsOnly),
    );
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().code, 'MFA_REQUIRED');
    const emailOnly = (await emailSignIn(t, user.email)).json().sessionJwt;
    const walletAndEmail = (await walletSignIn(t, user.account, { jwt: emailOnly })).json().sessionJwt;
    assert.equal(
      (
        await post(
          t,
          ADD,
          { walletAddress: account.address, walletType: 'EVM' },
          withJwt(t.clientHeaders, walletAndEmail),
        )
      ).json().code,
      'MFA_REQUIRED',
    );
    clock.advance(30_000);
    const finalJwt = (await emailSignIn(t, user.email, { jwt: smsOnly })).json().sessionJwt;
    const bob = await insertUser(t);
    const taken = await post(
      t,
      ADD,
      { walletAddress: bob.account.address, walletType: 'EVM' },
      withJwt(t.clientHeaders, finalJwt),
    );
    assert.equal(taken.statusCode, 409);
    assert.equal(taken.json().code, 'ALREADY_EXISTS_WALLET_ADDRESS');
  });

  it('links a new wallet at once when it signs in within an SMS + email session (SMS and email first)', async () => {
    const user = await insertUser(t);
    const finalJwt = await smsThenEmail(user);
    const account = newAccount();
    const res = await walletSignIn(t, account, { jwt: finalJwt });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().userMask.id, user.id);
    assert.notEqual(decodeJwt(res.json().sessionJwt).sid, decodeJwt(finalJwt).sid, 'renewed with the new factor');
    assert.equal(await findUserBySigningWallet(t.db.db, 'EVM', account.address), user.id);
  });

  it('does not link a new wallet on SMS alone, nor mix two identities in one session', async () => {
    const user = await insertUser(t);
    const smsJwt = (await smsSignIn(t, user.phone)).json().sessionJwt;
    const unlinked = newAccount();
    const res = await walletSignIn(t, unlinked, { jwt: smsJwt });
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().code, 'MFA_REQUIRED');
    assert.equal(await findUserBySigningWallet(t.db.db, 'EVM', unlinked.address), undefined);

    const bob = await insertUser(t);
    const bobsWallet = await walletSignIn(t, bob.account, { jwt: smsJwt });
    assert.equal(bobsWallet.statusCode, 409);
    assert.equal(bobsWallet.json().code, 'ALREADY_EXISTS_WALLET_ADDRESS');
    const bobsEmail = await emailSignIn(t, bob.email, { jwt: smsJwt });
    assert.equal(bobsEmail.statusCode, 409);
    assert.equal(bobsEmail.json().code, 'ALREADY_EXISTS_EMAIL');

    const walletJwt = (await walletSignIn(t, user.account)).json().sessionJwt;
    const strangerPhone = await smsSignIn(t, testPhone(), { jwt: walletJwt });
    assert.equal(strangerPhone.statusCode, 400);
    assert.equal(strangerPhone.json().code, 'MISMATCH_PHONE');
    const strangerEmail = await emailSignIn(t, testEmail(), { jwt: walletJwt });
    assert.equal(strangerEmail.json().code, 'MISMATCH_EMAIL');
  });

  it('records the user on the client session the new wallet signed in with', async () => {
    const user = await insertUser(t);
    const account = newAccount();
    const created = await post(t, '/v1/client/sessions', { signingAddress: account.address, signingType: 'EVM' });
    const sessionHeaders = { 'ratio-client-session-id': created.json().id };
    await newWalletMeetsExistingPhone(user, account, sessionHeaders);
    const before = await t.app.inject({
      method: 'GET',
      url: `/v1/client/sessions/${created.json().id}`,
      headers: t.clientHeaders,
    });
    assert.equal(before.json().userMask, undefined);
    const finalJwt = await smsThenEmail(user, sessionHeaders);
    const meanwhile = await t.app.inject({
      method: 'GET',
      url: `/v1/client/sessions/${created.json().id}`,
      headers: t.clientHeaders,
    });
    assert.equal(meanwhile.json().userMask, undefined, 'SMS and email do not say whose the wallet is');
    assert.equal(
      (await post(t, ADD, { walletAddress: account.address, walletType: 'EVM' }, withJwt(sessionHeaders, finalJwt)))
        .statusCode,
      200,
    );
    const view = await t.app.inject({
      method: 'GET',
      url: `/v1/client/sessions/${created.json().id}`,
      headers: t.clientHeaders,
    });
    assert.equal(view.json().userMask.id, user.id);
  });
});
