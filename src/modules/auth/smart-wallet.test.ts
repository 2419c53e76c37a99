// Smart-contract wallets sign in through the ETHEREUM chain: ERC-1271 for a deployed wallet,
// ERC-6492 for one not deployed yet. Real contracts on the in-process sandbox chain, real signatures.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createPublicClient, http, keccak256, stringToHex } from 'viem';
import { mainnet } from 'viem/chains';
import { startTestApp, type TestApp } from '../../../test/helpers.ts';
import { insertUser, newAccount, post } from '../../../test/auth.ts';
import {
  counterfactualSmartWallet,
  deploySmartWallet,
  sandboxChainsOf,
  type SmartWallet,
} from '../../sandbox/chains/smart-wallets.ts';
import type { ChainPublicClient } from '../../chains/types.ts';
import type { AppError } from '../../errors/app-error.ts';
import { chainVerifier } from './signatures.ts';

describe('smart-contract wallet sign-in', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  async function signIn(wallet: SmartWallet, signer = wallet) {
    const start = await post(t, '/v1/auth/cryptoWallet:start', { walletAddress: wallet.address, walletType: 'EVM' });
    assert.equal(start.statusCode, 200);
    const signature = await signer.signMessage(start.json().challenge);
    return post(t, '/v1/auth/cryptoWallet:authenticate', {
      walletAddress: wallet.address,
      walletType: 'EVM',
      signature,
    });
  }

  it('signs in a deployed ERC-1271 wallet with its owner’s signature, and refuses anyone else’s', async () => {
    const chains = sandboxChainsOf(t.ctx);
    const owner = newAccount();
    const wallet = await deploySmartWallet(chains, 'ETHEREUM', owner);
    assert.equal(await wallet.isDeployed(), true);
    const res = await signIn(wallet);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().userMask, undefined);
    const impostor = await counterfactualSmartWallet(chains, 'ETHEREUM', newAccount());
    const forged = await signIn(wallet, { ...wallet, signMessage: (m) => impostor.owner.signMessage({ message: m }) });
    assert.equal(forged.statusCode, 401);
    assert.equal(forged.json().code, 'INVALID_SIGNATURE');
  });

  it('signs in a counterfactual wallet with an ERC-6492 signature without deploying it', async () => {
    const chains = sandboxChainsOf(t.ctx);
    const wallet = await counterfactualSmartWallet(
      chains,
      'ETHEREUM',
      newAccount(),
      keccak256(stringToHex(randomUUID())),
    );
    assert.equal(await wallet.isDeployed(), false);
    const res = await signIn(wallet);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(await wallet.isDeployed(), false);
  });

  it("returns the userMask when the smart wallet is a user's signing wallet", async () => {
    const chains = sandboxChainsOf(t.ctx);
    const wallet = await deploySmartWallet(chains, 'ETHEREUM', newAccount(), keccak256(stringToHex('user')));
    const user = await insertUser(t);
    await t.db.db
      .insertInto('signing_wallets')
      .values({
        id: randomUUID(),
        user_id: user.id,
        wallet_type: 'EVM',
        address: wallet.address,
        added_by_client_id: t.client.id,
      })
      .execute();
    const res = await signIn(wallet);
    assert.equal(res.json().userMask.id, user.id);
  });
});

describe('chain signature verifier', () => {
  // A public client whose RPC endpoint refuses connections.
  const unreachable = createPublicClient({
    chain: mainnet,
    transport: http('http://127.0.0.1:9/', { retryCount: 0, timeout: 2000 }),
  }) as ChainPublicClient;
  const verifier = chainVerifier(unreachable);

  it('checks EOA signatures without the chain, and answers 503 when a contract check cannot reach it', async () => {
    const account = newAccount();
    const message = 'example.com wants you to sign in with your Ethereum account';
    const signature = await account.signMessage({ message });
    assert.equal(await verifier.verifyMessage({ address: account.address, message, signature }), true);
    await assert.rejects(
      verifier.verifyMessage({ address: newAccount().address, message, signature }),
      (e: AppError) => e.code === 'SERVICE_UNAVAILABLE' && e.status === 503,
    );
  });
});
