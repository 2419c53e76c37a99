// Money is bigint minor units everywhere inside onramp; decimal strings only at the edges.
// Parsing is strict: digits with an optional fraction of at most `decimals` places — no signs,
// exponents, separators or whitespace.
//
// The minor units carry their unit in the type: `UsdCents` for dollars, `Minor<'ETH'>` (`Wei`),
// `Minor<'USDC'>` (`UsdcMicro`) and `Minor<'POL'>` for the tokens of lib/assets.ts, and `Minor` for
// an amount of whichever token a row names. A brand is a bigint subtype, so comparisons and arithmetic work as
// on bigint; the result of arithmetic is plain bigint and is branded again with its constructor
// (`usdCents(a + b)`), which is where a mixed-unit sum would show. The brands exist only in types.
import { ASSETS, type CryptoCurrency, type Token } from './assets.ts';

declare const unit: unique symbol;
type Branded<U extends string> = bigint & { readonly [unit]: U };

/** US dollars in cents. */
export type UsdCents = Branded<'USD cents'>;
/** A token's smallest unit (wei for ETH and POL, micro-USDC); `Minor` alone is an amount of any token. */
export type Minor<T extends Token = Token> = Branded<`${T} minor units`>;
export type Wei = Minor<'ETH'>;
export type UsdcMicro = Minor<'USDC'>;

export function usdCents(n: bigint): UsdCents {
  return n as UsdCents;
}

/** An amount in the smallest unit of token `T` (`minor(n)` alone: of the token its row names). */
export function minor<T extends Token = Token>(n: bigint): Minor<T> {
  return n as Minor<T>;
}

export function wei(n: bigint): Wei {
  return n as Wei;
}

export function usdcMicro(n: bigint): UsdcMicro {
  return n as UsdcMicro;
}

export function parseDecimal(value: string, decimals: number): bigint | undefined {
  const match = /^(\d{1,30})(?:\.(\d+))?$/.exec(value);
  if (!match) return undefined;
  const fraction = match[2] ?? '';
  if (fraction.length > decimals) return undefined;
  return BigInt(match[1]!) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, '0') || '0');
}

/** `minor` as a decimal string with exactly `decimals` places (`decimals` 0 gives an integer). */
export function formatDecimal(minor: bigint, decimals: number, opts: { trimZeros?: boolean } = {}): string {
  const negative = minor < 0n;
  const abs = negative ? -minor : minor;
  const base = 10n ** BigInt(decimals);
  const whole = (abs / base).toString();
  let fraction = decimals > 0 ? (abs % base).toString().padStart(decimals, '0') : '';
  if (opts.trimZeros) fraction = fraction.replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

export const USD_DECIMALS = 2;

export function parseUsdCents(value: string): UsdCents | undefined {
  const cents = parseDecimal(value, USD_DECIMALS);
  return cents === undefined ? undefined : usdCents(cents);
}

export function formatUsd(cents: UsdCents): string {
  return formatDecimal(cents, USD_DECIMALS);
}

/** An amount of `currency` ("0.0495618") in its minor units, with at most the asset's decimals. */
export function parseCryptoAmount(value: string, currency: CryptoCurrency): Minor | undefined {
  const amount = parseDecimal(value, ASSETS[currency].decimals);
  return amount === undefined ? undefined : minor(amount);
}

/** A crypto amount in minor units as a decimal string without trailing zeros ("0.0495618", "25"). */
export function formatCryptoAmount(amount: Minor, currency: CryptoCurrency): string {
  return formatDecimal(amount, ASSETS[currency].decimals, { trimZeros: true });
}

/** Rounds a rational amount num/den to an integer, half away from zero. */
export function divRound(num: bigint, den: bigint): bigint {
  if (den === 0n) throw new Error('division by zero');
  const negative = num < 0n !== den < 0n;
  const n = num < 0n ? -num : num;
  const d = den < 0n ? -den : den;
  const q = (n + d / 2n) / d;
  return negative ? -q : q;
}

/** Rounds num/den down (toward zero for non-negative values). */
export function divFloor(num: bigint, den: bigint): bigint {
  if (den === 0n) throw new Error('division by zero');
  return num / den;
}

/** Rounds num/den up, for non-negative values. */
export function divCeil(num: bigint, den: bigint): bigint {
  if (den === 0n) throw new Error('division by zero');
  return (num + den - 1n) / den;
}
