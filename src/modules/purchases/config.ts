// Product settings exposed at GET /v1/config: fees, minimums and purchase limits (ONRAMP_FEE_*, ONRAMP_MINIMUM_*,
// ONRAMP_LIMIT_*).
import type { EnvReader } from '../../config.ts';
import type { UsdCents } from '../../lib/money.ts';

/** What a partner's front end needs to present purchases; exposed at GET /v1/config. */
export interface ProductConfig {
  termsOfUseUrl: string;
  /** Ratio fee in basis points of the fiat amount. */
  feeBps: { INSTANT: number; STANDARD: number };
  /** Smallest purchase per network, in USD cents. */
  minimumCents: { ETHEREUM: UsdCents; POLYGON: UsdCents };
  limits: {
    /** INSTANT purchases per rolling 24 hours, USD cents. */
    instantDailyCents: UsdCents;
    /** All purchases per rolling 24 hours, USD cents. */
    dailyCents: UsdCents;
    /** All purchases per rolling 7 days, USD cents. */
    weeklyCents: UsdCents;
    /** Purchases per rolling 24 hours. */
    transactionsPerDay: number;
  };
}

export function readProductConfig(r: EnvReader): ProductConfig {
  const limits = {
    instantDailyCents: r.usdCents(
      'ONRAMP_LIMIT_INSTANT_DAILY_USD',
      '3000',
      'INSTANT purchases per user per rolling 24 hours (at most ONRAMP_LIMIT_DAILY_USD)',
    ),
    dailyCents: r.usdCents('ONRAMP_LIMIT_DAILY_USD', '5000', 'all purchases per user per rolling 24 hours'),
    weeklyCents: r.usdCents('ONRAMP_LIMIT_WEEKLY_USD', '15000', 'all purchases per user per rolling 7 days'),
    transactionsPerDay: r.int(
      'ONRAMP_LIMIT_TRANSACTIONS_PER_DAY',
      4,
      1,
      1000,
      'purchases per user per rolling 24 hours',
    ),
  };
  if (limits.instantDailyCents > limits.dailyCents)
    r.problems.push('ONRAMP_LIMIT_INSTANT_DAILY_USD: must not exceed ONRAMP_LIMIT_DAILY_USD');
  if (limits.dailyCents > limits.weeklyCents)
    r.problems.push('ONRAMP_LIMIT_DAILY_USD: must not exceed ONRAMP_LIMIT_WEEKLY_USD');
  return {
    termsOfUseUrl: r.url(
      'ONRAMP_TERMS_OF_USE_URL',
      'https://ratio.me/legal/ratio-labs-usa-inc-terms-of-service',
      ['https:', 'http:'],
      {
        doc: 'the terms users accept when they create an account (GET /v1/config)',
        example: 'https://example.com/terms',
      },
    )!,
    feeBps: {
      INSTANT: r.int(
        'ONRAMP_FEE_INSTANT_BPS',
        300,
        0,
        5000,
        'the fee on INSTANT purchases, basis points of the amount',
      ),
      STANDARD: r.int(
        'ONRAMP_FEE_STANDARD_BPS',
        0,
        0,
        5000,
        'the fee on STANDARD purchases, basis points of the amount',
      ),
    },
    minimumCents: {
      ETHEREUM: r.usdCents('ONRAMP_MINIMUM_ETHEREUM_USD', '20', 'the smallest purchase delivered on Ethereum'),
      POLYGON: r.usdCents('ONRAMP_MINIMUM_POLYGON_USD', '1', 'the smallest purchase delivered on Polygon'),
    },
    limits,
  };
}
