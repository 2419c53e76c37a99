// The quote's arithmetic directly (no app, no prices): the fee, the crypto a fiat amount buys, and the
// bottom-up search for the least fiat amount, over a grid of prices, fee rates, network fees and
// minimums in every asset's units. The search must always find the least amount, within its bound.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvariantError } from '../../lib/invariant.ts';
import { cryptoMinorFor, feeCentsOf, leastFiatCentsFor, type QuoteTerms } from './quote.ts';

const ETH = 10n ** 18n;
const USDC = 10n ** 6n;

describe('quote arithmetic', () => {
  it('charges the fee rounded half away from zero: 3% of $500 is $15, of $0.17 is 1 cent', () => {
    const t: QuoteTerms = { unit: ETH, priceCents: 200_000n, feeBps: 300n, networkFeeCents: 7n };
    assert.equal(feeCentsOf(50_000n, t), 1_500n);
    assert.equal(feeCentsOf(17n, t), 1n);
    assert.equal(feeCentsOf(16n, t), 0n);
    assert.equal(feeCentsOf(50_000n, { ...t, feeBps: 0n }), 0n);
  });

  it('buys floor(spend × unit / price) and nothing when the fees eat the amount', () => {
    const t: QuoteTerms = { unit: ETH, priceCents: 200_000n, feeBps: 300n, networkFeeCents: 7n };
    // $25: fee 75, network fee 7, spend 2418 cents → 0.01209 ETH at $2,000.
    assert.equal(cryptoMinorFor(2_500n, t), 12_090_000_000_000_000n);
    assert.equal(cryptoMinorFor(7n, t), 0n);
    assert.equal(cryptoMinorFor(0n, t), 0n);
  });

  it('finds the least fiat amount for every minimum on a grid of terms, within its step bound', () => {
    let checked = 0;
    for (const [unit, prices] of [
      [ETH, [1n, 99n, 191_054n, 200_000n, 987_654_321n]],
      [USDC, [99n, 100n, 101n, 33n]],
    ] as const) {
      for (const priceCents of prices) {
        for (const feeBps of [0n, 1n, 150n, 300n, 333n, 9_999n]) {
          for (const networkFeeCents of [0n, 1n, 7n, 1_234n]) {
            const t: QuoteTerms = { unit, priceCents, feeBps, networkFeeCents };
            for (const minCrypto of [1n, 7n, unit / 1000n + 3n, unit, 37n * unit + 11n]) {
              const least = leastFiatCentsFor(minCrypto, t);
              assert.ok(cryptoMinorFor(least, t) >= minCrypto, `${least} cents buys the minimum`);
              assert.ok(least <= 1n || cryptoMinorFor(least - 1n, t) < minCrypto, `${least - 1n} cents does not`);
              checked++;
            }
          }
        }
      }
    }
    assert.equal(checked, 9 * 6 * 4 * 5);
  });

  it('fails loudly, never loops, on terms that cannot be quoted', () => {
    const t: QuoteTerms = { unit: ETH, priceCents: 0n, feeBps: 300n, networkFeeCents: 0n };
    assert.throws(() => leastFiatCentsFor(1n, t), InvariantError);
    assert.throws(() => leastFiatCentsFor(1n, { ...t, priceCents: 1n, feeBps: 10_000n }), InvariantError);
  });
});
