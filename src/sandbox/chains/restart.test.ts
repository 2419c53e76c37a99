// The sandbox chains survive a restart: a new app on the same database rebuilds them by replaying the
// recorded transactions, so balances, transaction hashes, blocks and contract addresses are the same.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { Writable } from 'node:stream';
import { createWalletClient, erc20Abi, http, parseEther, type Address, type Hash } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { buildApp, type BuiltApp } from '../../app.ts';
import type { Network } from '../../chains/networks.ts';
import type { DbHandle } from '../../db/index.ts';
import { ManualClock } from '../../lib/clock.ts';
import { openTestDatabase, testConfig, testSecrets } from '../../../test/helpers.ts';
import { recordTransaction } from './repository.ts';
import { sandboxChainsOf } from './smart-wallets.ts';

describe('sandbox chains across a restart', () => {
  const config = testConfig();
  const clock = new ManualClock('2026-03-02T15:00:00Z');
  let db: DbHandle;
  const lines: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString('utf8'));
      cb();
    },
  });

  const open = async (opts: { listen?: boolean } = {}): Promise<BuiltApp> => {
    const built = await buildApp({
      config,
      dbHandle: db,
      migrate: false,
      secrets: testSecrets(config),
      clock,
      workers: false,
      logStream,
      startChains: true,
    });
    if (opts.listen) await built.app.listen({ host: '127.0.0.1', port: 0 });
    else await built.app.ready();
    return built;
  };

  before(async () => {
    db = await openTestDatabase();
  });
  after(async () => {
    await db.close();
    fs.rmSync(config.stateDir, { recursive: true, force: true });
  });

  it('rebuilds the same balances, transaction hashes, blocks and addresses', async () => {
    const user = privateKeyToAccount(generatePrivateKey());
    const recipient = privateKeyToAccount(generatePrivateKey()).address;
    const hashes: Hash[] = [];

    const first = await open({ listen: true });
    const chains = sandboxChainsOf(first.ctx);
    const hot = chains.hotWallet('ETHEREUM');
    hashes.push(await hot.client.sendTransaction({ to: user.address, value: parseEther('2') }));
    clock.advance(3 * 24 * 3600 * 1000);
    hashes.push(
      await chains.hotWallet('POLYGON').client.writeContract({
        address: chains.usdcAddress('POLYGON'),
        abi: erc20Abi,
        functionName: 'transfer',
        args: [user.address, 42_000_000n],
      }),
    );
    // A partner's own transaction through the public RPC is kept too.
    const port = (first.app.server.address() as { port: number }).port;
    const partner = createWalletClient({
      account: user,
      chain: chains.chain('ETHEREUM'),
      transport: http(`http://127.0.0.1:${port}/sandbox/rpc/ethereum`, { retryCount: 0 }),
    });
    hashes.push(await partner.sendTransaction({ to: recipient, value: parseEther('0.5') }));

    const snapshot = async (c: ReturnType<typeof sandboxChainsOf>) => {
      const out: Record<string, unknown> = {
        usdc: c.usdcAddress('ETHEREUM'),
        factory: c.contracts.smartWalletFactory,
        hot: c.hotWallet('ETHEREUM').address,
      };
      for (const network of ['ETHEREUM', 'POLYGON'] as Network[]) {
        const client = c.publicClient(network);
        const balances = async (address: Address) => [
          await client.getBalance({ address }),
          await client.readContract({
            address: c.usdcAddress(network),
            abi: erc20Abi,
            functionName: 'balanceOf',
            args: [address],
          }),
        ];
        const latest = await client.getBlock();
        out[network] = {
          user: await balances(user.address),
          recipient: await balances(recipient),
          hot: await balances(c.hotWallet(network).address),
          block: [latest.number, latest.hash, latest.timestamp],
        };
      }
      out.receipts = await Promise.all(
        hashes.map(async (hash, i) => {
          const receipt = await c.publicClient(i === 1 ? 'POLYGON' : 'ETHEREUM').getTransactionReceipt({ hash });
          return [receipt.status, receipt.blockNumber, receipt.blockHash];
        }),
      );
      return out;
    };
    const before = await snapshot(chains);
    await first.app.close();

    const second = await open();
    const again = sandboxChainsOf(second.ctx);
    assert.deepEqual(await snapshot(again), before);
    const started = lines
      .map(
        (l) =>
          JSON.parse(l) as { msg: string; chains?: Array<{ replayed: number; failed: number; bootstrapped: number }> },
      )
      .filter((r) => r.msg === 'sandbox chains started');
    assert.equal(started.length, 2);
    // Second start: everything replayed (4 bootstrap transactions + ours), nothing bootstrapped again.
    assert.deepEqual(
      started[1]!.chains!.map((c) => [c.replayed, c.failed, c.bootstrapped]),
      [
        [6, 0, 0],
        [5, 0, 0],
      ],
    );
    // The block timestamps follow the sandbox clock, and survive the replay.
    const polygonReceipt = await again.publicClient('POLYGON').getTransactionReceipt({ hash: hashes[1]! });
    const block = await again.publicClient('POLYGON').getBlock({ blockNumber: polygonReceipt.blockNumber });
    assert.equal(block.timestamp, BigInt(Date.parse('2026-03-05T15:00:00Z') / 1000));

    // And the chain goes on from there: nonces continue.
    const next = await again.hotWallet('ETHEREUM').client.sendTransaction({ to: recipient, value: 1n });
    assert.equal((await again.publicClient('ETHEREUM').getTransactionReceipt({ hash: next })).status, 'success');
    await second.app.close();
  });

  it('skips, and logs, a recorded transaction that no longer replays', async () => {
    const built = await open();
    const chains = sandboxChainsOf(built.ctx);
    // A transaction signed with a nonce the sender has already used cannot be mined again.
    const stale = await chains.hotWallet('ETHEREUM').account.signTransaction({
      chainId: 31337,
      to: chains.accounts.faucet.address,
      value: 1n,
      nonce: 0,
      gas: 21_000n,
      maxFeePerGas: 10n ** 10n,
      maxPriorityFeePerGas: 1n,
    });
    const last = await built.ctx.db
      .selectFrom('sandbox_chain_transactions')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .where('network', '=', 'ETHEREUM')
      .executeTakeFirstOrThrow();
    await recordTransaction(built.ctx.db, {
      network: 'ETHEREUM',
      seq: BigInt(last.seq) + 1n,
      txHash: `0x${'ab'.repeat(32)}`,
      rawTx: stale,
      blockTimestamp: 1_800_000_000,
      source: 'SERVER',
    });
    const balance = await chains.publicClient('ETHEREUM').getBalance({ address: chains.hotWallet('ETHEREUM').address });
    await built.app.close();

    lines.length = 0;
    const reopened = await open();
    const records = lines.map(
      (l) => JSON.parse(l) as { msg: string; txHash?: string; chains?: Array<{ network: string; failed: number }> },
    );
    assert.ok(
      records.some(
        (r) => r.msg === 'sandbox chain: a recorded transaction did not replay' && r.txHash === `0x${'ab'.repeat(32)}`,
      ),
    );
    assert.deepEqual(
      records.find((r) => r.msg === 'sandbox chains started')?.chains?.map((c) => [c.network, c.failed]),
      [
        ['ETHEREUM', 1],
        ['POLYGON', 0],
      ],
    );
    const again = sandboxChainsOf(reopened.ctx);
    assert.equal(
      await again.publicClient('ETHEREUM').getBalance({ address: again.hotWallet('ETHEREUM').address }),
      balance,
    );
    await reopened.app.close();
  });
});
