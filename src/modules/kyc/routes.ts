// KYC's HTTP routes: submit KYC, start documentary identity verification.
import { Type } from '@sinclair/typebox';
import type { App } from '../../app-types.ts';
import type { AppContext } from '../../context.ts';
import { assertUserAccess } from '../auth/access.ts';
import { requestActor } from '../users/audit.ts';
import { UserParams, UserSchema } from '../users/schemas.ts';
import { IdvResponseSchema, StartIdvRequest, SubmitKycRequest } from './schemas.ts';
import { startIdv } from './start-idv.ts';
import { submitKyc } from './submit-kyc.ts';

export function registerKycRoutes(app: App, ctx: AppContext): void {
  app.post('/v1/users/:userId/kyc', {
    config: { auth: 'client', user: 'two', tag: 'Users', idempotency: true },
    schema: {
      operationId: 'submitKyc',
      summary: 'Submit KYC',
      description:
        "Submits the user's identity for KYC (kyc.md). The result is asynchronous: `kyc.status` goes SUBMITTED → APPROVED, DECLINED or IN_REVIEW, each change published as a KYC_UPDATED webhook. A user submits once: again while pending, after approval or after a decline is 409 ALREADY_EXISTS_USER_KYC. The check runs on Plaid Identity Verification (docs/identity-verification.md). Sandbox: an SSN starting with 2-9 is approved, 1 goes to review (documents, POST /v1/users/{userId}/idv), 0 is declined.",
      params: UserParams,
      body: SubmitKycRequest,
      response: { 200: Type.Ref(UserSchema) },
    },
    handler: async (request) => {
      const { userId } = request.params;
      assertUserAccess(request, userId);
      return submitKyc(ctx, userId, requestActor(request), request.body);
    },
  });

  app.post('/v1/users/:userId/idv', {
    // Ratio documents the call without a body; an empty or missing body is fine.
    preValidation: async (request) => {
      if (request.body === undefined || request.body === null) request.body = {};
    },
    config: { auth: 'client', user: 'two', tag: 'Users' },
    schema: {
      operationId: 'startIdv',
      summary: 'Start identity verification (documents)',
      description:
        "The link where the user completes documentary identity verification (uploads an ID document), while their KYC review asks for it: KYC IN_REVIEW, or a KYC review flag F2000–F2003. Answers `{ status: 'IN_REVIEW', url }`; call it again for a fresh answer (an attempt that expired or failed is retried, up to ONRAMP_KYC_MAX_ATTEMPTS). Without a review the answer is the KYC's `idvResult` and no `url`. Finishing the documents moves KYC (KYC_UPDATED) and clears the review flags. 422 USER_KYC_INCOMPLETE before KYC was submitted; 422 IDV_ATTEMPTS_EXHAUSTED when no attempt is left. Sandbox: the link opens the built-in hosted page, where the tester passes or fails the document.",
      params: UserParams,
      body: StartIdvRequest,
      response: { 200: Type.Ref(IdvResponseSchema) },
    },
    handler: async (request) => {
      const { userId } = request.params;
      assertUserAccess(request, userId);
      return startIdv(ctx, userId);
    },
  });
}
