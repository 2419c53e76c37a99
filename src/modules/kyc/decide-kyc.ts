// KYC outcomes: the provider's decision (the kyc-check job) and the operator's decision on a review.
// Each is a conditional transition in one transaction with its KYC_UPDATED event, the review flag,
// the audit row and the outcome email (sent after commit).
import type { AppContext } from '../../context.ts';
import type { Executor } from '../../db/index.ts';
import { AppError } from '../../errors/app-error.ts';
import { newId } from '../../lib/crypto.ts';
import type { KycCheckRequest } from '../../providers/kyc/types.ts';
import { sendTemplatedEmail, type EmailTemplate } from '../emails/index.ts';
import { clearFlag, setFlag, type FlagCode } from '../flags/index.ts';
import { kycProvider } from './provider.ts';
import { findKycRow, transitionKyc, type KycOutcome, type KycRow } from './repository.ts';
import { ssnAad } from './submit-kyc.ts';
import type { KycSubmissionStatus } from './tables.ts';
import { toKyc } from './view.ts';

const OUTCOME_EMAIL: Record<'APPROVED' | 'DECLINED' | 'IN_REVIEW', EmailTemplate> = {
  APPROVED: 'KYC_APPROVED',
  DECLINED: 'KYC_DECLINED',
  IN_REVIEW: 'KYC_IN_REVIEW',
};
const REVIEW_FLAGS: FlagCode[] = ['F2000', 'F2001', 'F2002', 'F2003'];

async function afterTransition(ctx: AppContext, trx: Executor, row: KycRow): Promise<void> {
  await ctx.events.publish(trx, { userId: row.user_id, type: 'KYC_UPDATED', data: { ...toKyc(row) } });
  if (row.status !== 'SUBMITTED') {
    await sendTemplatedEmail(ctx, {
      userId: row.user_id,
      template: OUTCOME_EMAIL[row.status],
      trx,
      dedupeKey: `kyc:${row.user_id}:${row.status}`,
    });
  }
}

async function audit(
  trx: Executor,
  row: KycRow,
  actor: { type: 'SYSTEM' | 'OPERATOR'; id: string },
  action: string,
  details: Record<string, unknown>,
  now: Date,
) {
  await trx
    .insertInto('audit_log')
    .values({
      id: newId(),
      at: now,
      actor_type: actor.type,
      actor_id: actor.id,
      action,
      user_id: row.user_id,
      subject_type: 'KYC',
      subject_id: row.user_id,
      details: JSON.stringify(details),
    })
    .execute();
}

/** The kyc-check job: asks the provider (outside any transaction) and records its decision once. */
export async function runKycCheck(ctx: AppContext, userId: string): Promise<void> {
  const row = await findKycRow(ctx.db, userId);
  if (row?.status !== 'SUBMITTED') return;
  const user = await ctx.db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirstOrThrow();
  const provider = kycProvider(ctx);
  const request: KycCheckRequest = {
    reference: userId,
    firstName: user.first_name,
    middleName: user.middle_name,
    lastName: user.last_name,
    dateOfBirth: row.dob,
    idType: 'SSN',
    idNumber: ctx.secrets.keyring.decrypt({ keyId: row.ssn_key_id, ciphertext: row.ssn_ciphertext }, ssnAad(userId)),
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
  const decision = await provider.check(request);
  const outcome: KycOutcome = { status: decision.outcome, ...decision.checks };
  await ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    const updated = await transitionKyc(trx, userId, ['SUBMITTED'], outcome, {
      now,
      decidedBy: `SYSTEM:kyc:${provider.name}`,
      providerReference: decision.providerReference,
    });
    if (!updated) return;
    if (decision.outcome === 'IN_REVIEW' && decision.reviewFlag) {
      await setFlag(trx, {
        userId,
        code: decision.reviewFlag,
        reason: `KYC provider ${provider.name} sent the submission to review`,
        actor: `SYSTEM:kyc:${provider.name}`,
        now,
      });
    }
    await audit(
      trx,
      updated,
      { type: 'SYSTEM', id: `kyc:${provider.name}` },
      'kyc.provider_decision',
      { outcome: decision.outcome, providerReference: decision.providerReference },
      now,
    );
    await afterTransition(ctx, trx, updated);
  });
  ctx.log.info({ userId, outcome: decision.outcome, provider: provider.name }, 'KYC decided by provider');
}

export interface OperatorDecision {
  decision: 'APPROVED' | 'DECLINED';
  operator: string;
  reason: string;
}

/** `onramp kyc approve|decline USER_ID`: only a submission IN_REVIEW can be decided. */
export async function decideKycReview(ctx: AppContext, userId: string, input: OperatorDecision): Promise<KycRow> {
  const result = await ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    const current = await findKycRow(trx, userId, { forUpdate: true });
    if (!current) throw new AppError('NOT_FOUND_USER', { message: `User ${userId} has not submitted KYC` });
    if (current.status !== 'IN_REVIEW') {
      return {
        error: new AppError('ALREADY_EXISTS_USER_KYC', {
          message: `KYC of user ${userId} is ${current.status}; only a KYC IN_REVIEW can be decided by an operator`,
          data: { status: current.status },
        }),
      };
    }
    const pick = (r: KycSubmissionStatus | string) =>
      (r === 'IN_REVIEW' || r === 'SUBMITTED' ? input.decision : r) as KycOutcome['addressResult'];
    const outcome: KycOutcome = {
      status: input.decision,
      addressResult: input.decision === 'APPROVED' ? 'APPROVED' : pick(current.address_result),
      dobResult: input.decision === 'APPROVED' ? 'APPROVED' : pick(current.dob_result),
      fraudResult: input.decision === 'APPROVED' ? 'APPROVED' : pick(current.fraud_result),
      idvResult: input.decision === 'APPROVED' ? 'APPROVED' : pick(current.idv_result),
    };
    const actor = `OPERATOR:${input.operator}`;
    const updated = await transitionKyc(trx, userId, ['IN_REVIEW'], outcome, {
      now,
      decidedBy: actor,
      reason: input.reason,
    });
    if (!updated) throw new Error('KYC row changed under a row lock');
    for (const code of REVIEW_FLAGS) {
      await clearFlag(trx, {
        userId,
        code,
        reason: `KYC review ${input.decision.toLowerCase()}: ${input.reason}`,
        actor,
        now,
      });
    }
    await audit(
      trx,
      updated,
      { type: 'OPERATOR', id: input.operator },
      `kyc.review_${input.decision.toLowerCase()}`,
      { reason: input.reason },
      now,
    );
    await afterTransition(ctx, trx, updated);
    return { row: updated };
  });
  if ('error' in result) throw result.error;
  return result.row;
}
