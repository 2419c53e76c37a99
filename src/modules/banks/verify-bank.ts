// Bank verification: the account holders' names against the KYC'd user's legal name. Decided at
// activation when KYC is already approved; otherwise the bank waits (IN_REVIEW, WAITING_FOR_KYC)
// and is decided when KYC_UPDATED reports a decision.
import type { AppContext } from '../../context.ts';
import type { Executor } from '../../db/index.ts';
import { getKycIdentity, getKycStatus } from '../kyc/repository.ts';
import { matchAccountHolder } from './name-match.ts';
import { publishBankUpdated, type BankRow } from './repository.ts';
import type { VerificationState, VerificationStatus } from './tables.ts';

export interface VerificationDecision {
  status: VerificationStatus;
  state: VerificationState;
  detail: string;
}

export async function decideVerification(
  db: Executor,
  userId: string,
  ownerNames: string[],
): Promise<VerificationDecision> {
  const kyc = await getKycStatus(db, userId);
  if (kyc === 'DECLINED') return { status: 'DECLINED', state: 'DONE', detail: "the user's KYC was declined" };
  if (kyc !== 'APPROVED')
    return { status: 'IN_REVIEW', state: 'WAITING_FOR_KYC', detail: `waiting for KYC (now ${kyc})` };
  const legal = await getKycIdentity(db, userId);
  if (!legal) return { status: 'IN_REVIEW', state: 'WAITING_FOR_KYC', detail: 'no legal name on record' };
  const match = matchAccountHolder(ownerNames, legal);
  return { status: match.result, state: match.result === 'IN_REVIEW' ? 'MANUAL_REVIEW' : 'DONE', detail: match.detail };
}

/**
 * Runs the verification of the user's bank if it waits for KYC. Idempotent (a conditional update):
 * safe to call for every KYC_UPDATED delivery, however often it is repeated.
 */
export async function verifyWaitingBank(
  ctx: Pick<AppContext, 'db' | 'clock' | 'events'>,
  userId: string,
): Promise<BankRow | undefined> {
  return ctx.db.transaction().execute(async (trx) => {
    const bank = await trx
      .selectFrom('banks')
      .selectAll()
      .where('user_id', '=', userId)
      .where('deleted_at', 'is', null)
      .where('verification_state', '=', 'WAITING_FOR_KYC')
      .forUpdate()
      .executeTakeFirst();
    if (!bank) return undefined;
    const decision = await decideVerification(trx, userId, bank.owner_names);
    if (decision.state === 'WAITING_FOR_KYC') return undefined;
    const now = ctx.clock.now();
    const updated = await trx
      .updateTable('banks')
      .set({
        verification_status: decision.status,
        verification_state: decision.state,
        verification_detail: decision.detail,
        verified_at: decision.state === 'DONE' ? now : null,
        updated_at: now,
      })
      .where('id', '=', bank.id)
      .where('verification_state', '=', 'WAITING_FOR_KYC')
      .returningAll()
      .executeTakeFirst();
    if (updated) await publishBankUpdated(ctx.events, trx, updated);
    return updated;
  });
}
