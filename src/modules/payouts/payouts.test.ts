// On-chain payout on the sandbox chains: what a purchase asks for arrives in the wallet (balances
// read through viem), nonces are assigned in order under concurrency, the same id never sends twice,
// and subscribers hear SUBMITTED then CONFIRMED with the transaction's hash.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { parseEther, type Hash } from 'viem';
import { startTestApp, type TestApp } from '../../../test/helpers.ts';
import { PayoutRequestError, type PayoutRequest, type PayoutUpdate } from './index.ts';
import { getPayout } from './repository.ts';
import { waitForStatus, ethBalance, usdcBalance, newAddress } from './test-support.ts';

describe('on-chain payout', () => {
  let t: TestApp;
  const updates: PayoutUpdate[] = [];

  before(async () => {
    t = await startTestApp({ workers: true });
    t.ctx.payouts.onUpdate(async (u) => {
      updates.push(u);
    });
  });
  after(() => t.close());

  const request = (input: PayoutRequest) => t.ctx.db.transaction().execute((trx) => t.ctx.payouts.request(trx, input));

  it('delivers ETH on ETHEREUM and tells subscribers SUBMITTED then CONFIRMED with the hash', async () => {
    const to = newAddress();
    const id = randomUUID();
    const requested = await request({
      id,
      network: 'ETHEREUM',
      asset: 'ETH',
      toAddress: to,
      amountMinor: parseEther('0.25'),
    });
    assert.deepEqual(requested, { id, status: 'PENDING', created: true });
    const row = await waitForStatus(t, id, ['CONFIRMED']);
    assert.equal(await ethBalance(t, 'ETHEREUM', to), parseEther('0.25'));
    const receipt = await t.ctx.chains.publicClient('ETHEREUM').getTransactionReceipt({ hash: row.tx_hash as Hash });
    assert.equal(receipt.status, 'success');
    assert.equal(receipt.from.toLowerCase(), t.ctx.chains.hotWallet('ETHEREUM').address.toLowerCase());
    assert.equal(receipt.to?.toLowerCase(), to.toLowerCase());
    assert.equal(row.block_number, receipt.blockNumber);
    await waitFor(() => updates.filter((u) => u.id === id).length === 2);
    assert.deepEqual(
      updates.filter((u) => u.id === id),
      [
        { id, status: 'SUBMITTED', transactionHash: row.tx_hash },
        { id, status: 'CONFIRMED', transactionHash: row.tx_hash },
      ],
    );
  });

  for (const network of ['ETHEREUM', 'POLYGON'] as const) {
    it(`delivers USDC on ${network} with an ERC-20 transfer`, async () => {
      const to = newAddress();
      const id = randomUUID();
      const hotBefore = await usdcBalance(t, network, t.ctx.chains.hotWallet(network).address);
      await request({ id, network, asset: 'USDC', toAddress: to, amountMinor: 123_450_000n });
      const row = await waitForStatus(t, id, ['CONFIRMED']);
      assert.equal(await usdcBalance(t, network, to), 123_450_000n);
      assert.equal(await usdcBalance(t, network, t.ctx.chains.hotWallet(network).address), hotBefore - 123_450_000n);
      const receipt = await t.ctx.chains.publicClient(network).getTransactionReceipt({ hash: row.tx_hash as Hash });
      assert.equal(receipt.to?.toLowerCase(), t.ctx.chains.usdcAddress(network).toLowerCase());
      assert.equal(receipt.logs.length, 1, 'one Transfer event');
    });
  }

  it('gives many concurrent payouts distinct, consecutive nonces, all confirmed', async () => {
    const client = t.ctx.chains.publicClient('POLYGON');
    const hot = t.ctx.chains.hotWallet('POLYGON').address;
    const nonceBefore = await client.getTransactionCount({ address: hot });
    const recipients = Array.from({ length: 30 }, () => newAddress());
    const ids = recipients.map(() => randomUUID());
    await Promise.all(
      ids.map((id, i) =>
        request({
          id,
          network: 'POLYGON',
          asset: 'USDC',
          toAddress: recipients[i]!,
          amountMinor: BigInt(1_000_000 + i),
        }),
      ),
    );
    const rows = await Promise.all(ids.map((id) => waitForStatus(t, id, ['CONFIRMED'], 240_000)));
    const nonces = rows.map((r) => Number(r.nonce)).sort((a, b) => a - b);
    assert.deepEqual(
      nonces,
      Array.from({ length: 30 }, (_, i) => nonceBefore + i),
    );
    assert.equal(await client.getTransactionCount({ address: hot }), nonceBefore + 30);
    for (const [i, to] of recipients.entries())
      assert.equal(await usdcBalance(t, 'POLYGON', to), BigInt(1_000_000 + i));
  });

  it('sends once for the same id, however often and however concurrently it is requested', async () => {
    const client = t.ctx.chains.publicClient('ETHEREUM');
    const hot = t.ctx.chains.hotWallet('ETHEREUM').address;
    const nonceBefore = await client.getTransactionCount({ address: hot });
    const to = newAddress();
    const input: PayoutRequest = {
      id: randomUUID(),
      network: 'ETHEREUM',
      asset: 'ETH',
      toAddress: to,
      amountMinor: 777n,
    };
    const results = await Promise.all(Array.from({ length: 5 }, () => request(input)));
    assert.equal(results.filter((r) => r.created).length, 1);
    await waitForStatus(t, input.id, ['CONFIRMED']);
    const again = await request({ ...input, toAddress: to.toLowerCase() });
    assert.deepEqual(again, { id: input.id, status: 'CONFIRMED', created: false });
    // Give a wrongly woken sender time to act, then count: one transfer.
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(await ethBalance(t, 'ETHEREUM', to), 777n);
    assert.equal(await client.getTransactionCount({ address: hot }), nonceBefore + 1);
  });

  it('refuses requests that could never be delivered, and the same id with other details', async () => {
    const to = newAddress();
    await assert.rejects(
      request({ id: randomUUID(), network: 'POLYGON', asset: 'ETH', toAddress: to, amountMinor: 1n }),
      PayoutRequestError,
    );
    await assert.rejects(
      request({ id: randomUUID(), network: 'ETHEREUM', asset: 'ETH', toAddress: '0x1234', amountMinor: 1n }),
      /toAddress/,
    );
    await assert.rejects(
      request({ id: randomUUID(), network: 'ETHEREUM', asset: 'ETH', toAddress: to, amountMinor: 0n }),
      /amountMinor/,
    );
    await assert.rejects(
      request({ id: 'not-a-uuid', network: 'ETHEREUM', asset: 'ETH', toAddress: to, amountMinor: 1n }),
      /UUID/,
    );
    const id = randomUUID();
    await request({ id, network: 'ETHEREUM', asset: 'USDC', toAddress: to, amountMinor: 5n });
    await assert.rejects(
      request({ id, network: 'ETHEREUM', asset: 'USDC', toAddress: to, amountMinor: 6n }),
      /already exists with other details/,
    );
    await waitForStatus(t, id, ['CONFIRMED']);
  });

  it('leaves nothing behind when the caller rolls back', async () => {
    const id = randomUUID();
    await assert.rejects(
      t.ctx.db.transaction().execute(async (trx) => {
        await t.ctx.payouts.request(trx, {
          id,
          network: 'ETHEREUM',
          asset: 'ETH',
          toAddress: newAddress(),
          amountMinor: 1n,
        });
        throw new Error('the purchase failed');
      }),
      /the purchase failed/,
    );
    assert.equal(await getPayout(t.ctx.db, id), undefined);
  });
});

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}
