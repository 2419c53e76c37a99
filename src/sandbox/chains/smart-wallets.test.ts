// Smart-contract wallet signatures on the sandbox chains, checked the way the auth module checks them:
// viem's publicClient.verifyMessage, which asks the chain (ERC-1271 for a deployed wallet, ERC-6492
// for one that is not deployed yet).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createPublicClient, http, keccak256, parseErc6492Signature, stringToHex, type PublicClient } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { baseUrl, startTestApp, type TestApp } from '../../../test/helpers.ts';
import type { SandboxChains } from './sandbox-chains.ts';
import { counterfactualSmartWallet, deploySmartWallet, sandboxChainsOf } from './smart-wallets.ts';

describe('smart-contract wallet signatures on the sandbox chains', () => {
  let t: TestApp;
  let chains: SandboxChains;
  let client: PublicClient;
  const owner = privateKeyToAccount(generatePrivateKey());
  const stranger = privateKeyToAccount(generatePrivateKey());
  const message = 'onramp wants you to sign in with your Ethereum account';

  before(async () => {
    t = await startTestApp({ listen: true });
    chains = sandboxChainsOf(t.ctx);
    client = chains.publicClient('ETHEREUM');
  });
  after(() => t.close());

  it('verifies an ERC-1271 signature of a deployed wallet, and refuses a wrong one', async () => {
    const wallet = await deploySmartWallet(chains, 'ETHEREUM', owner);
    assert.equal(await wallet.isDeployed(), true);
    const signature = await wallet.signMessage(message);
    assert.equal(await client.verifyMessage({ address: wallet.address, message, signature }), true);
    assert.equal(await client.verifyMessage({ address: wallet.address, message: `${message}!`, signature }), false);
    // Signed by someone other than the owner.
    const forged = await stranger.signMessage({ message });
    assert.equal(await client.verifyMessage({ address: wallet.address, message, signature: forged }), false);
    // The owner's signature is not the wallet's address's own EOA signature.
    assert.equal(await client.verifyMessage({ address: owner.address, message, signature }), true);
    assert.equal(await client.verifyMessage({ address: stranger.address, message, signature }), false);
  });

  it('verifies over HTTP too, as a partner would against /sandbox/rpc', async () => {
    const wallet = await deploySmartWallet(chains, 'POLYGON', owner, keccak256(stringToHex('http')));
    const overHttp = createPublicClient({ transport: http(`${baseUrl(t)}/sandbox/rpc/polygon`, { retryCount: 0 }) });
    const signature = await wallet.signMessage(message);
    assert.equal(await overHttp.verifyMessage({ address: wallet.address, message, signature }), true);
    assert.equal(await overHttp.verifyMessage({ address: wallet.address, message: 'other', signature }), false);
  });

  it('verifies an ERC-6492 signature of a wallet not deployed yet, without deploying it', async () => {
    const salt = keccak256(stringToHex('counterfactual'));
    const wallet = await counterfactualSmartWallet(chains, 'ETHEREUM', owner, salt);
    assert.equal(await wallet.isDeployed(), false);
    const signature = await wallet.signMessage(message);
    const parsed = parseErc6492Signature(signature);
    assert.equal(parsed.address, chains.contracts.smartWalletFactory);

    assert.equal(await client.verifyMessage({ address: wallet.address, message, signature }), true);
    assert.equal(await client.verifyMessage({ address: wallet.address, message: 'something else', signature }), false);
    // The wrapper deploys the wallet of `owner`, so a stranger's inner signature fails.
    const strangerWallet = await counterfactualSmartWallet(chains, 'ETHEREUM', stranger, salt);
    assert.notEqual(strangerWallet.address, wallet.address);
    assert.equal(await client.verifyMessage({ address: strangerWallet.address, message, signature }), false);
    // Verification is a simulation: the wallet is still not on chain.
    assert.equal(await wallet.isDeployed(), false);

    // Once deployed, the wallet signs plainly (ERC-1271) and the wrapped signature still verifies.
    await deploySmartWallet(chains, 'ETHEREUM', owner, salt);
    const plain = await wallet.signMessage(message);
    assert.equal(parseErc6492Signature(plain).address, undefined);
    assert.equal(await client.verifyMessage({ address: wallet.address, message, signature: plain }), true);
    assert.equal(await client.verifyMessage({ address: wallet.address, message, signature }), true);
  });
});
