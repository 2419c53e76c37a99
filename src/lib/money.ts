// Money is bigint minor units everywhere inside onramp; decimal strings only at the edges.
// Parsing is strict: digits with an optional fraction of at most `decimals` places — no signs,
// exponents, separators or whitespace.

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

export function parseUsdCents(value: string): bigint | undefined {
  return parseDecimal(value, USD_DECIMALS);
}

export function formatUsd(cents: bigint): string {
  return formatDecimal(cents, USD_DECIMALS);
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
