import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { privateKeyToAccount } from 'viem/accounts';
import { post } from '../../../test/auth.ts';
import { startTestApp, type TestApp } from '../../../test/helpers.ts';

describe('sandbox test wallets', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it('are the documented keys: SHA-256 of "onramp sandbox test wallet <index>"', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/sandbox/wallets/42', headers: t.clientHeaders });
    assert.equal(res.statusCode, 200, res.body);
    const expected = `0x${createHash('sha256').update('onramp sandbox test wallet 42').digest('hex')}`;
    assert.equal(res.json().privateKey, expected);
    assert.equal(res.json().address, privateKeyToAccount(expected as `0x${string}`).address);
    const bad = await t.app.inject({ method: 'GET', url: '/sandbox/wallets/-1', headers: t.clientHeaders });
    assert.equal(bad.statusCode, 400);
    const anonymous = await t.app.inject({ method: 'GET', url: '/sandbox/wallets/42' });
    assert.equal(anonymous.statusCode, 401);
  });

  it('sign a sign-in challenge that cryptoWallet:authenticate accepts like any wallet signature', async () => {
    const index = 9_001;
    const { address } = (
      await t.app.inject({ method: 'GET', url: `/sandbox/wallets/${index}`, headers: t.clientHeaders })
    ).json();
    const wallet = { walletAddress: address, walletType: 'EVM' };
    const start = await post(t, '/v1/auth/cryptoWallet:start', wallet);
    assert.equal(start.statusCode, 200, start.body);
    const signed = await post(t, `/sandbox/wallets/${index}:signMessage`, { message: start.json().challenge });
    assert.equal(signed.statusCode, 200, signed.body);
    assert.equal(signed.json().address, address);
    const auth = await post(t, '/v1/auth/cryptoWallet:authenticate', { ...wallet, signature: signed.json().signature });
    assert.equal(auth.statusCode, 200, auth.body);
    assert.ok(auth.json().sessionJwt);
    // Another wallet's signature of the same challenge is refused, as for any wallet.
    const start2 = await post(t, '/v1/auth/cryptoWallet:start', wallet);
    const wrong = await post(t, `/sandbox/wallets/${index + 1}:signMessage`, { message: start2.json().challenge });
    const refused = await post(t, '/v1/auth/cryptoWallet:authenticate', {
      ...wallet,
      signature: wrong.json().signature,
    });
    assert.equal(refused.statusCode, 401, refused.body);
  });
});
