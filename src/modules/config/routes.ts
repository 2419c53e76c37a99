// GET /v1/config: what a partner's front end needs to present onramp (the Ratio docs give no schema).
import { Type } from '@sinclair/typebox';
import type { App } from '../../app-types.ts';
import type { AppContext } from '../../context.ts';
import { formatUsd } from '../../lib/money.ts';
import { named, StringEnum } from '../../lib/schema.ts';
import { ASSETS, CRYPTO_CURRENCIES } from '../../lib/assets.ts';
import { NETWORKS } from '../../chains/networks.ts';

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
  rails: {
    ach: { provider: 'plaid', networks: { INSTANT: 'same-day-ach', STANDARD: 'ach' } },
    kyc: { provider: 'plaid' },
    plaid: { environment: 'sandbox', builtIn: true },
  },
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
      rails: Type.Object(
        {
          ach: Type.Object({
            provider: StringEnum(['plaid', 'none'] as const, {
              description: '`plaid`: debits through Plaid Transfer; `none`: purchases answer 501 NOT_IMPLEMENTED',
            }),
            networks: Type.Object(
              {
                INSTANT: StringEnum(['ach', 'same-day-ach'] as const),
                STANDARD: StringEnum(['ach', 'same-day-ach'] as const),
              },
              { description: 'The Plaid Transfer network each purchase type is debited on' },
            ),
          }),
          kyc: Type.Object({ provider: Type.String({ description: 'Who decides KYC (ONRAMP_KYC_PROVIDER)' }) }),
          plaid: Type.Object({
            environment: StringEnum(['production', 'sandbox', 'other'] as const, {
              description:
                'production.plaid.com, a sandbox (sandbox.plaid.com or the built-in one), or another Plaid-compatible URL',
            }),
            builtIn: Type.Boolean({
              description: "true when Plaid is this server's own built-in sandbox (/sandbox/plaid)",
            }),
          }),
        },
        { description: 'Which money and identity rails this server is configured with' },
      ),
    },
    { examples: [CONFIG_EXAMPLE] },
  ),
);

/** Which Plaid the server talks to, from its base URL (never the URL itself: it may be internal). */
function plaidEnvironment(ctx: AppContext): 'production' | 'sandbox' | 'other' {
  if (ctx.plaid.environment === 'builtin') return 'sandbox';
  const host = new URL(ctx.config.plaid.baseUrl!).hostname;
  return host === 'production.plaid.com' ? 'production' : host === 'sandbox.plaid.com' ? 'sandbox' : 'other';
}

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
    rails: {
      ach: { provider: ctx.config.ach.provider, networks: { ...ctx.config.ach.networks } },
      kyc: { provider: ctx.config.onboarding.kycProvider },
      plaid: { environment: plaidEnvironment(ctx), builtIn: ctx.plaid.environment === 'builtin' },
    },
  };

  app.get('/v1/config', {
    config: { auth: 'client', tag: 'Config' },
    schema: {
      operationId: 'getConfig',
      summary: 'Retrieve configuration',
      description:
        'Supported currencies and networks, minimums, fee rates, default limits, the terms-of-use link, the Plaid environment and the rails configured (ACH provider and networks, KYC provider, Plaid environment).',
      response: { 200: Type.Ref(ConfigSchema) },
    },
    handler: async () => body,
  });
}
