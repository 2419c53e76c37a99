// KYC outcomes: the operator's decision on a review, and the helpers every KYC transition shares
// (check-kyc.ts applies the vendor's). Each is a conditional transition in one transaction with its
// KYC_UPDATED event, the review flags, the audit row and the outcome email (sent after commit).
import type { AppContext } from '../../context.ts';
import type { Executor } from '../../db/index.ts';
import { AppError } from '../../errors/app-error.ts';
import { newId } from '../../lib/crypto.ts';
import { sendTemplatedEmail, type EmailTemplate } from '../emails/index.ts';
import { activeFlags, clearFlag, type FlagCode } from '../flags/index.ts';
import { findKycRow, transitionKyc, type KycOutcome, type KycRow } from './repository.ts';
import type { KycSubmissionStatus } from './tables.ts';
import { toKyc } from './view.ts';

const OUTCOME_EMAIL: Record<'APPROVED' | 'DECLINED' | 'IN_REVIEW', EmailTemplate> = {
  APPROVED: 'KYC_APPROVED',
  DECLINED: 'KYC_DECLINED',
  IN_REVIEW: 'KYC_IN_REVIEW',
};
export const REVIEW_FLAGS: FlagCode[] = ['F2000', 'F2001', 'F2002', 'F2003'];

export async function afterTransition(ctx: AppContext, trx: Executor, row: KycRow): Promise<void> {
  await ctx.events.publish(trx, { userId: row.user_id, type: 'KYC_UPDATED', data: toKyc(row) });
  if (row.status !== 'SUBMITTED') {
    await sendTemplatedEmail(ctx, {
      userId: row.user_id,
      template: OUTCOME_EMAIL[row.status],
      trx,
      dedupeKey: `kyc:${row.user_id}:${row.status}`,
    });
  }
}

export async function audit(
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

/** Clears F2000–F2003 (only those set before `setBefore`, when given); answers the codes cleared. */
export async function clearReviewFlags(
  trx: Executor,
  change: { userId: string; reason: string; actor: string; now: Date; setBefore?: Date },
): Promise<FlagCode[]> {
  const { setBefore, ...flagChange } = change;
  const cleared: FlagCode[] = [];
  for (const flag of await activeFlags(trx, change.userId)) {
    if (!REVIEW_FLAGS.includes(flag.code) || (setBefore && flag.setAt >= setBefore)) continue;
    if (await clearFlag(trx, { ...flagChange, code: flag.code })) cleared.push(flag.code);
  }
  return cleared;
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
    await clearReviewFlags(trx, {
      userId,
      reason: `KYC review ${input.decision.toLowerCase()}: ${input.reason}`,
      actor,
      now,
    });
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
