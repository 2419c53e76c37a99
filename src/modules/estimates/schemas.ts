// Request and response shapes of GET /v1/crypto/prices and POST /v1/crypto/estimates:ach
// (types-glossary: EstimateAchRequest/Response, EstimateFiat, EstimateCrypto, Price, NetworkFee,
// GetCryptoPricesResponse).
import { Type } from '@sinclair/typebox';
import { named, Obj, StringEnum } from '../../lib/schema.ts';
import { CRYPTO_CURRENCIES } from '../config/routes.ts';

export const EstimateAchRequest = Obj({
  fiatAmount: Type.Optional(
    Type.String({
      maxLength: 64,
      description:
        'Top-down: the USD amount the user pays, fees included ("100", "49.99"). Exactly one of fiatAmount and minCryptoAmount.',
    }),
  ),
  minCryptoAmount: Type.Optional(
    Type.String({
      maxLength: 64,
      description:
        "Bottom-up: the least crypto the user receives, in the asset's decimals. Exactly one of fiatAmount and minCryptoAmount.",
    }),
  ),
  cryptoCurrency: StringEnum(CRYPTO_CURRENCIES, { description: 'The crypto currency to be purchased' }),
  type: StringEnum(['INSTANT', 'STANDARD'] as const, {
    description: 'INSTANT: crypto sent at once (fee 3%); STANDARD: sent when the debit settles (no fee)',
  }),
});

export const EstimateFiat = named(
  'EstimateFiat',
  Type.Object({
    currency: Type.Literal('USD'),
    direction: StringEnum(['CREDIT', 'DEBIT'] as const),
    amount: Type.String({ description: 'The total debited from the bank account, fees included' }),
    fundingMethod: StringEnum(['ACH_ORIGINATED_INSTANT', 'ACH_ORIGINATED_STANDARD'] as const),
  }),
);

export const EstimateCrypto = named(
  'EstimateCrypto',
  Type.Object({
    currency: StringEnum(CRYPTO_CURRENCIES),
    direction: StringEnum(['CREDIT', 'DEBIT'] as const),
    amount: Type.String({ description: "The crypto the user receives (rounded down to the asset's decimals)" }),
    price: Type.String({ description: 'USD per whole unit' }),
    ratioFee: Type.String({ description: 'The fee in USD (3% for INSTANT, 0 for STANDARD unless configured)' }),
    networkFee: Type.String({ description: 'The network (gas) fee in USD at the current gas price' }),
  }),
);

export const EstimateAchResponse = named(
  'EstimateAchResponse',
  Type.Object({
    fiat: Type.Ref(EstimateFiat),
    crypto: Type.Ref(EstimateCrypto),
  }),
);

export const PricesQuery = Obj({
  cryptoCurrencies: Type.Optional(
    Type.String({
      maxLength: 200,
      description: 'Comma-separated currencies (default: all): ETH, USDC_ETHEREUM, USDC_POLYGON',
    }),
  ),
  fiatCurrency: Type.Optional(Type.String({ maxLength: 10, description: 'Only USD' })),
  includeNetworkFees: Type.Optional(
    StringEnum(['true', 'false'] as const, { description: 'Include current network fees (default true)' }),
  ),
});

export const Price = named(
  'Price',
  Type.Object({
    cryptoCurrency: StringEnum(CRYPTO_CURRENCIES),
    fiatCurrency: Type.Literal('USD'),
    price: Type.String({ description: 'USD per whole unit' }),
  }),
);

export const NetworkFeeSchema = named(
  'NetworkFee',
  Type.Object({
    cryptoCurrency: StringEnum(CRYPTO_CURRENCIES),
    cryptoFee: Type.String({ description: 'The network fee of one payout, in the crypto currency' }),
    fiatCurrency: Type.Literal('USD'),
    fiatFee: Type.String({ description: 'The same in USD' }),
  }),
);

export const GetCryptoPricesResponse = named(
  'GetCryptoPricesResponse',
  Type.Object({
    prices: Type.Array(Type.Ref(Price)),
    networkFees: Type.Array(Type.Ref(NetworkFeeSchema)),
    priceTime: Type.String({
      format: 'date-time',
      description: 'onramp extension: when the price source observed these prices',
    }),
    priceSource: Type.String({ description: 'onramp extension: the configured price provider (sandbox, coinbase)' }),
  }),
);

export const estimateSchemas = [
  EstimateFiat,
  EstimateCrypto,
  EstimateAchResponse,
  Price,
  NetworkFeeSchema,
  GetCryptoPricesResponse,
];
