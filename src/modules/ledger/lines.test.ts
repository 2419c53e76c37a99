// The ledger's line validation directly (validateLines): what a journal may contain, how lines merge,
// and the fixed (account, currency) order that keeps two journals from deadlocking on balance rows.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type JournalLine, LedgerError, validateLines } from './index.ts';

const usd = (account: string, amountMinor: bigint): JournalLine => ({ account, currency: 'USD', amountMinor });

function refused(lines: JournalLine[], reason: LedgerError['reason'], message: RegExp): void {
  assert.throws(
    () => validateLines(lines),
    (error: unknown) => error instanceof LedgerError && error.reason === reason && message.test(error.message),
  );
}

describe('ledger lines (validateLines)', () => {
  it('accepts a balanced journal and returns its lines merged, in account then currency order', () => {
    const lines = validateLines([
      usd('user:b:orders', -500n),
      usd('user:a:ach_receivable', 300n),
      usd('user:a:ach_receivable', 200n),
      { account: 'platform:hot_wallet:ETHEREUM:ETH', currency: 'ETH', amountMinor: -7n },
      { account: 'platform:crypto_sales', currency: 'ETH', amountMinor: 7n },
    ]);
    assert.deepEqual(lines, [
      { account: 'platform:crypto_sales', currency: 'ETH', amountMinor: 7n },
      { account: 'platform:hot_wallet:ETHEREUM:ETH', currency: 'ETH', amountMinor: -7n },
      usd('user:a:ach_receivable', 500n),
      usd('user:b:orders', -500n),
    ]);
  });

  it('orders the same lines the same way whatever order they come in', () => {
    const lines = [usd('c', 1n), usd('a', 2n), usd('b', -3n)];
    const orders = [lines, [...lines].reverse(), [lines[1]!, lines[2]!, lines[0]!]];
    const results = orders.map((l) => validateLines(l).map((x) => x.account));
    for (const r of results) assert.deepEqual(r, ['a', 'b', 'c']);
  });

  it('refuses a journal that does not balance, per currency', () => {
    refused([usd('a', 5n), usd('b', -4n)], 'UNBALANCED', /does not balance in USD: debits minus credits = 1/);
    refused(
      [usd('a', 5n), { account: 'b', currency: 'ETH', amountMinor: -5n }],
      'UNBALANCED',
      /does not balance in (USD|ETH)/,
    );
  });

  it('refuses fewer than two lines, and lines that cancel out to nothing', () => {
    refused([], 'INVALID_LINES', /at least two lines/);
    refused([usd('a', 0n)], 'INVALID_LINES', /at least two lines/);
    refused([usd('a', 5n), usd('a', -5n)], 'INVALID_LINES', /between at least two accounts/);
  });

  it('refuses zero or non-bigint amounts, bad account names and bad currencies', () => {
    refused([usd('a', 0n), usd('b', 0n)], 'INVALID_LINES', /amountMinor of a must be a non-zero bigint/);
    refused(
      [{ account: 'a', currency: 'USD', amountMinor: 5 as unknown as bigint }, usd('b', -5n)],
      'INVALID_LINES',
      /non-zero bigint/,
    );
    for (const account of ['', 'has space', 'ünicode', 'x'.repeat(201), 'semi;colon', 'new\nline'])
      refused([usd(account, 5n), usd('b', -5n)], 'INVALID_LINES', /invalid account name/);
    for (const currency of ['', 'usd', 'U-S', 'X'.repeat(33)])
      refused(
        [
          { account: 'a', currency, amountMinor: 5n },
          { account: 'b', currency, amountMinor: -5n },
        ],
        'INVALID_LINES',
        /invalid currency/,
      );
  });

  it('keeps amounts past 2^63 exact (wei)', () => {
    const big = 10n ** 30n + 1n;
    const lines = validateLines([
      { account: 'a', currency: 'ETH', amountMinor: big },
      { account: 'b', currency: 'ETH', amountMinor: -big },
    ]);
    assert.equal(lines[0]!.amountMinor, big);
  });
});
