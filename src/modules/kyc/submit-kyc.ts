// POST /v1/users/{userId}/kyc (kyc.md): validates, stores the submission with the SSN encrypted
// (AES-256-GCM, key id beside it, the user id as associated data) and a keyed hash for uniqueness,
// publishes KYC_UPDATED (SUBMITTED) and queues the provider check — all in one transaction.
import type { AppContext } from '../../context.ts';
import { uniqueViolation } from '../../db/unique-violation.ts';
import { AppError } from '../../errors/app-error.ts';
import { assertFlagsAllow } from '../flags/index.ts';
import { auditUserAction, type RequestActor } from '../users/audit.ts';
import { setUserProfile } from '../users/repository.ts';
import { loadUser, type User } from '../users/view.ts';
import { findKycRow, insertKyc } from './repository.ts';
import { validateKyc, type SubmitKycInput } from './validate.ts';
import { toKyc } from './view.ts';

export const KYC_CHECK_QUEUE = 'kyc-check';

export function ssnAad(userId: string): string {
  return `kyc_submissions.ssn:${userId}`;
}

function alreadySubmitted(status: string): AppError {
  const why =
    status === 'DECLINED'
      ? 'KYC was declined: no submitted information could be matched to the SSN, and a declined KYC cannot be resubmitted (contact support)'
      : status === 'APPROVED'
        ? 'KYC is already approved'
        : `KYC was submitted and its result is pending (${status}); poll GET /v1/users/{userId} or wait for the KYC_UPDATED webhook`;
  return new AppError('ALREADY_EXISTS_USER_KYC', { message: why, data: { status } });
}

export async function submitKyc(
  ctx: AppContext,
  userId: string,
  actor: RequestActor,
  input: SubmitKycInput,
): Promise<User> {
  await assertFlagsAllow(ctx.db, userId, 'UPDATE_PROFILE');
  const now = ctx.clock.now();
  const provider = ctx.kyc;
  const kyc = validateKyc(input, now, provider.ssnAreas);
  const existing = await findKycRow(ctx.db, userId);
  if (existing) throw alreadySubmitted(existing.status);

  const encrypted = ctx.secrets.keyring.encrypt(kyc.ssn, ssnAad(userId));
  const row = {
    user_id: userId,
    status: 'SUBMITTED' as const,
    address_result: 'SUBMITTED' as const,
    dob_result: 'SUBMITTED' as const,
    fraud_result: 'SUBMITTED' as const,
    idv_result: 'SUBMITTED' as const,
    date_of_birth: kyc.dateOfBirth,
    id_type: kyc.idType,
    ssn_ciphertext: encrypted.ciphertext,
    ssn_key_id: encrypted.keyId,
    ssn_last4: kyc.ssn.slice(-4),
    ssn_index: ctx.secrets.keyring.blindIndex(kyc.ssn, 'ssn'),
    line1: kyc.line1,
    line2: kyc.line2,
    city: kyc.city,
    state: kyc.state,
    postal_code: kyc.postalCode,
    provider: provider.name,
    submitted_at: now,
    created_at: now,
    updated_at: now,
  };
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await insertKyc(trx, row);
      await setUserProfile(trx, userId, { nationality: kyc.nationality, occupation: kyc.occupation, updated_at: now });
      await ctx.events.publish(trx, { userId, type: 'KYC_UPDATED', data: toKyc(row) });
      await auditUserAction(trx, actor, {
        action: 'kyc.submit',
        userId,
        subjectType: 'KYC',
        subjectId: userId,
        at: now,
        details: { provider: provider.name, ssnLast4: row.ssn_last4, keyId: encrypted.keyId },
      });
      await ctx.jobs.send(KYC_CHECK_QUEUE, { userId }, { trx });
    });
    ctx.jobs.wake(KYC_CHECK_QUEUE);
  } catch (error) {
    const constraint = uniqueViolation(error);
    if (constraint === 'kyc_submissions_pkey') {
      const now2 = await findKycRow(ctx.db, userId);
      throw alreadySubmitted(now2?.status ?? 'SUBMITTED');
    }
    if (constraint === 'kyc_submissions_ssn_index_key') {
      throw new AppError('ALREADY_EXISTS_USER', {
        message: '`idNumber` belongs to another user: an SSN can be used by one user only',
        data: { field: 'idNumber', rule: 'unique' },
      });
    }
    throw error;
  }
  return loadUser(ctx.db, userId);
}
