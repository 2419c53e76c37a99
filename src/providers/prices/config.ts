// Price settings (ONRAMP_PRICE_*, ONRAMP_COINBASE_*, ONRAMP_SANDBOX_PRICE_*): where asset prices come from.
import type { EnvReader, Mode } from '../../config.ts';
import type { UsdCents } from '../../lib/money.ts';

export type PriceProviderName = 'sandbox' | 'coinbase';

/** Where asset prices come from (GET /v1/crypto/prices, estimates, purchases). */
export interface PricesConfig {
  provider: PriceProviderName;
  /** How long an external provider's answer is reused (the sandbox provider is never cached). */
  cacheMs: number;
  sandbox: {
    /** Base prices, USD cents per whole unit. */
    cents: { ETH: UsdCents; USDC: UsdCents; POL: UsdCents };
    /** Largest deviation of the seeded walk from the base prices, basis points; 0 keeps prices fixed. */
    walkBps: number;
    walkSeed: string;
    walkIntervalSeconds: number;
  };
  /** A public exchange ticker (Coinbase's `GET /v2/prices/{BASE}-USD/spot`). */
  coinbase: { baseUrl: string; timeoutMs: number; retries: number };
}

export function readPricesConfig(r: EnvReader, mode: Mode): PricesConfig {
  const provider = r.oneOf<PriceProviderName>(
    'ONRAMP_PRICE_PROVIDER',
    mode === 'sandbox' ? 'sandbox' : 'coinbase',
    ['sandbox', 'coinbase'],
    {
      doc: "where asset prices come from: `sandbox` (fixed prices, optionally a seeded walk; refused in production) or `coinbase` (Coinbase's public spot ticker, no key)",
      example: 'coinbase',
    },
  );
  if (mode === 'production' && provider === 'sandbox') {
    r.problems.push(
      'ONRAMP_PRICE_PROVIDER: sandbox is not allowed in production mode (its prices are made up); use coinbase',
    );
  }
  const baseUrl = r.url(
    'ONRAMP_COINBASE_BASE_URL',
    'https://api.coinbase.com',
    ['https:', 'http:'],
    "Coinbase's API, for the coinbase price provider; https:// in production",
  )!;
  if (mode === 'production' && provider === 'coinbase' && !baseUrl.startsWith('https://'))
    r.problems.push('ONRAMP_COINBASE_BASE_URL: must be an https:// URL in production mode');
  const price = (name: string, fallback: string, asset: string) => {
    const cents = r.usdCents(name, fallback, `sandbox price of one ${asset}`);
    if (cents === 0n) r.problems.push(`${name}: must be greater than 0`);
    return cents;
  };
  return {
    provider,
    cacheMs: r.int(
      'ONRAMP_PRICE_CACHE_MS',
      10_000,
      0,
      600_000,
      "how long an external provider's answer is reused (sandbox prices are never cached)",
    ),
    sandbox: {
      cents: {
        ETH: price('ONRAMP_SANDBOX_PRICE_ETH_USD', '2000', 'ETH'),
        USDC: price('ONRAMP_SANDBOX_PRICE_USDC_USD', '1', 'USDC'),
        POL: price('ONRAMP_SANDBOX_PRICE_POL_USD', '0.50', 'POL (prices Polygon gas)'),
      },
      walkBps: r.int(
        'ONRAMP_SANDBOX_PRICE_WALK_BPS',
        0,
        0,
        5000,
        'largest deviation of the seeded sandbox price walk from the base prices, basis points; 0 keeps prices fixed',
      ),
      walkSeed: r.string('ONRAMP_SANDBOX_PRICE_WALK_SEED', 'onramp', {
        maxLength: 100,
        doc: 'seed of the sandbox price walk (same seed and time, same price)',
      }),
      walkIntervalSeconds: r.int(
        'ONRAMP_SANDBOX_PRICE_WALK_INTERVAL_SECONDS',
        60,
        1,
        86_400,
        'length of one step of the sandbox price walk, in sandbox time',
      ),
    },
    coinbase: {
      baseUrl,
      timeoutMs: r.int('ONRAMP_PRICE_TIMEOUT_MS', 5_000, 100, 60_000, 'per request to the price provider'),
      retries: r.int(
        'ONRAMP_PRICE_RETRIES',
        2,
        0,
        5,
        'retries of a failed price request (network errors, 429, 5xx), with back-off',
      ),
    },
  };
}
