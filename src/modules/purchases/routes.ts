import { Type } from '@sinclair/typebox';
import type { App } from '../../app-types.ts';
import type { AppContext } from '../../context.ts';
import { assertUserAccess } from '../auth/access.ts';
import { calculateAchLimits } from './calculate-limits.ts';
import { CalculatedAchLimitsResponseSchema, UserParams } from './schemas.ts';

export { purchaseSchemas } from './schemas.ts';

export function registerPurchaseRoutes(app: App, ctx: AppContext): void {
  app.post('/v1/users/:userId(^[^:]+)::calculateAchLimits', {
    config: { auth: 'client', user: 'one', tag: 'Users' },
    schema: {
      summary: 'Calculate ACH limits',
      description:
        'The user\'s instant, daily (rolling 24 hours) and weekly (rolling 7 days) ACH limits in USD, with what purchases have used ' +
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
}
