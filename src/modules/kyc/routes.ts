import { Type } from '@sinclair/typebox';
import type { App } from '../../app-types.ts';
import type { AppContext } from '../../context.ts';
import { assertUserAccess } from '../auth/access.ts';
import { requestActor } from '../users/audit.ts';
import { UserParams, UserSchema } from '../users/schemas.ts';
import { runKycCheck } from './decide-kyc.ts';
import { SubmitKycRequest } from './schemas.ts';
import { KYC_CHECK_QUEUE, submitKyc } from './submit-kyc.ts';

export function registerKycRoutes(app: App, ctx: AppContext): void {
  app.post('/v1/users/:userId/kyc', {
    config: { auth: 'client', user: 'two', tag: 'Users', idempotency: true },
    schema: {
      operationId: 'submitKyc',
      summary: 'Submit KYC',
      description:
        "Submits the user's identity for KYC (kyc.md). The result is asynchronous: `kyc.status` goes SUBMITTED → APPROVED, DECLINED or IN_REVIEW, each change published as a KYC_UPDATED webhook. A user submits once: again while pending, after approval or after a decline is 409 ALREADY_EXISTS_USER_KYC. Sandbox: an SSN starting with 2-9 is approved, 1 goes to review, 0 is declined.",
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
}

export function defineKycJobs(ctx: AppContext): void {
  ctx.jobs.define<{ userId: string }>({
    name: KYC_CHECK_QUEUE,
    retryLimit: 8,
    retryDelaySeconds: 5,
    retryBackoff: true,
    handler: async (job) => runKycCheck(ctx, job.data.userId),
  });
}
