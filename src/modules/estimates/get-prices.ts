// GET /v1/crypto/prices: the price of each currency and, optionally, the network fee of delivering it.
import type { AppContext } from '../../context.ts';
import { AppError } from '../../errors/app-error.ts';
import { divCeil, formatCryptoAmount, formatUsd, minor, type UsdCents } from '../../lib/money.ts';
import { PriceUnavailableError, type PriceSnapshot } from '../../providers/prices/index.ts';
import { ASSETS, CRYPTO_CURRENCIES, type CryptoCurrency } from '../../lib/assets.ts';
import { networkFee } from './network-fee.ts';

export interface GetPricesInput {
  cryptoCurrencies?: string;
  fiatCurrency?: string;
  includeNetworkFees?: 'true' | 'false';
}

export function priceOf(prices: PriceSnapshot, currency: CryptoCurrency): UsdCents {
  return prices.cents[ASSETS[currency].symbol === 'ETH' ? 'ETH' : 'USDC'];
}

function parseCurrencies(text: string | undefined): CryptoCurrency[] {
  if (text === undefined) return [...CRYPTO_CURRENCIES];
  const wanted = text.split(',').map((s) => s.trim());
  for (const value of wanted) {
    if (!(CRYPTO_CURRENCIES as readonly string[]).includes(value)) {
      throw new AppError('INVALID_CRYPTO_CURRENCY', {
        message: `\`cryptoCurrencies\` must be a comma-separated list of ${CRYPTO_CURRENCIES.join(', ')} (got "${value.slice(0, 40)}")`,
        data: { field: 'cryptoCurrencies', rule: 'enum', value: value.slice(0, 40) },
      });
    }
  }
  return [...new Set(wanted as CryptoCurrency[])];
}

export async function getPrices(ctx: AppContext, input: GetPricesInput) {
  const currencies = parseCurrencies(input.cryptoCurrencies);
  if (input.fiatCurrency !== undefined && input.fiatCurrency !== 'USD') {
    throw new AppError('INVALID_FIAT_CURRENCY', {
      message: '`fiatCurrency` must be USD',
      data: { field: 'fiatCurrency', rule: 'enum' },
    });
  }
  let prices: PriceSnapshot;
  try {
    prices = await ctx.prices.getPrices();
  } catch (error) {
    if (error instanceof PriceUnavailableError)
      throw new AppError('SERVICE_UNAVAILABLE', {
        message: 'Prices are temporarily unavailable; retry later',
        data: { reason: 'PRICES_UNAVAILABLE' },
      });
    throw error;
  }
  const networkFees =
    input.includeNetworkFees === 'false'
      ? []
      : await Promise.all(
          currencies.map(async (currency) => {
            const fee = await networkFee(ctx.chains, prices, currency);
            const { decimals } = ASSETS[currency];
            // In the purchased currency: gas-token wei for ETH, the USD fee at the USDC price for USDC.
            const cryptoFeeMinor =
              currency === 'ETH'
                ? fee.feeWei
                : minor(divCeil(fee.feeCents * 10n ** BigInt(decimals), priceOf(prices, currency)));
            return {
              cryptoCurrency: currency,
              cryptoFee: formatCryptoAmount(cryptoFeeMinor, currency),
              fiatCurrency: 'USD' as const,
              fiatFee: formatUsd(fee.feeCents),
            };
          }),
        );
  return {
    prices: currencies.map((currency) => ({
      cryptoCurrency: currency,
      fiatCurrency: 'USD' as const,
      price: formatUsd(priceOf(prices, currency)),
    })),
    networkFees,
    priceTime: prices.at.toISOString(),
    priceSource: prices.source,
  };
}
