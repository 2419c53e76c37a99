// GET /v1/crypto/prices and POST /v1/crypto/estimates:ach.
import { Type } from '@sinclair/typebox';
import type { App } from '../../app-types.ts';
import type { AppContext } from '../../context.ts';
import { formatUsd } from '../../lib/money.ts';
import { getPrices } from './get-prices.ts';
import { quoteAch } from './quote.ts';
import { EstimateAchRequest, EstimateAchResponse, GetCryptoPricesResponse, PricesQuery } from './schemas.ts';

export { estimateSchemas } from './schemas.ts';

export function registerEstimateRoutes(app: App, ctx: AppContext): void {
  const tag = 'Crypto';
  app.get('/v1/crypto/prices', {
    config: { auth: 'client', tag },
    schema: {
      operationId: 'getCryptoPrices',
      summary: 'Get crypto prices',
      description:
        "USD price of each supported currency from the configured price provider, and the current network fee of delivering it (gas at the chain's current gas price, in USD).",
      querystring: PricesQuery,
      response: { 200: Type.Ref(GetCryptoPricesResponse) },
    },
    handler: async (request) => getPrices(ctx, request.query),
  });

  app.post('/v1/crypto/estimates::ach', {
    config: { auth: 'client', tag },
    schema: {
      operationId: 'estimateAchPurchase',
      summary: 'Estimate an ACH purchase',
      description:
        'Top-down with `fiatAmount` (fees come out of it) or bottom-up with `minCryptoAmount` (the least fiat that buys at least that much after fees) — exactly one. Fee: INSTANT 3%, STANDARD 0% (configurable); network fee from the current gas price; minimum purchase $20 on Ethereum and $1 on Polygon.',
      body: EstimateAchRequest,
      response: { 200: Type.Ref(EstimateAchResponse) },
    },
    handler: async (request) => {
      const { body } = request;
      const q = await quoteAch(ctx, {
        currency: body.cryptoCurrency,
        paymentType: body.type,
        ...(body.fiatAmount !== undefined ? { fiatAmount: body.fiatAmount } : {}),
        ...(body.minCryptoAmount !== undefined ? { minCryptoAmount: body.minCryptoAmount } : {}),
      });
      return {
        fiat: {
          currency: 'USD' as const,
          direction: 'CREDIT' as const,
          amount: formatUsd(q.fiatAmountCents),
          fundingMethod: q.fundingMethod,
        },
        crypto: {
          currency: q.currency,
          direction: 'DEBIT' as const,
          amount: q.cryptoAmount,
          price: q.price,
          ratioFee: formatUsd(q.feeCents),
          networkFee: formatUsd(q.networkFeeCents),
        },
      };
    },
  });
}
