// GET /v1/config: what a partner's front end needs to present onramp (the Ratio docs give no schema).
import { Type } from '@sinclair/typebox';
import type { App } from '../../app-types.ts';
import type { AppContext } from '../../context.ts';
import { formatUsd } from '../../lib/money.ts';
import { named, StringEnum } from '../../lib/schema.ts';

// The sandbox defaults, as GET /v1/config answers them on a fresh `npm start`.
const CONFIG_EXAMPLE = {
  mode: 'sandbox',
  fiatCurrencies: ['USD'],
  cryptoCurrencies: [
    { currency: 'ETH', network: 'ETHEREUM', symbol: 'ETH', name: 'Ether', decimals: 18, minimumFiatAmount: '20.00' },
    {
      currency: 'USDC_ETHEREUM',
      network: 'ETHEREUM',
      symbol: 'USDC',
      name: 'USD Coin',
      decimals: 6,
      minimumFiatAmount: '20.00',
    },
    {
      currency: 'USDC_POLYGON',
      network: 'POLYGON',
      symbol: 'USDC',
      name: 'USD Coin',
      decimals: 6,
      minimumFiatAmount: '1.00',
    },
  ],
  networks: ['ETHEREUM', 'POLYGON'],
  walletTypes: ['EVM', 'SOLANA'],
  achTypes: [
    { type: 'INSTANT', feeRate: '0.03', settlement: 'Crypto is sent at once; the ACH debit settles later' },
    { type: 'STANDARD', feeRate: '0.0', settlement: 'Crypto is sent when the ACH debit settles (3 business days)' },
  ],
  limits: {
    instant: { currency: 'USD', limit: '3000.00' },
    daily: { currency: 'USD', limit: '5000.00' },
    weekly: { currency: 'USD', limit: '15000.00' },
    transactionsPerDay: 4,
  },
  termsOfUseUrl: 'https://ratio.me/legal/ratio-labs-usa-inc-terms-of-service',
  plaid: { environment: 'sandbox' },
};

export const CRYPTO_CURRENCIES = ['ETH', 'USDC_ETHEREUM', 'USDC_POLYGON'] as const;
export type CryptoCurrency = (typeof CRYPTO_CURRENCIES)[number];
export const NETWORKS = ['ETHEREUM', 'POLYGON'] as const;
export type Network = (typeof NETWORKS)[number];

/** Which network and token each supported currency lives on. */
export const ASSETS: Record<CryptoCurrency, { network: Network; symbol: string; name: string; decimals: number }> = {
  ETH: { network: 'ETHEREUM', symbol: 'ETH', name: 'Ether', decimals: 18 },
  USDC_ETHEREUM: { network: 'ETHEREUM', symbol: 'USDC', name: 'USD Coin', decimals: 6 },
  USDC_POLYGON: { network: 'POLYGON', symbol: 'USDC', name: 'USD Coin', decimals: 6 },
};

const Limit = Type.Object({ currency: Type.Literal('USD'), limit: Type.String() });

export const ConfigSchema = named(
  'Config',
  Type.Object(
    {
      mode: StringEnum(['sandbox', 'production'] as const, {
        description: 'sandbox: test providers and in-process chains; production: real providers',
      }),
      fiatCurrencies: Type.Array(Type.Literal('USD')),
      cryptoCurrencies: Type.Array(
        Type.Object({
          currency: StringEnum(CRYPTO_CURRENCIES),
          network: StringEnum(NETWORKS),
          symbol: Type.String(),
          name: Type.String(),
          decimals: Type.Integer(),
          minimumFiatAmount: Type.String({ description: 'Smallest purchase in USD on this network' }),
        }),
      ),
      networks: Type.Array(StringEnum(NETWORKS)),
      walletTypes: Type.Array(Type.String(), { description: 'Wallet types accepted for sign-in' }),
      achTypes: Type.Array(
        Type.Object({
          type: StringEnum(['INSTANT', 'STANDARD'] as const),
          feeRate: Type.String({ description: 'Ratio fee as a fraction of the fiat amount, e.g. "0.03"' }),
          settlement: Type.String({ description: 'When the crypto is sent' }),
        }),
      ),
      limits: Type.Object({
        instant: Limit,
        daily: Limit,
        weekly: Limit,
        transactionsPerDay: Type.Integer({ description: 'Purchases allowed per rolling 24 hours' }),
      }),
      termsOfUseUrl: Type.String({ description: 'Link users must accept before creating an account' }),
      plaid: Type.Object({ environment: Type.String({ description: 'The Plaid environment bank links are made in' }) }),
    },
    { examples: [CONFIG_EXAMPLE] },
  ),
);

function rate(bps: number): string {
  return (bps / 10_000).toFixed(4).replace(/0+$/, '').replace(/\.$/, '.0');
}

export function registerConfigRoutes(app: App, ctx: AppContext): void {
  const p = ctx.config.product;
  const body = {
    mode: ctx.config.mode,
    fiatCurrencies: ['USD' as const],
    cryptoCurrencies: CRYPTO_CURRENCIES.map((currency) => ({
      currency,
      network: ASSETS[currency].network,
      symbol: ASSETS[currency].symbol,
      name: ASSETS[currency].name,
      decimals: ASSETS[currency].decimals,
      minimumFiatAmount: formatUsd(p.minimumCents[ASSETS[currency].network]),
    })),
    networks: [...NETWORKS],
    walletTypes: ['EVM', 'SOLANA'],
    achTypes: [
      {
        type: 'INSTANT' as const,
        feeRate: rate(p.feeBps.INSTANT),
        settlement: 'Crypto is sent at once; the ACH debit settles later',
      },
      {
        type: 'STANDARD' as const,
        feeRate: rate(p.feeBps.STANDARD),
        settlement: 'Crypto is sent when the ACH debit settles (3 business days)',
      },
    ],
    limits: {
      instant: { currency: 'USD' as const, limit: formatUsd(p.limits.instantDailyCents) },
      daily: { currency: 'USD' as const, limit: formatUsd(p.limits.dailyCents) },
      weekly: { currency: 'USD' as const, limit: formatUsd(p.limits.weeklyCents) },
      transactionsPerDay: p.limits.transactionsPerDay,
    },
    termsOfUseUrl: p.termsOfUseUrl,
    plaid: {
      environment:
        ctx.plaid.environment === 'builtin' || !(ctx.config.plaid.baseUrl ?? '').includes('production')
          ? 'sandbox'
          : 'production',
    },
  };

  app.get('/v1/config', {
    config: { auth: 'client', tag: 'Config' },
    schema: {
      operationId: 'getConfig',
      summary: 'Retrieve configuration',
      description:
        'Supported currencies and networks, minimums, fee rates, default limits, the terms-of-use link and the Plaid environment.',
      response: { 200: Type.Ref(ConfigSchema) },
    },
    handler: async () => body,
  });
}
