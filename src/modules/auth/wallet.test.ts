import assert from 'node:assert/strict';
import { generateKeyPairSync, sign as edSign } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { base58 } from '@scure/base';
import { decodeJwt } from 'jose';
import { parseSiweMessage } from 'viem/siwe';
import { startTestApp, type TestApp } from '../../../test/helpers.ts';
import { insertUser, newAccount, post, walletSignIn, withJwt } from '../../../test/auth.ts';
import { ManualClock } from '../../lib/clock.ts';
import { createClient } from '../clients/create-client.ts';

const START = '/v1/auth/cryptoWallet:start';
const AUTH = '/v1/auth/cryptoWallet:authenticate';

function solanaWallet() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  return {
    address: base58.encode(raw),
    sign: (message: string) => edSign(null, Buffer.from(message, 'utf8'), privateKey),
  };
}

describe('wallet sign-in', () => {
  let t: TestApp;
  const clock = new ManualClock('2026-03-02T15:00:00Z');
  before(async () => {
    t = await startTestApp({
      clock,
      env: { ONRAMP_SIWE_DOMAIN: 'app.example.com', ONRAMP_SIWE_URI: 'https://app.example.com/sign-in' },
    });
  });
  after(() => t.close());

  it('issues an EIP-4361 challenge with a random nonce that expires within 5 minutes', async () => {
    const account = newAccount();
    const res = await post(t, START, { walletAddress: account.address, walletType: 'EVM' });
    assert.equal(res.statusCode, 200);
    const siwe = parseSiweMessage(res.json().challenge);
    assert.equal(siwe.domain, 'app.example.com');
    assert.equal(siwe.uri, 'https://app.example.com/sign-in');
    assert.equal(siwe.address, account.address);
    assert.equal(siwe.version, '1');
    assert.equal(siwe.chainId, t.ctx.chains.chainId('ETHEREUM'), 'the chain smart wallets are checked on');
    assert.match(siwe.nonce!, /^[A-Za-z0-9]{16,}$/);
    assert.equal(siwe.issuedAt!.toISOString(), clock.now().toISOString());
    assert.equal(siwe.expirationTime!.getTime() - siwe.issuedAt!.getTime(), 300_000);
    const again = await post(t, START, { walletAddress: account.address, walletType: 'EVM' });
    assert.notEqual(parseSiweMessage(again.json().challenge).nonce, siwe.nonce);
  });

  it('signs in a new wallet with a real EOA signature: a session JWT and no userMask', async () => {
    const res = await walletSignIn(t, newAccount());
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.userMask, undefined);
    const claims = decodeJwt(body.sessionJwt);
    assert.equal(claims.aud, t.client.id);
    assert.equal(claims.exp! - claims.iat!, 300);
  });

  it("returns the userMask when the wallet is an existing user's signing wallet", async () => {
    const user = await insertUser(t);
    const res = await walletSignIn(t, user.account);
    assert.equal(res.statusCode, 200);
    assert.deepEqual(Object.keys(res.json().userMask).sort(), [
      'createTime',
      'id',
      'phoneMask',
      'preferredMfaMethod',
      'updateTime',
    ]);
    assert.equal(res.json().userMask.id, user.id);
    assert.equal(res.json().userMask.phoneMask, user.phone.slice(-4));
  });

  it('accepts lower-case addresses and the legacy walletNetwork field', async () => {
    const account = newAccount();
    const lower = account.address.toLowerCase();
    const start = await post(t, START, { walletAddress: lower, walletNetwork: 'POLYGON' });
    assert.equal(start.statusCode, 200);
    const signature = await account.signMessage({ message: start.json().challenge });
    const res = await post(t, AUTH, { walletAddress: lower, walletNetwork: 'ETHEREUM', signature });
    assert.equal(res.statusCode, 200);
  });

  it('refuses a challenge used twice', async () => {
    const account = newAccount();
    const start = await post(t, START, { walletAddress: account.address, walletType: 'EVM' });
    const signature = await account.signMessage({ message: start.json().challenge });
    const body = { walletAddress: account.address, walletType: 'EVM', signature };
    assert.equal((await post(t, AUTH, body)).statusCode, 200);
    const replay = await post(t, AUTH, body);
    assert.equal(replay.statusCode, 401);
    assert.equal(replay.json().code, 'INVALID_SIGNATURE');
    assert.equal(replay.json().data.rule, 'reused');
  });

  it('refuses an expired challenge', async () => {
    const account = newAccount();
    const start = await post(t, START, { walletAddress: account.address, walletType: 'EVM' });
    const signature = await account.signMessage({ message: start.json().challenge });
    clock.advance(300_000);
    const res = await post(t, AUTH, { walletAddress: account.address, walletType: 'EVM', signature });
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().code, 'INVALID_SIGNATURE');
    assert.equal(res.json().data.rule, 'expired');
  });

  it("refuses another wallet's signature, a tampered signature and another client's challenge", async () => {
    const account = newAccount();
    const start = await post(t, START, { walletAddress: account.address, walletType: 'EVM' });
    const challenge = start.json().challenge as string;
    const byOther = await newAccount().signMessage({ message: challenge });
    const genuine = await account.signMessage({ message: challenge });
    const flipped = `${genuine.slice(0, 10)}${genuine[10] === 'a' ? 'b' : 'a'}${genuine.slice(11)}`;
    const otherChallenge = await account.signMessage({
      message: challenge.replace(/Nonce: \w+/, 'Nonce: abcdefgh12345678'),
    });
    for (const signature of [byOther, flipped, otherChallenge]) {
      const res = await post(t, AUTH, { walletAddress: account.address, walletType: 'EVM', signature });
      assert.equal(res.statusCode, 401);
      assert.equal(res.json().code, 'INVALID_SIGNATURE');
      assert.equal(res.json().data.rule, 'mismatch');
    }
    const other = await createClient(t.db.db, 'sandbox', { name: 'Other partner' });
    const otherHeaders = { 'ratio-client-id': other.clientId, 'ratio-client-secret': other.clientSecret };
    const foreign = await post(
      t,
      AUTH,
      { walletAddress: account.address, walletType: 'EVM', signature: genuine },
      otherHeaders,
    );
    assert.equal(foreign.statusCode, 401);
    assert.equal(foreign.json().data.rule, 'noChallenge');
    // The genuine signature still works for the client the challenge was issued to.
    assert.equal(
      (await post(t, AUTH, { walletAddress: account.address, walletType: 'EVM', signature: genuine })).statusCode,
      200,
    );
  });

  it('accepts a signature of either of two challenges issued back to back', async () => {
    const account = newAccount();
    const first = await post(t, START, { walletAddress: account.address, walletType: 'EVM' });
    await post(t, START, { walletAddress: account.address, walletType: 'EVM' });
    const signature = await account.signMessage({ message: first.json().challenge });
    assert.equal(
      (await post(t, AUTH, { walletAddress: account.address, walletType: 'EVM', signature })).statusCode,
      200,
    );
  });

  it('answers 400 with the documented code for malformed input', async () => {
    const account = newAccount();
    const cases: Array<[string, object, string]> = [
      [START, { walletAddress: account.address }, 'MISSING_WALLET_TYPE'],
      [START, { walletType: 'EVM' }, 'MISSING_WALLET_ADDRESS'],
      [START, { walletAddress: account.address, walletType: 'BITCOIN' }, 'INVALID_WALLET_TYPE'],
      [START, { walletAddress: account.address, walletNetwork: 'BITCOIN' }, 'INVALID_WALLET_TYPE'],
      [
        START,
        { walletAddress: account.address, walletType: 'SOLANA', walletNetwork: 'ETHEREUM' },
        'INVALID_WALLET_TYPE',
      ],
      [START, { walletAddress: '0x1234', walletType: 'EVM' }, 'INVALID_WALLET_ADDRESS'],
      // A mixed-case address with a wrong EIP-55 checksum (the valid one is …551bD432…).
      [
        START,
        { walletAddress: '0x8ba1f109551bd432803012645Ac136ddd64DBA72', walletType: 'EVM' },
        'INVALID_WALLET_ADDRESS',
      ],
      [START, { walletAddress: solanaWallet().address, walletType: 'EVM' }, 'UNSUPPORTED_WALLET_ADDRESS'],
      [START, { walletAddress: account.address, walletType: 'EVM', extra: 1 }, 'INVALID_BODY'],
      [AUTH, { walletAddress: account.address, walletType: 'EVM' }, 'MISSING_SIGNATURE'],
      [AUTH, { walletAddress: account.address, walletType: 'EVM', signature: 'not-hex' }, 'INVALID_SIGNATURE'],
    ];
    for (const [url, body, code] of cases) {
      const res = await post(t, url, body);
      assert.equal(res.statusCode, 400, `${code}: ${res.body}`);
      assert.equal(res.json().code, code, res.body);
      assert.ok(res.json().data.field, res.body);
    }
  });

  it('signs in a SOLANA wallet with an ed25519 signature in base58 or base64', async () => {
    for (const encode of [(s: Buffer) => base58.encode(s), (s: Buffer) => s.toString('base64')]) {
      const wallet = solanaWallet();
      const start = await post(t, START, { walletAddress: wallet.address, walletType: 'SOLANA' });
      assert.equal(start.statusCode, 200);
      const challenge = start.json().challenge as string;
      assert.match(challenge, /wants you to sign in with your Solana account:\n/);
      assert.ok(challenge.includes(`\n${wallet.address}\n`));
      const res = await post(t, AUTH, {
        walletAddress: wallet.address,
        walletType: 'SOLANA',
        signature: encode(wallet.sign(challenge)),
      });
      assert.equal(res.statusCode, 200, res.body);
      const wrong = await post(t, START, { walletAddress: wallet.address, walletType: 'SOLANA' });
      const forged = await post(t, AUTH, {
        walletAddress: wallet.address,
        walletType: 'SOLANA',
        signature: encode(solanaWallet().sign(wrong.json().challenge)),
      });
      assert.equal(forged.statusCode, 401);
    }
  });

  it('through a client session, signs in only its signing wallet and records the user on the session', async () => {
    const user = await insertUser(t);
    const created = await post(t, '/v1/client/sessions', { signingAddress: user.account.address, signingType: 'EVM' });
    assert.equal(created.statusCode, 201);
    const sessionHeaders = { 'ratio-client-session-id': created.json().id };
    const other = newAccount();
    const refused = await post(t, START, { walletAddress: other.address, walletType: 'EVM' }, sessionHeaders);
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json().code, 'INVALID_WALLET_ADDRESS');
    const res = await walletSignIn(t, user.account, { headers: sessionHeaders });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().userMask.id, user.id);
    const view = await t.app.inject({
      method: 'GET',
      url: `/v1/client/sessions/${created.json().id}`,
      headers: t.clientHeaders,
    });
    assert.equal(view.json().userMask.id, user.id);
    // The JWT works with the client's secret too: it is bound to the client, not to the session id.
    const readBack = await post(
      t,
      START,
      { walletAddress: user.account.address, walletType: 'EVM' },
      withJwt(t.clientHeaders, res.json().sessionJwt),
    );
    assert.equal(readBack.statusCode, 200);
  });
});
