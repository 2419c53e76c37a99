import { Type } from '@sinclair/typebox';
import type { App } from '../../app-types.ts';
import type { AppContext } from '../../context.ts';
import { idempotencyId } from '../../plugins/idempotency.ts';
import { assertUserAccess } from '../auth/access.ts';
import { calculateAchLimits } from './calculate-limits.ts';
import { initiatePurchase } from './initiate-purchase.ts';
import {
  CalculatedAchLimitsResponseSchema,
  InitiateAchRequest,
  InitiateAchResponseSchema,
  UserBankParams,
  UserParams,
} from './schemas.ts';

export { purchaseSchemas } from './schemas.ts';

export function registerPurchaseRoutes(app: App, ctx: AppContext): void {
  app.post('/v1/users/:userId(^[^:]+)::calculateAchLimits', {
    config: { auth: 'client', user: 'one', tag: 'Purchases' },
    schema: {
      operationId: 'calculateAchLimits',
      summary: 'Calculate ACH limits',
      description:
        "The user's instant, daily (rolling 24 hours) and weekly (rolling 7 days) ACH limits in USD, with what purchases have used " +
        '(from the ledger; failed and rejected purchases do not count). At most 4 purchases per rolling 24 hours. ' +
        '422 USER_KYC_INCOMPLETE until KYC is approved, 422 BANK_VERIFICATION_INCOMPLETE until a bank account is linked and verified.',
      params: UserParams,
      response: { 200: Type.Ref(CalculatedAchLimitsResponseSchema) },
    },
    handler: async (request) => {
      assertUserAccess(request, request.params.userId);
      return calculateAchLimits(ctx, request.params.userId.toLowerCase());
    },
  });

  app.post('/v1/users/:userId/banks/:bankId/ach', {
    config: { auth: 'client', user: 'two', tag: 'Purchases', idempotency: true },
    schema: {
      operationId: 'initiateAchPurchase',
      summary: 'Initiate ACH (buy crypto)',
      description:
        'Debits `fiatAmount` USD (fees included) from the bank account and delivers `cryptoCurrency` to the wallet. Needs two factors, ' +
        'KYC APPROVED, the bank account ACTIVE and APPROVED, no account flags, and the amount within the ACH limits. INSTANT sends the ' +
        'crypto at once; STANDARD sends it when the debit settles (3 business days), at the rate of that moment. Returns the pending ' +
        'activity item; follow it with GET …/activity/{activityId} or ACTIVITY_UPDATED webhooks. Send `Idempotency-Key` to retry safely.',
      params: UserBankParams,
      body: InitiateAchRequest,
      response: { 201: Type.Ref(InitiateAchResponseSchema) },
    },
    handler: async (request, reply) => {
      assertUserAccess(request, request.params.userId);
      const result = await initiatePurchase(
        ctx,
        {
          userId: request.params.userId.toLowerCase(),
          clientId: request.client!.id,
          bankId: request.params.bankId.toLowerCase(),
          deviceFingerprint: (request.fingerprint as Record<string, unknown> | null) ?? null,
          purchaseId: idempotencyId(request),
        },
        request.body,
      );
      return reply.code(201).send(result);
    },
  });
}
