// lib/money.ts directly: strict decimal parsing, formatting, and the three roundings, over every
// rejected form and a deterministic sweep of values (a seeded generator, so a failure reproduces).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  divCeil,
  divFloor,
  divRound,
  formatCryptoAmount,
  formatDecimal,
  formatUsd,
  minor,
  parseCryptoAmount,
  parseDecimal,
  parseUsdCents,
  usdCents,
  usdcMicro,
  wei,
  type Minor,
  type UsdCents,
  type UsdcMicro,
  type Wei,
} from './money.ts';

/** xorshift64*: a small seeded generator of non-negative bigints below 2^63. */
function generator(seed: bigint): () => bigint {
  let x = seed;
  return () => {
    x ^= x >> 12n;
    x ^= (x << 25n) & 0xffffffffffffffffn;
    x ^= x >> 27n;
    return ((x * 0x2545f4914f6cdd1dn) & 0xffffffffffffffffn) >> 1n;
  };
}

describe('money: parsing and formatting decimal strings', () => {
  it('parses digits with an optional fraction of at most `decimals` places into minor units', () => {
    assert.equal(parseDecimal('0', 2), 0n);
    assert.equal(parseDecimal('25', 2), 2500n);
    assert.equal(parseDecimal('25.5', 2), 2550n);
    assert.equal(parseDecimal('25.05', 2), 2505n);
    assert.equal(parseDecimal('0.000001', 6), 1n);
    assert.equal(parseDecimal('1.000000000000000001', 18), 1_000_000_000_000_000_001n);
    assert.equal(parseDecimal('007.10', 2), 710n);
    assert.equal(parseDecimal('12', 0), 12n);
    assert.equal(parseUsdCents('123.45'), 12_345n);
  });

  it('refuses every other form: signs, exponents, separators, whitespace, empty parts, too many places', () => {
    const rejected = [
      '',
      ' ',
      '-1',
      '+1',
      '1e3',
      '1E3',
      '1,000',
      '1_000',
      ' 1',
      '1 ',
      '1.',
      '.5',
      '1..2',
      '1.2.3',
      '0x10',
      'Infinity',
      'NaN',
      '１',
      '1.234',
      '٣',
      '1.2\n',
      '9'.repeat(31),
    ];
    for (const value of rejected) assert.equal(parseDecimal(value, 2), undefined, JSON.stringify(value));
    assert.equal(parseDecimal('1.5', 0), undefined, 'no fraction when decimals is 0');
    assert.equal(parseDecimal('9'.repeat(30), 0), BigInt('9'.repeat(30)), '30 integer digits are the bound');
  });

  it('formats with exactly `decimals` places, or trimmed, and signs negatives', () => {
    assert.equal(formatDecimal(0n, 2), '0.00');
    assert.equal(formatDecimal(5n, 2), '0.05');
    assert.equal(formatDecimal(2550n, 2), '25.50');
    assert.equal(formatDecimal(2550n, 2, { trimZeros: true }), '25.5');
    assert.equal(formatDecimal(2500n, 2, { trimZeros: true }), '25');
    assert.equal(formatDecimal(-5n, 2), '-0.05');
    assert.equal(formatDecimal(12n, 0), '12');
    assert.equal(formatDecimal(12_090_000_000_000_000n, 18, { trimZeros: true }), '0.01209');
    assert.equal(formatUsd(usdCents(75n)), '0.75');
  });

  it('round-trips: format(parse(s)) keeps the value and parse(format(m)) gives m back', () => {
    const next = generator(0x9e3779b97f4a7c15n);
    for (const decimals of [0, 2, 6, 18]) {
      for (let i = 0; i < 2_000; i++) {
        const minor = next() % 10n ** BigInt(decimals + 12);
        const text = formatDecimal(minor, decimals);
        assert.equal(parseDecimal(text, decimals), minor, `${minor} at ${decimals} decimals → ${text}`);
        const trimmed = formatDecimal(minor, decimals, { trimZeros: true });
        assert.equal(parseDecimal(trimmed, decimals), minor, `${minor} trimmed → ${trimmed}`);
        assert.ok(!trimmed.includes('.') || !trimmed.endsWith('0'), `${trimmed} keeps no trailing zero`);
      }
    }
  });
});

describe('money: rounding a rational amount', () => {
  it('divRound rounds half away from zero, in every sign combination', () => {
    assert.equal(divRound(5n, 2n), 3n);
    assert.equal(divRound(4n, 2n), 2n);
    assert.equal(divRound(7n, 3n), 2n);
    assert.equal(divRound(8n, 3n), 3n);
    assert.equal(divRound(-5n, 2n), -3n);
    assert.equal(divRound(5n, -2n), -3n);
    assert.equal(divRound(-5n, -2n), 3n);
    assert.equal(divRound(0n, 7n), 0n);
    // 3% of $25.00 is 75 cents exactly; 3% of $0.17 is 0.51 cents → 1 cent.
    assert.equal(divRound(2500n * 300n, 10_000n), 75n);
    assert.equal(divRound(17n * 300n, 10_000n), 1n);
  });

  it('divFloor and divCeil bracket the exact quotient, one apart unless it divides', () => {
    const next = generator(42n);
    for (let i = 0; i < 5_000; i++) {
      const num = next() % 10n ** 24n;
      const den = (next() % 10n ** 12n) + 1n;
      const floor = divFloor(num, den);
      const ceil = divCeil(num, den);
      const round = divRound(num, den);
      assert.ok(floor * den <= num && num < (floor + 1n) * den, `floor ${num}/${den}`);
      assert.equal(ceil - floor, num % den === 0n ? 0n : 1n, `ceil ${num}/${den}`);
      assert.ok(round === floor || round === ceil, `round ${num}/${den} is one of them`);
      assert.equal(round, 2n * (num % den) >= den ? ceil : floor, `round ${num}/${den} picks the nearer`);
    }
  });

  it('refuses division by zero', () => {
    for (const f of [divRound, divFloor, divCeil]) assert.throws(() => f(1n, 0n), /division by zero/);
  });
});

describe('money: units in the type', () => {
  it('the constructors brand a bigint without changing it, and arithmetic gives plain bigint back', () => {
    const cents: UsdCents = usdCents(2_550n);
    const eth: Wei = wei(12_090_000_000_000_000n);
    const usdc: UsdcMicro = usdcMicro(25_000_000n);
    const any: Minor = minor(7n);
    for (const [branded, plain] of [
      [cents, 2_550n],
      [eth, 12_090_000_000_000_000n],
      [usdc, 25_000_000n],
      [any, 7n],
    ] as const) {
      assert.equal(typeof branded, 'bigint');
      assert.equal(branded, plain);
    }
    assert.equal(minor<'POL'>(1n), 1n);
    // A sum is plain bigint until branded again; the brands compare and add as bigints do.
    const sum: bigint = cents + usdCents(50n);
    assert.equal(formatUsd(usdCents(sum)), '26.00');
    assert.ok(cents > usdCents(2_549n));
  });

  it('keeps the units apart at compile time', () => {
    const cents = usdCents(1n);
    const eth = wei(1n);
    // Each line below is a compile error (checked by `npm run typecheck`); at run time they format.
    // @ts-expect-error plain bigint is not USD cents
    formatUsd(1n);
    // @ts-expect-error wei are not USD cents
    formatUsd(eth);
    // @ts-expect-error USD cents are not an amount of a token
    formatCryptoAmount(cents, 'ETH');
    // @ts-expect-error wei are not micro-USDC
    const usdc: UsdcMicro = eth;
    // Wei and micro-USDC are both a `Minor` (an amount of whichever token a row names).
    const amounts: Minor[] = [eth, usdcMicro(1n)];
    assert.equal(amounts.length + Number(usdc), 3);
  });

  it('parses and formats a crypto amount with its currency decimals, and refuses more', () => {
    assert.equal(parseCryptoAmount('1.000000000000000001', 'ETH'), 1_000_000_000_000_000_001n);
    assert.equal(parseCryptoAmount('0.000001', 'USDC_POLYGON'), 1n);
    assert.equal(parseCryptoAmount('0.0000001', 'USDC_ETHEREUM'), undefined, 'USDC has 6 decimals');
    assert.equal(parseCryptoAmount('-1', 'ETH'), undefined);
    assert.equal(formatCryptoAmount(wei(12_090_000_000_000_000n), 'ETH'), '0.01209');
    assert.equal(formatCryptoAmount(usdcMicro(25_000_000n), 'USDC_ETHEREUM'), '25');
    assert.equal(parseUsdCents('25.5'), usdCents(2_550n));
    const next = generator(7n);
    for (const currency of ['ETH', 'USDC_ETHEREUM', 'USDC_POLYGON'] as const) {
      for (let i = 0; i < 500; i++) {
        const amount = minor(next() % 10n ** 30n);
        assert.equal(
          parseCryptoAmount(formatCryptoAmount(amount, currency), currency),
          amount,
          `${amount} ${currency}`,
        );
      }
    }
  });
});
