// Quotes an ACH purchase: the price, the fee, the network fee and the crypto amount, either top-down
// (the user pays `fiatAmount`; fees come out of it) or bottom-up (the user wants at least
// `minCryptoAmount`; the fiat amount is the least that buys it after fees). Used by
// POST /v1/crypto/estimates:ach and by the purchase. All arithmetic is bigint minor units.
//
//   fiatAmount = fee + networkFee + spend        fee = round(fiatAmount × feeBps / 10⁴)
//   cryptoAmount = floor(spend × 10^decimals / price)   (never more crypto than was paid for)
//
// It reads prices and the chain's gas price (external calls): call it outside any DB transaction.
import type { AppContext } from '../../context.ts';
import { AppError } from '../../errors/app-error.ts';
import { invariant } from '../../lib/invariant.ts';
import {
  divCeil,
  divRound,
  formatCryptoAmount,
  formatUsd,
  type Minor,
  minor,
  parseCryptoAmount,
  parseUsdCents,
  type UsdCents,
  usdCents,
} from '../../lib/money.ts';
import { PriceUnavailableError, type PriceSnapshot } from '../../providers/prices/index.ts';
import type { Network } from '../../chains/networks.ts';
import { ASSETS, type CryptoCurrency } from '../../lib/assets.ts';
import { networkFee, type NetworkFee } from './network-fee.ts';

export type AchPaymentType = 'INSTANT' | 'STANDARD';
export type FundingMethod = 'ACH_ORIGINATED_INSTANT' | 'ACH_ORIGINATED_STANDARD';

export interface QuoteAchInput {
  currency: CryptoCurrency;
  paymentType: AchPaymentType;
  /** Top-down: the USD amount the user pays (at most 2 decimals). Exactly one of the two. */
  fiatAmount?: string;
  /** Bottom-up: the least crypto the user wants, in the asset's decimals. Exactly one of the two. */
  minCryptoAmount?: string;
}

export interface AchQuote {
  currency: CryptoCurrency;
  network: Network;
  paymentType: AchPaymentType;
  fundingMethod: FundingMethod;
  /** USD cents per whole unit of the asset. */
  priceCents: UsdCents;
  /** The price as the API shows it ("1910.54"). */
  price: string;
  /** What the user pays: fee + network fee + the part that buys crypto. */
  fiatAmountCents: UsdCents;
  /** The onramp (Ratio) fee. */
  feeCents: UsdCents;
  networkFeeCents: UsdCents;
  /** The total debited from the bank account: equal to fiatAmountCents (fees are inside it). */
  totalCents: UsdCents;
  /** fiatAmountCents − feeCents − networkFeeCents: the part converted to crypto. */
  spendCents: UsdCents;
  /** Crypto delivered, in the asset's smallest unit (wei, USDC micro-units). */
  cryptoAmountMinor: Minor;
  /** The same as a decimal string without trailing zeros ("0.04956182056"). */
  cryptoAmount: string;
  decimals: number;
  networkFee: NetworkFee;
  priceSource: string;
  /** When the price was observed. */
  priceAt: Date;
  quotedAt: Date;
}

export const FUNDING_METHOD: Record<AchPaymentType, FundingMethod> = {
  INSTANT: 'ACH_ORIGINATED_INSTANT',
  STANDARD: 'ACH_ORIGINATED_STANDARD',
};

/** No single purchase is larger than this, whatever the limits say: bounds every computation. */
export const MAX_FIAT_CENTS = usdCents(100_000_000_00n);
const AMOUNT_MAX_LENGTH = 64;

/** What turns cents into crypto: the asset's unit, its price, the fee rate and the network fee. */
export interface QuoteTerms {
  /** 10^decimals of the asset. */
  unit: bigint;
  /** USD cents per whole unit of the asset; positive. */
  priceCents: bigint;
  /** The onramp fee in basis points, 0 to 9,999. */
  feeBps: bigint;
  networkFeeCents: bigint;
}

/** The fee on a fiat amount: round(cents × feeBps / 10⁴), half away from zero. */
export function feeCentsOf(cents: bigint, t: QuoteTerms): UsdCents {
  return usdCents(divRound(cents * t.feeBps, 10_000n));
}

/** The crypto (minor units) a fiat amount buys after both fees, rounded down; 0 when the fees eat it. */
export function cryptoMinorFor(cents: bigint, t: QuoteTerms): Minor {
  const spend = cents - feeCentsOf(cents, t) - t.networkFeeCents;
  return minor(spend > 0n ? (spend * t.unit) / t.priceCents : 0n);
}

/**
 * The least fiat amount (cents) whose crypto after fees reaches `minCryptoMinor` (cryptoMinorFor is
 * non-decreasing in cents). The closed form, then a bounded walk of a few cents each way.
 */
export function leastFiatCentsFor(minCryptoMinor: bigint, t: QuoteTerms): UsdCents {
  invariant(t.priceCents > 0n && t.unit > 0n, 'quote terms need a positive price and unit');
  invariant(t.feeBps >= 0n && t.feeBps < 10_000n, () => `fee rate ${t.feeBps} bps is out of range`);
  const cost = divCeil(minCryptoMinor * t.priceCents, t.unit);
  let cents = divCeil((cost + t.networkFeeCents) * 10_000n, 10_000n - t.feeBps);
  // Rounding the fee moves the answer by at most half a cent of fee, which is 0.5 / (1 − rate) cents of
  // fiat amount: a step or two at realistic rates, more only as the rate nears 100%. That bounds the walk.
  const maxSteps = 4n + 10_000n / (10_000n - t.feeBps);
  let steps = 0n;
  while (cryptoMinorFor(cents, t) < minCryptoMinor) {
    cents += 1n;
    invariant(++steps <= maxSteps, 'the least-fiat search did not converge upwards');
  }
  while (cents > 1n && cryptoMinorFor(cents - 1n, t) >= minCryptoMinor) {
    cents -= 1n;
    invariant(++steps <= maxSteps, 'the least-fiat search did not converge downwards');
  }
  return usdCents(cents);
}

export async function quoteAch(
  ctx: Pick<AppContext, 'prices' | 'chains' | 'config' | 'clock'>,
  input: QuoteAchInput,
): Promise<AchQuote> {
  const asset = ASSETS[input.currency];
  if (!asset)
    throw new AppError('INVALID_CRYPTO_CURRENCY', {
      message: '`cryptoCurrency` must be one of ETH, USDC_ETHEREUM, USDC_POLYGON',
      data: { field: 'cryptoCurrency', rule: 'enum' },
    });
  const { fiatCents, minCryptoMinor } = requestedAmount(input);
  const hasFiat = fiatCents !== undefined;

  const prices = await readPrices(ctx);
  const priceCents = prices.cents[asset.symbol === 'ETH' ? 'ETH' : 'USDC'];
  const fee = await networkFee(ctx.chains, prices, input.currency);
  const terms: QuoteTerms = {
    unit: 10n ** BigInt(asset.decimals),
    priceCents,
    feeBps: BigInt(ctx.config.product.feeBps[input.paymentType]),
    networkFeeCents: fee.feeCents,
  };
  const feeOf = (cents: bigint) => feeCentsOf(cents, terms);
  const cryptoFor = (cents: bigint) => cryptoMinorFor(cents, terms);

  let fiatAmountCents: UsdCents;
  if (fiatCents !== undefined) {
    fiatAmountCents = fiatCents;
  } else {
    fiatAmountCents = leastFiatCentsFor(minCryptoMinor!, terms);
    if (fiatAmountCents > MAX_FIAT_CENTS) {
      throw new AppError('INVALID_CRYPTO_AMOUNT', {
        message: `\`minCryptoAmount\` would cost more than the largest purchase, ${formatUsd(MAX_FIAT_CENTS)} USD`,
        data: { field: 'minCryptoAmount', rule: 'maximum', maximumFiatAmount: formatUsd(MAX_FIAT_CENTS) },
      });
    }
  }

  assertNetworkMinimum(fiatAmountCents, ctx.config.product.minimumCents[asset.network], asset.network, hasFiat);
  const feeCents = feeOf(fiatAmountCents);
  const spendCents = usdCents(fiatAmountCents - feeCents - fee.feeCents);
  const cryptoAmountMinor = cryptoFor(fiatAmountCents);
  if (spendCents <= 0n || cryptoAmountMinor === 0n) {
    throw new AppError('INVALID_FIAT_AMOUNT', {
      message: `\`fiatAmount\` ${formatUsd(fiatAmountCents)} USD does not cover the fee (${formatUsd(feeCents)}) and network fee (${formatUsd(fee.feeCents)})`,
      data: {
        field: 'fiatAmount',
        rule: 'coversFees',
        ratioFee: formatUsd(feeCents),
        networkFee: formatUsd(fee.feeCents),
      },
    });
  }
  return {
    currency: input.currency,
    network: asset.network,
    paymentType: input.paymentType,
    fundingMethod: FUNDING_METHOD[input.paymentType],
    priceCents,
    price: formatUsd(priceCents),
    fiatAmountCents,
    feeCents,
    networkFeeCents: fee.feeCents,
    totalCents: fiatAmountCents,
    spendCents,
    cryptoAmountMinor,
    cryptoAmount: formatCryptoAmount(cryptoAmountMinor, input.currency),
    decimals: asset.decimals,
    networkFee: fee,
    priceSource: prices.source,
    priceAt: prices.at,
    quotedAt: ctx.clock.now(),
  };
}

/** The amount the request names, parsed: exactly one of `fiatAmount` (top-down) and `minCryptoAmount` (bottom-up). */
function requestedAmount(
  input: QuoteAchInput,
): { fiatCents: UsdCents; minCryptoMinor?: undefined } | { fiatCents?: undefined; minCryptoMinor: Minor } {
  const hasFiat = input.fiatAmount !== undefined;
  const hasCrypto = input.minCryptoAmount !== undefined;
  if (hasFiat === hasCrypto) {
    const message = hasFiat
      ? 'Send either `fiatAmount` or `minCryptoAmount`, not both'
      : 'One of `fiatAmount` (top-down) or `minCryptoAmount` (bottom-up) is required';
    throw new AppError(hasFiat ? 'INVALID_BODY' : 'MISSING_FIAT_AMOUNT', {
      message,
      data: { field: 'fiatAmount', rule: 'exactlyOneOf', fields: ['fiatAmount', 'minCryptoAmount'] },
    });
  }
  return hasFiat
    ? { fiatCents: parseFiat(input.fiatAmount!) }
    : { minCryptoMinor: parseCrypto(input.minCryptoAmount!, input.currency) };
}

/** The network's minimum purchase, reported against the field the request used. */
function assertNetworkMinimum(fiatAmountCents: UsdCents, minimum: UsdCents, network: Network, hasFiat: boolean): void {
  if (fiatAmountCents >= minimum) return;
  const field = hasFiat ? 'fiatAmount' : 'minCryptoAmount';
  throw new AppError(hasFiat ? 'INVALID_FIAT_AMOUNT' : 'INVALID_CRYPTO_AMOUNT', {
    message: hasFiat
      ? `\`fiatAmount\` must be at least ${formatUsd(minimum)} USD on ${network} (the network minimum)`
      : `\`minCryptoAmount\` costs ${formatUsd(fiatAmountCents)} USD, below the ${network} minimum purchase of ${formatUsd(minimum)} USD`,
    data: {
      field,
      rule: 'minimum',
      network,
      minimumFiatAmount: formatUsd(minimum),
      fiatAmount: formatUsd(fiatAmountCents),
    },
  });
}

function parseFiat(value: string): UsdCents {
  const cents = value.length <= AMOUNT_MAX_LENGTH ? parseUsdCents(value) : undefined;
  if (cents === undefined) {
    throw new AppError('INVALID_FIAT_AMOUNT', {
      message:
        '`fiatAmount` must be a decimal number of US dollars with at most 2 decimal places, such as "100" or "49.99" (no sign, exponent or separators)',
      data: { field: 'fiatAmount', rule: 'decimal', maxDecimals: 2 },
    });
  }
  if (cents > MAX_FIAT_CENTS) {
    throw new AppError('INVALID_FIAT_AMOUNT', {
      message: `\`fiatAmount\` must be at most ${formatUsd(MAX_FIAT_CENTS)} USD`,
      data: { field: 'fiatAmount', rule: 'maximum', maximum: formatUsd(MAX_FIAT_CENTS) },
    });
  }
  return cents;
}

function parseCrypto(value: string, currency: CryptoCurrency): Minor {
  const amount = value.length <= AMOUNT_MAX_LENGTH ? parseCryptoAmount(value, currency) : undefined;
  const { decimals } = ASSETS[currency];
  if (amount === undefined || amount === 0n) {
    throw new AppError('INVALID_CRYPTO_AMOUNT', {
      message: `\`minCryptoAmount\` must be a positive decimal number of ${currency} with at most ${decimals} decimal places (no sign, exponent or separators)`,
      data: { field: 'minCryptoAmount', rule: 'decimal', maxDecimals: decimals },
    });
  }
  return amount;
}

async function readPrices(ctx: Pick<AppContext, 'prices'>): Promise<PriceSnapshot> {
  try {
    return await ctx.prices.getPrices();
  } catch (error) {
    if (error instanceof PriceUnavailableError) {
      throw new AppError('SERVICE_UNAVAILABLE', {
        message: 'Prices are temporarily unavailable; retry later',
        data: { reason: 'PRICES_UNAVAILABLE' },
      });
    }
    throw error;
  }
}
