// Plaid's IDENTITY_VERIFICATION webhooks (STATUS_UPDATED, STEP_UPDATED, RETRIED), verified and
// dispatched by the banks module's /webhooks/plaid. The webhook only names the verification; the
// kyc-sync job reads it with /identity_verification/get and applies it (check-kyc.ts), so a duplicate,
// replayed or out-of-order webhook changes nothing the current state does not say.
import type { AppContext } from '../../context.ts';
import { KYC_SYNC_QUEUE, type KycSyncJob } from './check-kyc.ts';

const CODES = ['STATUS_UPDATED', 'STEP_UPDATED', 'RETRIED'];

export async function onIdentityVerificationWebhook(ctx: AppContext, body: Record<string, unknown>): Promise<string> {
  const id = body.identity_verification_id;
  const code = String(body.webhook_code).slice(0, 40);
  if (typeof id !== 'string' || !/^idv_[A-Za-z0-9]{1,64}$/.test(id))
    return 'ignored (IDENTITY_VERIFICATION without an identity_verification_id)';
  if (!CODES.includes(code)) return `ignored (IDENTITY_VERIFICATION ${code})`;
  if (ctx.kyc.name !== 'plaid') return 'ignored (ONRAMP_KYC_PROVIDER is not plaid)';
  await ctx.jobs.send<KycSyncJob>(KYC_SYNC_QUEUE, { verificationId: id });
  ctx.jobs.wake(KYC_SYNC_QUEUE);
  return `identity verification ${id} ${code}: sync queued`;
}
