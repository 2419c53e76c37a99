// KYC's queues: the check a submission starts (kyc-check), the sync of a verification Plaid reported
// on (kyc-sync), and the subscription to Plaid's IDENTITY_VERIFICATION webhooks that queues the sync.
import type { AppContext } from '../../context.ts';
import { KYC_SYNC_QUEUE, runKycCheck, syncVerification, type KycSyncJob } from './check-kyc.ts';
import { onIdentityVerificationWebhook } from './plaid-webhooks.ts';
import { KYC_CHECK_QUEUE } from './submit-kyc.ts';

export function defineKycJobs(ctx: AppContext): void {
  ctx.jobs.define<{ userId: string }>({
    name: KYC_CHECK_QUEUE,
    retryLimit: 8,
    retryDelaySeconds: 5,
    retryBackoff: true,
    handler: async (job) => runKycCheck(ctx, job.data.userId),
  });
  ctx.jobs.define<KycSyncJob>({
    name: KYC_SYNC_QUEUE,
    retryLimit: 8,
    retryDelaySeconds: 5,
    retryBackoff: true,
    handler: async (job) => syncVerification(ctx, job.data),
  });
  ctx.plaid.onWebhook('IDENTITY_VERIFICATION', (body) => onIdentityVerificationWebhook(ctx, body));
}
