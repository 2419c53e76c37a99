// The sandbox chains' public JSON-RPC, as a partner's wallet or script sees it: real viem clients over
// HTTP to the listening app, real signed transactions.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createPublicClient,
  createWalletClient,
  erc20Abi,
  http,
  parseEther,
  parseEventLogs,
  type PublicClient,
} from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { baseUrl, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { HOT_WALLET_USDC_UNITS, type SandboxChains } from './sandbox-chains.ts';
import { sandboxChainsOf } from './smart-wallets.ts';

describe('sandbox chains JSON-RPC', () => {
  let t: TestApp;
  let chains: SandboxChains;
  let ethereum: PublicClient;
  let polygon: PublicClient;
  let rpcUrl: (network: 'ethereum' | 'polygon') => string;

  before(async () => {
    t = await startTestApp({ listen: true });
    chains = sandboxChainsOf(t.ctx);
    rpcUrl = (network) => `${baseUrl(t)}/sandbox/rpc/${network}`;
    ethereum = createPublicClient({ transport: http(rpcUrl('ethereum'), { retryCount: 0 }) });
    polygon = createPublicClient({ transport: http(rpcUrl('polygon'), { retryCount: 0 }) });
  });
  after(() => t.close());

  async function rpc(
    network: 'ethereum' | 'polygon',
    body: unknown,
    headers: Record<string, string> = { 'content-type': 'application/json' },
  ) {
    const res = await fetch(rpcUrl(network), {
      method: 'POST',
      headers,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
  }

  it('serves two chains with distinct chain ids, matching ctx.chains', async () => {
    assert.equal(await ethereum.getChainId(), 31337);
    assert.equal(await polygon.getChainId(), 31338);
    assert.equal(chains.chainId('ETHEREUM'), 31337);
    assert.equal(chains.chainId('POLYGON'), 31338);
    assert.equal(chains.chain('POLYGON').rpcUrls.default.http[0], `${t.config.http.publicUrl}/sandbox/rpc/polygon`);
    assert.equal(chains.confirmations('ETHEREUM'), 1);
  });

  it('shows the funded hot wallet and the deployed USDC-like token on both chains', async () => {
    const hot = chains.hotWallet('ETHEREUM').address;
    assert.equal(chains.hotWallet('POLYGON').address, hot);
    for (const [network, client] of [
      ['ETHEREUM', ethereum],
      ['POLYGON', polygon],
    ] as const) {
      assert.equal(await client.getBalance({ address: hot }), parseEther('1000000'), network);
      const usdc = chains.usdcAddress(network);
      const read = <F extends 'name' | 'symbol' | 'decimals'>(functionName: F) =>
        client.readContract({ address: usdc, abi: erc20Abi, functionName });
      assert.equal(await read('name'), 'USD Coin');
      assert.equal(await read('symbol'), 'USDC');
      assert.equal(await read('decimals'), 6);
      assert.equal(
        await client.readContract({ address: usdc, abi: erc20Abi, functionName: 'balanceOf', args: [hot] }),
        HOT_WALLET_USDC_UNITS,
      );
    }
  });

  it('delivers ETH and USDC from the hot wallet, visible through the RPC at once', async () => {
    const user = privateKeyToAccount(generatePrivateKey()).address;
    const hot = chains.hotWallet('ETHEREUM');
    const ethHash = await hot.client.sendTransaction({ to: user, value: parseEther('0.25') });
    const usdcHash = await hot.client.writeContract({
      address: chains.usdcAddress('ETHEREUM'),
      abi: erc20Abi,
      functionName: 'transfer',
      args: [user, 123_450_000n],
    });

    const ethReceipt = await ethereum.getTransactionReceipt({ hash: ethHash });
    assert.equal(ethReceipt.status, 'success');
    assert.equal(ethReceipt.from, hot.address.toLowerCase());
    assert.equal(await ethereum.getBalance({ address: user }), parseEther('0.25'));

    const usdcReceipt = await ethereum.getTransactionReceipt({ hash: usdcHash });
    assert.equal(usdcReceipt.status, 'success');
    const [transfer] = parseEventLogs({ abi: erc20Abi, eventName: 'Transfer', logs: usdcReceipt.logs });
    assert.deepEqual(transfer?.args, { from: hot.address, to: user, value: 123_450_000n });
    assert.equal(
      await ethereum.readContract({
        address: chains.usdcAddress('ETHEREUM'),
        abi: erc20Abi,
        functionName: 'balanceOf',
        args: [user],
      }),
      123_450_000n,
    );
    // A block per transaction: the USDC transfer's block follows the ETH transfer's.
    assert.equal(usdcReceipt.blockNumber, ethReceipt.blockNumber + 1n);
    // The other chain is untouched.
    assert.equal(await polygon.getBalance({ address: user }), 0n);
  });

  it("accepts a partner's own signed transaction through eth_sendRawTransaction", async () => {
    const partner = privateKeyToAccount(generatePrivateKey());
    await chains.fund('POLYGON', partner.address, { wei: parseEther('1'), usdcUnits: 5_000_000n });
    const wallet = createWalletClient({
      account: partner,
      chain: chains.chain('POLYGON'),
      transport: http(rpcUrl('polygon'), { retryCount: 0 }),
    });
    const recipient = privateKeyToAccount(generatePrivateKey()).address;
    const hash = await wallet.writeContract({
      address: chains.usdcAddress('POLYGON'),
      abi: erc20Abi,
      functionName: 'transfer',
      args: [recipient, 2_000_000n],
    });
    assert.equal((await polygon.getTransactionReceipt({ hash })).status, 'success');
    assert.equal(
      await polygon.readContract({
        address: chains.usdcAddress('POLYGON'),
        abi: erc20Abi,
        functionName: 'balanceOf',
        args: [recipient],
      }),
      2_000_000n,
    );
    const row = await t.ctx.db
      .selectFrom('sandbox_chain_transactions')
      .select(['network', 'source'])
      .where('tx_hash', '=', hash)
      .executeTakeFirst();
    assert.deepEqual(row, { network: 'POLYGON', source: 'RPC' });
  });

  it('refuses methods that would change the chain for everyone, with a JSON-RPC error', async () => {
    const before = await ethereum.getBlockNumber();
    const hot = chains.hotWallet('ETHEREUM').address;
    const denied: Array<[string, unknown[]]> = [
      ['hardhat_reset', []],
      ['hardhat_setBalance', [hot, '0x0']],
      ['hardhat_impersonateAccount', [hot]],
      ['hardhat_setCode', [chains.usdcAddress('ETHEREUM'), '0x']],
      ['evm_increaseTime', [3600]],
      ['evm_setNextBlockTimestamp', [4_000_000_000]],
      ['evm_mine', []],
      ['evm_revert', ['0x1']],
      ['eth_sendTransaction', [{ from: hot, to: hot, value: '0x1' }]],
      ['eth_sign', [hot, '0x00']],
      ['eth_newBlockFilter', []],
      ['debug_traceTransaction', ['0x' + '00'.repeat(32)]],
      ['no_such_method', []],
    ];
    const res = await rpc(
      'ethereum',
      denied.map(([method, params], i) => ({ jsonrpc: '2.0', id: i, method, params })),
    );
    assert.equal(res.status, 200);
    const answers = res.body as Array<{ id: number; error?: { code: number; message: string }; result?: unknown }>;
    assert.equal(answers.length, denied.length);
    for (const [i, [method]] of denied.entries()) {
      assert.equal(answers[i]?.id, i);
      assert.equal(answers[i]?.error?.code, -32601, method);
      assert.ok(answers[i]?.error?.message.startsWith(`${method} is not available`), answers[i]?.error?.message);
      assert.equal(answers[i]?.result, undefined);
    }
    assert.equal(await ethereum.getBlockNumber(), before);
    assert.equal((await ethereum.getBalance({ address: hot })) > 0n, true);
    // eth_accounts answers that the node manages no accounts (it does not reveal the server's).
    assert.deepEqual((await rpc('ethereum', { jsonrpc: '2.0', id: 1, method: 'eth_accounts', params: [] })).body, {
      jsonrpc: '2.0',
      id: 1,
      result: [],
    });
  });

  it('speaks JSON-RPC for malformed input: parse errors, invalid requests, batches and notifications', async () => {
    const parse = await rpc('ethereum', '{"jsonrpc":"2.0",');
    assert.equal(parse.status, 200);
    assert.deepEqual(parse.body, {
      jsonrpc: '2.0',
      id: null,
      error: { code: -32700, message: 'Parse error: the body is not valid JSON' },
    });

    const noContentType = await rpc('ethereum', { jsonrpc: '2.0', id: 'a', method: 'eth_chainId' }, {});
    assert.deepEqual(noContentType.body, { jsonrpc: '2.0', id: 'a', result: '0x7a69' });

    const invalid = await rpc('ethereum', [
      1,
      { id: 2, method: 'eth_chainId' },
      { jsonrpc: '2.0', id: 3, method: 'eth_getBalance', params: { address: '0x0' } },
      { jsonrpc: '2.0', id: 4 },
    ]);
    const codes = (invalid.body as Array<{ id: unknown; error: { code: number } }>).map((a) => [a.id, a.error.code]);
    assert.deepEqual(codes, [
      [null, -32600],
      [2, -32600],
      [3, -32602],
      [4, -32600],
    ]);

    assert.deepEqual((await rpc('ethereum', [])).body, {
      jsonrpc: '2.0',
      id: null,
      error: { code: -32600, message: 'Invalid request: an empty batch' },
    });
    const tooMany = await rpc(
      'ethereum',
      Array.from({ length: 101 }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'eth_chainId' })),
    );
    assert.equal((tooMany.body as { error: { code: number } }).error.code, -32005);

    const badParams = await rpc('ethereum', {
      jsonrpc: '2.0',
      id: 5,
      method: 'eth_getBalance',
      params: ['0xnot-an-address', 'latest'],
    });
    assert.equal((badParams.body as { error: { code: number } }).error.code, -32602);

    // Notifications (no id) are carried out but not answered.
    const notification = await rpc('ethereum', { jsonrpc: '2.0', method: 'eth_chainId' });
    assert.equal(notification.status, 204);
    const mixed = await rpc('polygon', [
      { jsonrpc: '2.0', method: 'eth_chainId' },
      { jsonrpc: '2.0', id: 7, method: 'eth_chainId' },
    ]);
    assert.deepEqual(mixed.body, [{ jsonrpc: '2.0', id: 7, result: '0x7a6a' }]);
  });

  it('bounds the body size with a 413, not a 5xx', async () => {
    const huge = {
      jsonrpc: '2.0',
      id: 1,
      method: 'eth_call',
      params: [{ data: `0x${'00'.repeat(600 * 1024)}` }, 'latest'],
    };
    const res = await rpc('ethereum', huge);
    assert.equal(res.status, 413);
    assert.equal((res.body as { code: string }).code, 'PAYLOAD_TOO_LARGE');
  });

  it('returns revert data for a failing eth_call, and mines a reverting transaction as failed', async () => {
    const poor = privateKeyToAccount(generatePrivateKey());
    await chains.fund('ETHEREUM', poor.address, { wei: parseEther('1') });
    const usdc = chains.usdcAddress('ETHEREUM');
    await assert.rejects(
      ethereum.simulateContract({
        account: poor,
        address: usdc,
        abi: erc20Abi,
        functionName: 'transfer',
        args: [poor.address, 1n],
      }),
      /ERC20: transfer amount exceeds balance/,
    );
    const wallet = createWalletClient({
      account: poor,
      chain: chains.chain('ETHEREUM'),
      transport: http(rpcUrl('ethereum'), { retryCount: 0 }),
    });
    const hash = await wallet.writeContract({
      address: usdc,
      abi: erc20Abi,
      functionName: 'transfer',
      args: [poor.address, 1n],
      gas: 100_000n,
    });
    assert.equal((await ethereum.getTransactionReceipt({ hash })).status, 'reverted');
  });

  it('lets a browser page call it (CORS)', async () => {
    const preflight = await fetch(rpcUrl('ethereum'), {
      method: 'OPTIONS',
      headers: { origin: 'https://wallet.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
    const res = await rpc(
      'ethereum',
      { jsonrpc: '2.0', id: 1, method: 'eth_blockNumber' },
      { 'content-type': 'application/json', origin: 'https://wallet.example' },
    );
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
  });

  it('lists the endpoints in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/v1/api-docs' })).json() as {
      paths: Record<string, { post?: { summary?: string } }>;
    };
    assert.match(doc.paths['/sandbox/rpc/ethereum']?.post?.summary ?? '', /chain id 31337/);
    assert.match(doc.paths['/sandbox/rpc/polygon']?.post?.summary ?? '', /chain id 31338/);
  });
});
