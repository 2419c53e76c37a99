// What happens when a payout cannot go out: an underfunded hot wallet (bounded retries, then
// FAILED_RETRYABLE with the reason, retried by an operator once funded), the hot wallet used outside
// onramp (the sender halts rather than guess), and a nonce gap (reported, filled by an operator).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { parseEther } from 'viem';
import { startTestApp, type TestApp } from '../../../test/helpers.ts';
import { runCommand } from '../../operator/run.ts';
import { sandboxChainsOf } from '../../sandbox/chains/smart-wallets.ts';
import type { PayoutRequest } from './index.ts';
import { getSender } from './repository.ts';
import { ethBalance, newAddress, usdcBalance, waitForStatus } from './test-support.ts';

describe('payout recovery', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({
      workers: true,
      env: { ONRAMP_DELIVERY_MAX_ATTEMPTS: '2', ONRAMP_DELIVERY_RETRY_DELAY_SECONDS: '1' },
    });
  });
  after(() => t.close());

  const request = (input: PayoutRequest) => t.ctx.db.transaction().execute((trx) => t.ctx.payouts.request(trx, input));
  const cli = async (...argv: string[]) => {
    const outcome = await runCommand(t.ctx, argv);
    assert.equal(outcome.exitCode, 0, outcome.error);
    return outcome.output as Record<string, unknown>;
  };

  it('keeps an unaffordable payout unsigned, gives up after the bounded attempts with the reason, and sends it once an operator retries after funding', async () => {
    const network = 'POLYGON';
    const hot = t.ctx.chains.hotWallet(network).address;
    const held = await usdcBalance(t, network, hot);
    const to = newAddress();
    const id = randomUUID();
    const amount = held + 5_000_000n;
    await request({ id, network, asset: 'USDC', toAddress: to, amountMinor: amount });
    // Others are not held up by it.
    const small = randomUUID();
    await request({ id: small, network, asset: 'USDC', toAddress: newAddress(), amountMinor: 1_000_000n });
    await waitForStatus(t, small, ['CONFIRMED']);

    const failed = await waitForStatus(t, id, ['FAILED_RETRYABLE']);
    assert.equal(failed.attempts, 2);
    assert.equal(failed.failure_code, 'INSUFFICIENT_HOT_WALLET_FUNDS');
    assert.match(
      failed.last_error!,
      new RegExp(`hot wallet ${hot} holds [0-9.]+ USDC on POLYGON; this payout needs [0-9.]+ USDC`),
    );
    assert.equal(failed.tx_hash, null, 'nothing was signed');
    const logged = t.logs
      .records()
      .find(
        (r) =>
          r.payoutId === id &&
          r.msg === 'payout needs an operator: retry it with `onramp payouts retry` once the cause is fixed',
      );
    assert.ok(logged, 'an error log names the payout');

    const listed = await cli('payouts', 'list', '--status', 'FAILED_RETRYABLE');
    const shown = (listed.payouts as Array<Record<string, unknown>>).find((d) => d.id === id);
    assert.equal(shown?.failureCode, 'INSUFFICIENT_HOT_WALLET_FUNDS');
    assert.match(String(shown?.lastError), /this payout needs/);

    // Retrying before funding fails the same bounded way; after funding it goes out once.
    await sandboxChainsOf(t.ctx).fund(network, hot, { usdcUnits: 10_000_000n });
    const retried = await cli('payouts', 'retry', id);
    assert.equal(retried.status, 'PENDING');
    const done = await waitForStatus(t, id, ['CONFIRMED']);
    assert.ok(done.tx_hash);
    assert.equal(await usdcBalance(t, network, to), amount);
    const again = await runCommand(t.ctx, ['payouts', 'retry', id]);
    assert.equal(again.exitCode, 1);
    assert.match(again.error!, /is CONFIRMED; only FAILED_RETRYABLE/);
  });

  it('halts when the hot wallet was used outside onramp, and resumes after resync-nonce', async () => {
    const network = 'ETHEREUM';
    const hot = t.ctx.chains.hotWallet(network);
    const first = randomUUID();
    await request({ id: first, network, asset: 'ETH', toAddress: newAddress(), amountMinor: 1n });
    await waitForStatus(t, first, ['CONFIRMED']);
    // Someone sends from the hot wallet with its key, behind onramp's back.
    await hot.client.sendTransaction({ to: newAddress(), value: 1n });

    const to = newAddress();
    const id = randomUUID();
    await request({ id, network, asset: 'ETH', toAddress: to, amountMinor: parseEther('0.01') });
    await waitFor(async () => Boolean((await getSender(t.ctx.db, network, hot.address))?.halted_reason));
    const sender = await getSender(t.ctx.db, network, hot.address);
    assert.match(sender!.halted_reason!, /pending nonce \d+ is ahead of the next nonce onramp would assign/);
    assert.equal((await waitForStatus(t, id, ['PENDING'])).tx_hash, null);
    const listed = await cli('payouts', 'list', '--network', 'ETHEREUM');
    assert.match(
      String((listed.senders as Array<Record<string, unknown>>).find((s) => s.network === 'ETHEREUM')?.halted),
      /resync-nonce ETHEREUM/,
    );

    const resynced = await cli('payouts', 'resync-nonce', 'ethereum');
    assert.equal(BigInt(resynced.nextNonce as string), BigInt(resynced.previousNextNonce as string) + 1n);
    await waitForStatus(t, id, ['CONFIRMED']);
    assert.equal(await ethBalance(t, network, to), parseEther('0.01'));
  });

  it('reports a nonce gap and fills it on an operator command', async () => {
    const network = 'ETHEREUM';
    const hot = t.ctx.chains.hotWallet(network);
    // A gap: the database's next nonce is one past anything that exists (as after a lost row).
    await t.ctx.db
      .updateTable('hot_wallets')
      .set((eb) => ({ next_nonce: eb('next_nonce', '+', 1n) }))
      .where('network', '=', network)
      .execute();
    const to = newAddress();
    const id = randomUUID();
    await request({ id, network, asset: 'ETH', toAddress: to, amountMinor: 5n });
    await waitFor(async () => Boolean((await getSender(t.ctx.db, network, hot.address))?.halted_reason));
    assert.match(
      (await getSender(t.ctx.db, network, hot.address))!.halted_reason!,
      /nonce gap: no payout holds nonce\(s\) \d+/,
    );
    const filled = await cli('payouts', 'fill-gap', 'ETHEREUM');
    assert.equal((filled.filled as unknown[]).length, 1);
    await waitForStatus(t, id, ['CONFIRMED']);
    assert.equal(await ethBalance(t, network, to), 5n);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}
