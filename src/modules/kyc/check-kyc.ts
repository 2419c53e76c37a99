// The vendor's side of KYC. The kyc-check job opens the vendor's check of a submission; kyc-sync reads
// an attempt again — after the vendor's webhook, or as the bounded fallback poll for a lost one — and
// applies what it says. An attempt's outcome is applied once, by conditional transitions, so a
// duplicate or replayed webhook, a poll and a webhook racing, or a job retried after a crash change
// nothing the first application did not. Only the user's newest attempt moves the KYC.
import type { AppContext } from '../../context.ts';
import type { Executor } from '../../db/index.ts';
import { KycVendorError, type KycCheckRequest, type KycCheckState } from '../../providers/kyc/index.ts';
import { setFlag } from '../flags/index.ts';
import { afterTransition, audit, clearReviewFlags } from './decide-kyc.ts';
import { findKycRow, transitionKyc, type KycOutcome, type KycRow } from './repository.ts';
import { ssnAad } from './submit-kyc.ts';
import type { KycSubmissionStatus } from './tables.ts';
import { countPoll, findVerification, latestVerification, recordVerification } from './verifications.ts';

export const KYC_SYNC_QUEUE = 'kyc-sync';
const MAX_POLL_DELAY_SECONDS = 6 * 3600;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface KycSyncJob {
  verificationId: string;
  /** Set on fallback polls: which one this is (0 first). */
  poll?: number;
}

export async function checkRequest(ctx: AppContext, row: KycRow & { dob: string }): Promise<KycCheckRequest> {
  const user = await ctx.db.selectFrom('users').selectAll().where('id', '=', row.user_id).executeTakeFirstOrThrow();
  return {
    reference: row.user_id,
    firstName: user.first_name,
    middleName: user.middle_name,
    lastName: user.last_name,
    dateOfBirth: row.dob,
    idType: 'SSN',
    idNumber: ctx.secrets.keyring.decrypt(
      { keyId: row.ssn_key_id, ciphertext: row.ssn_ciphertext },
      ssnAad(row.user_id),
    ),
    address: {
      line1: row.line1,
      line2: row.line2,
      city: row.city,
      state: row.state,
      postalCode: row.postal_code,
      country: 'US',
    },
    phone: user.phone,
    email: user.email,
  };
}

/** The kyc-check job: opens the vendor's check (idempotent: a retry after a crash gets the same attempt). */
export async function runKycCheck(ctx: AppContext, userId: string): Promise<void> {
  const row = await findKycRow(ctx.db, userId);
  if (row?.status !== 'SUBMITTED') return;
  const provider = ctx.kyc;
  let state: KycCheckState;
  try {
    state = await provider.start(await checkRequest(ctx, row));
  } catch (error) {
    if (error instanceof KycVendorError && !error.retryable) return sendToReview(ctx, userId, error);
    throw error;
  }
  await applyCheckState(ctx, userId, state, { poll: 0, pollOnlyIfNew: true });
  ctx.log.info({ userId, provider: provider.name, status: state.vendorStatus }, 'KYC check opened');
}

/** The vendor refused to check the submission (not a transient failure): an operator decides. */
async function sendToReview(ctx: AppContext, userId: string, error: KycVendorError): Promise<void> {
  const provider = ctx.kyc.name;
  const actor = `SYSTEM:kyc:${provider}`;
  await ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    const review = { status: 'IN_REVIEW', addressResult: 'IN_REVIEW', dobResult: 'IN_REVIEW' } as const;
    const outcome: KycOutcome = { ...review, fraudResult: 'IN_REVIEW', idvResult: 'IN_REVIEW' };
    const updated = await transitionKyc(trx, userId, ['SUBMITTED'], outcome, { now, decidedBy: actor });
    if (!updated) return;
    await setFlag(trx, { userId, code: 'F2001', reason: `KYC provider ${provider} refused the check`, actor, now });
    const details = { error: error.message, vendorCode: error.vendorCode };
    await audit(trx, updated, { type: 'SYSTEM', id: `kyc:${provider}` }, 'kyc.provider_refused', details, now);
    await afterTransition(ctx, trx, updated);
  });
  ctx.log.error({ userId, vendorCode: error.vendorCode }, 'KYC provider refused the check; sent to operator review');
}

/** Seconds before fallback poll `n`: the configured delay, doubled each time, at most 6 h. */
function pollDelaySeconds(ctx: AppContext, n: number): number {
  return Math.min(ctx.config.onboarding.identityVerification.pollSeconds * 2 ** n, MAX_POLL_DELAY_SECONDS);
}

export interface ApplyOptions {
  /** Fallback poll to schedule while the attempt is not final; null for none. */
  poll: number | null;
  /** Schedule it only if the attempt was not recorded before (its chain of polls already exists). */
  pollOnlyIfNew?: boolean;
}

/** Records an attempt and applies its decision to the KYC, in one transaction; wakes the queues after. */
export async function applyCheckState(
  ctx: AppContext,
  userId: string,
  state: KycCheckState,
  opts: ApplyOptions,
): Promise<void> {
  const provider = ctx.kyc.name;
  const polled = await ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    const known = await findVerification(trx, state.reference);
    await recordVerification(trx, ctx.secrets.keyring, { userId, provider, state, now });
    const newest = await latestVerification(trx, userId);
    if (newest?.id === state.reference && state.decision) {
      const current = await findKycRow(trx, userId, { forUpdate: true });
      const changed = known?.status !== state.vendorStatus;
      if (current) await applyDecision(ctx, trx, { current, state, changed, now });
    }
    const poll = opts.poll !== null && !state.final && !(opts.pollOnlyIfNew && known) ? opts.poll : null;
    if (poll === null) return false;
    const job: KycSyncJob = { verificationId: state.reference, poll };
    await ctx.jobs.send(KYC_SYNC_QUEUE, job, { trx, startAfter: pollDelaySeconds(ctx, poll) });
    return true;
  });
  if (polled) ctx.log.debug({ userId, verification: state.reference }, 'KYC fallback poll scheduled');
}

/** Which KYC states the vendor's decision may move from. */
function allowedFrom(current: KycRow, state: KycCheckState): KycSubmissionStatus[] {
  const outcome = state.decision!.outcome;
  if (outcome === 'IN_REVIEW') return ['SUBMITTED'];
  if (outcome === 'DECLINED') return ['SUBMITTED', 'IN_REVIEW'];
  // A decline is reopened only by an attempt started after it (POST /idv on a flag the operator set).
  const reopens = current.status === 'DECLINED' && current.decided_at !== null && state.createdAt > current.decided_at;
  return reopens ? ['SUBMITTED', 'IN_REVIEW', 'DECLINED'] : ['SUBMITTED', 'IN_REVIEW'];
}

/** The vendor's decision as a conditional transition; a KYC already past it is left alone. */
async function applyDecision(
  ctx: AppContext,
  trx: Executor,
  input: { current: KycRow; state: KycCheckState; changed: boolean; now: Date },
): Promise<void> {
  const { current, state, now } = input;
  const decision = state.decision!;
  const provider = ctx.kyc.name;
  const actor = `SYSTEM:kyc:${provider}`;
  const system = { type: 'SYSTEM' as const, id: `kyc:${provider}` };
  const details = { outcome: decision.outcome, providerReference: state.reference, vendorStatus: state.vendorStatus };
  const userId = current.user_id;
  const outcome: KycOutcome = { status: decision.outcome, ...decision.checks };
  const meta = { now, decidedBy: actor, providerReference: state.reference };
  const updated = await transitionKyc(trx, userId, allowedFrom(current, state), outcome, meta);
  if (!updated) {
    // An approved user asked for documents (a review flag an operator set): an attempt started after
    // the flag passing clears it; failing leaves it for the operator.
    if (current.status !== 'APPROVED' || decision.outcome === 'IN_REVIEW') return;
    if (decision.outcome === 'APPROVED') {
      const reason = 'identity documents verified';
      const cleared = await clearReviewFlags(trx, { userId, reason, actor, now, setBefore: state.createdAt });
      if (cleared.length > 0) await audit(trx, current, system, 'kyc.documents_verified', details, now);
    } else if (input.changed) await audit(trx, current, system, 'kyc.documents_not_verified', details, now);
    return;
  }
  if (decision.outcome === 'IN_REVIEW' && decision.reviewFlag) {
    const reason = `KYC provider ${provider} needs documents or a review (${state.vendorStatus})`;
    await setFlag(trx, { userId, code: decision.reviewFlag, reason, actor, now });
  } else if (decision.outcome !== 'IN_REVIEW') {
    const reason = `identity verification ${decision.outcome === 'APPROVED' ? 'passed' : 'failed'}`;
    await clearReviewFlags(trx, { userId, reason, actor, now });
  }
  await audit(trx, updated, system, 'kyc.provider_decision', details, now);
  await afterTransition(ctx, trx, updated);
}

/** A verification this server does not know yet (created by a retry whose answer was lost): whose is it? */
async function ownerOf(ctx: AppContext, state: KycCheckState): Promise<string | undefined> {
  if (state.templateId !== ctx.config.onboarding.identityVerification.templateId) return undefined;
  if (!UUID_RE.test(state.subject)) return undefined;
  return (await findKycRow(ctx.db, state.subject))?.user_id;
}

/** The kyc-sync job: reads an attempt again and applies it; polls reschedule themselves, bounded. */
export async function syncVerification(ctx: AppContext, job: KycSyncJob): Promise<void> {
  const known = await findVerification(ctx.db, job.verificationId);
  let state: KycCheckState;
  try {
    state = await ctx.kyc.fetch(job.verificationId);
  } catch (error) {
    if (error instanceof KycVendorError && !error.retryable) {
      ctx.log.warn({ verification: job.verificationId, vendorCode: error.vendorCode }, 'KYC sync: vendor refused');
      return;
    }
    throw error;
  }
  const userId = known?.user_id ?? (await ownerOf(ctx, state));
  if (!userId) {
    ctx.log.info({ verification: job.verificationId }, 'KYC sync: not a verification of this server; ignored');
    return;
  }
  const attempts = ctx.config.onboarding.identityVerification.pollAttempts;
  if (job.poll !== undefined) await countPoll(ctx.db, job.verificationId);
  const next = job.poll !== undefined && job.poll + 1 < attempts ? job.poll + 1 : null;
  await applyCheckState(ctx, userId, state, { poll: next });
}
