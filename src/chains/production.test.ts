// Production chains, run for real over HTTP: against the sandbox chains' JSON-RPC endpoint (a real
// EVM behind real JSON-RPC), and against local servers that fail in the ways RPC providers fail.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { erc20Abi, parseEther } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { baseUrl, startTestApp, type TestApp } from '../../test/helpers.ts';
import type { ChainsConfig } from './config.ts';
import type { SandboxChains } from '../sandbox/chains/sandbox-chains.ts';
import { deploySmartWallet, sandboxChainsOf } from '../sandbox/chains/smart-wallets.ts';
import { ProductionChains } from './production.ts';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString('utf8'));
      cb();
    },
  });
  return { log: pino({ level: 'debug' }, stream), text: () => lines.join('') };
}

function chainsConfig(overrides: {
  ethereum: Partial<NonNullable<ChainsConfig['networks']>['ETHEREUM']>;
  polygon?: Partial<NonNullable<ChainsConfig['networks']>['POLYGON']>;
  privateKey?: `0x${string}`;
  timeoutMs?: number;
  retryCount?: number;
}): ChainsConfig {
  const base = {
    rpcUrl: 'http://127.0.0.1:9/',
    chainId: 1,
    usdcAddress: '0x0000000000000000000000000000000000000001' as const,
    confirmations: 2,
  };
  return {
    networks: {
      ETHEREUM: { ...base, ...overrides.ethereum },
      POLYGON: { ...base, chainId: 137, ...overrides.polygon },
    },
    hotWallet: { privateKey: overrides.privateKey ?? generatePrivateKey() },
    rpcTimeoutMs: overrides.timeoutMs ?? 5_000,
    rpcRetryCount: overrides.retryCount ?? 0,
  };
}

describe('production chains against a JSON-RPC endpoint', () => {
  let t: TestApp;
  let sandbox: SandboxChains;
  let production: ProductionChains;
  const hotKey = generatePrivateKey();
  const hotAddress = privateKeyToAccount(hotKey).address;

  before(async () => {
    t = await startTestApp({ listen: true });
    sandbox = sandboxChainsOf(t.ctx);
    await sandbox.fund('ETHEREUM', hotAddress, { wei: parseEther('10') });
    await sandbox.fund('POLYGON', hotAddress, { wei: parseEther('10'), usdcUnits: 1_000_000_000n });
    production = new ProductionChains(
      chainsConfig({
        ethereum: {
          rpcUrl: `${baseUrl(t)}/sandbox/rpc/ethereum`,
          chainId: 31337,
          usdcAddress: sandbox.usdcAddress('ETHEREUM'),
          confirmations: 3,
        },
        polygon: {
          rpcUrl: `${baseUrl(t)}/sandbox/rpc/polygon`,
          chainId: 31338,
          usdcAddress: sandbox.usdcAddress('POLYGON'),
          confirmations: 5,
        },
        privateKey: hotKey,
      }),
      capture().log,
    );
  });
  after(() => t.close());

  it('reports what config says, and starts when each endpoint serves its chain id', async () => {
    await production.start();
    assert.equal(production.chainId('POLYGON'), 31338);
    assert.equal(production.confirmations('ETHEREUM'), 3);
    assert.equal(production.confirmations('POLYGON'), 5);
    assert.equal(production.usdcAddress('POLYGON'), sandbox.usdcAddress('POLYGON'));
    assert.equal(production.hotWallet('ETHEREUM').address, hotAddress);
    assert.equal(await production.publicClient('POLYGON').getChainId(), 31338);
  });

  it('delivers ETH and USDC from the hot wallet over HTTP, with receipts to confirm them', async () => {
    const user = privateKeyToAccount(generatePrivateKey()).address;
    const eth = await production.hotWallet('ETHEREUM').client.sendTransaction({ to: user, value: parseEther('0.1') });
    const usdc = await production.hotWallet('POLYGON').client.writeContract({
      address: production.usdcAddress('POLYGON'),
      abi: erc20Abi,
      functionName: 'transfer',
      args: [user, 25_000_000n],
    });
    const ethReceipt = await production
      .publicClient('ETHEREUM')
      .waitForTransactionReceipt({ hash: eth, timeout: 30_000 });
    assert.equal(ethReceipt.status, 'success');
    assert.equal((await production.publicClient('POLYGON').getTransactionReceipt({ hash: usdc })).status, 'success');
    assert.equal(await production.publicClient('ETHEREUM').getBalance({ address: user }), parseEther('0.1'));
    assert.equal(
      await production.publicClient('POLYGON').readContract({
        address: production.usdcAddress('POLYGON'),
        abi: erc20Abi,
        functionName: 'balanceOf',
        args: [user],
      }),
      25_000_000n,
    );
    // Both transactions were recorded by the sandbox chains as arriving through their public RPC.
    const sources = await t.ctx.db
      .selectFrom('sandbox_chain_transactions')
      .select('source')
      .where('tx_hash', 'in', [eth, usdc])
      .execute();
    assert.deepEqual(
      sources.map((s) => s.source),
      ['RPC', 'RPC'],
    );
  });

  it('verifies smart-contract wallet signatures through its public client', async () => {
    const owner = privateKeyToAccount(generatePrivateKey());
    const wallet = await deploySmartWallet(sandbox, 'ETHEREUM', owner);
    const signature = await wallet.signMessage('sign in');
    assert.equal(
      await production
        .publicClient('ETHEREUM')
        .verifyMessage({ address: wallet.address, message: 'sign in', signature }),
      true,
    );
    assert.equal(
      await production
        .publicClient('ETHEREUM')
        .verifyMessage({ address: wallet.address, message: 'sign out', signature }),
      false,
    );
  });

  it('refuses to start when an endpoint serves another chain than configured', async () => {
    const wrong = new ProductionChains(
      chainsConfig({
        ethereum: { rpcUrl: `${baseUrl(t)}/sandbox/rpc/polygon`, chainId: 31337 },
        polygon: { rpcUrl: `${baseUrl(t)}/sandbox/rpc/polygon`, chainId: 31338 },
      }),
      capture().log,
    );
    await assert.rejects(
      wrong.start(),
      /ONRAMP_ETHEREUM_CHAIN_ID is 31337 but http:\/\/127\.0\.0\.1:\d+\/\*\*\* serves chain 31338/,
    );
  });
});

describe('production chains when the RPC endpoint fails', () => {
  const servers: http.Server[] = [];
  async function server(handler: http.RequestListener): Promise<{ url: string; requests: () => number }> {
    let count = 0;
    const s = http.createServer((req, res) => {
      count++;
      handler(req, res);
    });
    servers.push(s);
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/v2/SECRET-API-KEY`, requests: () => count };
  }
  after(async () => {
    for (const s of servers) {
      s.closeAllConnections();
      await new Promise((resolve) => s.close(resolve));
    }
  });

  it('gives up on a silent endpoint after the timeout, retrying a bounded number of times', async () => {
    const silent = await server(() => undefined);
    const chains = new ProductionChains(
      chainsConfig({ ethereum: { rpcUrl: silent.url }, timeoutMs: 200, retryCount: 2 }),
      capture().log,
    );
    await assert.rejects(chains.publicClient('ETHEREUM').getBlockNumber(), (error: Error) => {
      assert.equal(error.name, 'TimeoutError');
      return true;
    });
    assert.equal(silent.requests(), 3);
  });

  it('retries a 503 a bounded number of times, then fails', async () => {
    const unavailable = await server((_req, res) => res.writeHead(503).end('busy'));
    const chains = new ProductionChains(
      chainsConfig({ ethereum: { rpcUrl: unavailable.url }, retryCount: 2 }),
      capture().log,
    );
    await assert.rejects(chains.publicClient('ETHEREUM').getBlockNumber(), { name: 'HttpRequestError' });
    assert.equal(unavailable.requests(), 3);
  });

  it('never puts the API key of the RPC URL in errors or logs, and starts despite an outage', async () => {
    const failing = await server((_req, res) => res.writeHead(500).end('boom'));
    const logs = capture();
    const chains = new ProductionChains(
      chainsConfig({ ethereum: { rpcUrl: failing.url }, polygon: { rpcUrl: 'http://127.0.0.1:9/v2/SECRET-API-KEY' } }),
      logs.log,
    );
    await chains.start();
    assert.match(logs.text(), /chain RPC endpoint did not answer at start/);
    let caught: unknown;
    try {
      await chains.publicClient('ETHEREUM').getBlockNumber();
    } catch (error) {
      caught = error;
    }
    assert.ok(caught instanceof Error);
    const serialized = `${caught.message}\n${caught.stack}\n${JSON.stringify(caught)}\n${String((caught as { cause?: unknown }).cause)}`;
    assert.ok(!serialized.includes('SECRET-API-KEY'), serialized);
    assert.match(caught.message, /http:\/\/127\.0\.0\.1:\d+\/\*\*\*/);
    assert.ok(!logs.text().includes('SECRET-API-KEY'), logs.text());
    assert.ok(!JSON.stringify(chains.chain('ETHEREUM')).includes('SECRET-API-KEY'));
  });
});
