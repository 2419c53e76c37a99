// POST /v1/users/{userId}/idv (Ratio's IdvResponse { status, url }): the link where the user completes
// documentary identity verification, when their KYC review asks for it — KYC IN_REVIEW, or a KYC
// review flag (F2000–F2003) on the account. The vendor's attempt is read again first (a webhook may
// have been lost); one still waiting for documents gives its link; one that ended (failed, expired,
// canceled, or passed while a flag still asks for documents) is retried for documents only, at most
// ONRAMP_KYC_MAX_ATTEMPTS attempts in all. Finishing the documents moves KYC through the same
// webhook path as the first check (check-kyc.ts).
import type { AppContext } from '../../context.ts';
import { AppError } from '../../errors/app-error.ts';
import { KycVendorError, type KycCheckState } from '../../providers/kyc/index.ts';
import { activeFlags, assertFlagsAllow } from '../flags/index.ts';
import { applyCheckState, checkRequest } from './check-kyc.ts';
import { REVIEW_FLAGS } from './decide-kyc.ts';
import { findKycRow } from './repository.ts';
import type { KycResult } from './tables.ts';
import {
  claimRetry,
  countVerifications,
  documentsUrlOf,
  latestVerification,
  releaseRetry,
  type VerificationRow,
} from './verifications.ts';

export interface IdvResponse {
  status: KycResult;
  url?: string;
}

/** A claim older than this belongs to a request that died: another may retry. */
const CLAIM_STALE_MS = 60_000;
const WAIT_FOR_OTHER_MS = 10_000;
const WAIT_STEP_MS = 200;

async function vendor<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof KycVendorError)) throw error;
    throw new AppError('SERVICE_UNAVAILABLE', {
      message: `Identity verification is unavailable right now (${error.message}); retry later`,
      data: { vendorCode: error.vendorCode },
    });
  }
}

/** Whether the user's KYC review still asks for documents; the answer when it does not. */
async function documentsWanted(ctx: AppContext, userId: string): Promise<IdvResponse | null> {
  const kyc = await findKycRow(ctx.db, userId);
  if (!kyc)
    throw new AppError('USER_KYC_INCOMPLETE', {
      message:
        'KYC has not been submitted: submit it with POST /v1/users/{userId}/kyc first; identity verification continues a KYC review',
      data: { status: 'NOT_STARTED' },
    });
  const flagged = (await activeFlags(ctx.db, userId)).some((f) => REVIEW_FLAGS.includes(f.code));
  return kyc.status === 'IN_REVIEW' || flagged ? null : { status: kyc.idv_result };
}

export async function startIdv(ctx: AppContext, userId: string): Promise<IdvResponse> {
  await assertFlagsAllow(ctx.db, userId, 'VERIFY_IDENTITY');
  const settled = await documentsWanted(ctx, userId);
  if (settled) return settled;
  const provider = ctx.kyc;
  if (!provider.documents)
    throw new AppError('NOT_IMPLEMENTED', {
      message: `Documentary identity verification needs ONRAMP_KYC_PROVIDER=plaid; with the ${provider.name} provider an operator resolves the review`,
    });
  const latest = await latestVerification(ctx.db, userId);
  let state: KycCheckState;
  if (latest?.provider === provider.name) {
    state = await vendor(() => provider.fetch(latest.id));
  } else {
    // Submitted under another provider: this one checks the submission first.
    const kyc = (await findKycRow(ctx.db, userId))!;
    state = await vendor(async () => provider.start(await checkRequest(ctx, kyc)));
  }
  await applyCheckState(ctx, userId, state, { poll: latest?.provider === provider.name ? null : 0 });
  return (await answer(ctx, userId, state)) ?? retry(ctx, userId, state.reference);
}

/** The answer for an attempt that needs no retry, or null when a new attempt is needed. */
async function answer(ctx: AppContext, userId: string, state: KycCheckState): Promise<IdvResponse | null> {
  if (state.documentsUrl) return { status: 'IN_REVIEW', url: state.documentsUrl };
  const settled = await documentsWanted(ctx, userId);
  if (settled) return settled;
  if (state.final) return null;
  // Still checking, or documents already handed in and under the vendor's review.
  return { status: state.vendorStatus === 'pending_review' ? 'IN_REVIEW' : 'SUBMITTED' };
}

async function retry(ctx: AppContext, userId: string, fromId: string): Promise<IdvResponse> {
  const max = ctx.config.onboarding.identityVerification.maxAttempts;
  if ((await countVerifications(ctx.db, userId)) >= max)
    throw new AppError('IDV_ATTEMPTS_EXHAUSTED', {
      message: `The user has used all ${max} identity verification attempts; an operator resolves the review (onramp kyc approve|decline)`,
      data: { maxAttempts: max },
    });
  if (!(await claimRetry(ctx.db, fromId, ctx.clock.now(), CLAIM_STALE_MS))) return waitForOther(ctx, userId, fromId);
  let state: KycCheckState;
  try {
    state = await vendor(() => ctx.kyc.documents!.retry(userId));
  } catch (error) {
    await releaseRetry(ctx.db, fromId);
    throw error;
  }
  await applyCheckState(ctx, userId, state, { poll: 0 });
  return (await answer(ctx, userId, state)) ?? { status: 'SUBMITTED' };
}

/** Another request is creating the next attempt: answer with its link once it is recorded (bounded). */
async function waitForOther(ctx: AppContext, userId: string, fromId: string): Promise<IdvResponse> {
  let newest: VerificationRow | undefined;
  for (let i = 0; i < WAIT_FOR_OTHER_MS / WAIT_STEP_MS; i++) {
    newest = await latestVerification(ctx.db, userId);
    if (newest && newest.id !== fromId) {
      const url = documentsUrlOf(ctx.secrets.keyring, newest);
      return url ? { status: 'IN_REVIEW', url } : { status: 'SUBMITTED' };
    }
    await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
  }
  throw new AppError('SERVICE_UNAVAILABLE', {
    message: 'Another request is creating the identity verification link; retry in a moment',
  });
}
