// Request and response shapes of GET /v1/crypto/prices and POST /v1/crypto/estimates:ach
// (types-glossary: EstimateAchRequest/Response, EstimateFiat, EstimateCrypto, Price, NetworkFee,
// GetCryptoPricesResponse).
import { Type } from '@sinclair/typebox';
import { named, Obj, StringEnum } from '../../lib/schema.ts';
import { CRYPTO_CURRENCIES } from '../../lib/assets.ts';

const ESTIMATE = {
  fiat: { currency: 'USD', direction: 'CREDIT', amount: '25.00', fundingMethod: 'ACH_ORIGINATED_INSTANT' },
  crypto: {
    currency: 'ETH',
    direction: 'DEBIT',
    amount: '0.01209',
    price: '2000.00',
    ratioFee: '0.75',
    networkFee: '0.07',
  },
} as const;

const PRICES = {
  prices: [
    { cryptoCurrency: 'ETH', fiatCurrency: 'USD', price: '2000.00' },
    { cryptoCurrency: 'USDC_ETHEREUM', fiatCurrency: 'USD', price: '1.00' },
    { cryptoCurrency: 'USDC_POLYGON', fiatCurrency: 'USD', price: '1.00' },
  ],
  networkFees: [
    { cryptoCurrency: 'ETH', cryptoFee: '0.0000395', fiatCurrency: 'USD', fiatFee: '0.08' },
    { cryptoCurrency: 'USDC_ETHEREUM', cryptoFee: '0.12', fiatCurrency: 'USD', fiatFee: '0.12' },
    { cryptoCurrency: 'USDC_POLYGON', cryptoFee: '0.01', fiatCurrency: 'USD', fiatFee: '0.01' },
  ],
  priceTime: '2026-03-02T15:00:00.000Z',
  priceSource: 'sandbox',
} as const;

export const EstimateAchRequest = Obj(
  {
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
  },
  { examples: [{ fiatAmount: '25.00', cryptoCurrency: 'ETH', type: 'INSTANT' }] },
);

export const EstimateFiat = named(
  'EstimateFiat',
  Type.Object(
    {
      currency: Type.Literal('USD'),
      direction: StringEnum(['CREDIT', 'DEBIT'] as const),
      amount: Type.String({ description: 'The total debited from the bank account, fees included' }),
      fundingMethod: StringEnum(['ACH_ORIGINATED_INSTANT', 'ACH_ORIGINATED_STANDARD'] as const),
    },
    { examples: [ESTIMATE.fiat] },
  ),
);

export const EstimateCrypto = named(
  'EstimateCrypto',
  Type.Object(
    {
      currency: StringEnum(CRYPTO_CURRENCIES),
      direction: StringEnum(['CREDIT', 'DEBIT'] as const),
      amount: Type.String({ description: "The crypto the user receives (rounded down to the asset's decimals)" }),
      price: Type.String({ description: 'USD per whole unit' }),
      ratioFee: Type.String({ description: 'The fee in USD (3% for INSTANT, 0 for STANDARD unless configured)' }),
      networkFee: Type.String({ description: 'The network (gas) fee in USD at the current gas price' }),
    },
    { examples: [ESTIMATE.crypto] },
  ),
);

export const EstimateAchResponse = named(
  'EstimateAchResponse',
  Type.Object(
    {
      fiat: Type.Ref(EstimateFiat),
      crypto: Type.Ref(EstimateCrypto),
    },
    { examples: [ESTIMATE] },
  ),
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
  Type.Object(
    {
      cryptoCurrency: StringEnum(CRYPTO_CURRENCIES),
      fiatCurrency: Type.Literal('USD'),
      price: Type.String({ description: 'USD per whole unit' }),
    },
    { examples: [PRICES.prices[0]] },
  ),
);

export const NetworkFeeSchema = named(
  'NetworkFee',
  Type.Object(
    {
      cryptoCurrency: StringEnum(CRYPTO_CURRENCIES),
      cryptoFee: Type.String({ description: 'The network fee of one payout, in the crypto currency' }),
      fiatCurrency: Type.Literal('USD'),
      fiatFee: Type.String({ description: 'The same in USD' }),
    },
    { examples: [PRICES.networkFees[0]] },
  ),
);

export const GetCryptoPricesResponse = named(
  'GetCryptoPricesResponse',
  Type.Object(
    {
      prices: Type.Array(Type.Ref(Price)),
      networkFees: Type.Array(Type.Ref(NetworkFeeSchema)),
      priceTime: Type.String({
        format: 'date-time',
        description: 'onramp extension: when the price source observed these prices',
      }),
      priceSource: Type.String({ description: 'onramp extension: the configured price provider (sandbox, coinbase)' }),
    },
    { examples: [PRICES] },
  ),
);

export const estimateSchemas = [
  EstimateFiat,
  EstimateCrypto,
  EstimateAchResponse,
  Price,
  NetworkFeeSchema,
  GetCryptoPricesResponse,
];
