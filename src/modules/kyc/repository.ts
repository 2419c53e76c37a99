// SQL for KYC submissions. getKycStatus and getKycIdentity are the contract other modules use
// (purchases check the status; banks compare the account holder with the legal name).
import { sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import type { Row } from '../../db/schema.ts';
import type { KycResult, KycSubmissionStatus } from './tables.ts';
import { toKyc, type Kyc, type KycStatus } from './view.ts';

export type KycRow = Row<'kyc_submissions'>;

const VIEW_COLUMNS = [
  'status',
  'address_result',
  'dob_result',
  'fraud_result',
  'idv_result',
  'ssn_last4',
  'created_at',
  'updated_at',
] as const;

export async function getKycStatus(db: Executor, userId: string): Promise<KycStatus> {
  const row = await db.selectFrom('kyc_submissions').select('status').where('user_id', '=', userId).executeTakeFirst();
  return row?.status ?? 'NOT_STARTED';
}

/** The legal name the user was KYC'd under (the user's name; KYC does not change it), or null for no such user. */
export async function getKycIdentity(
  db: Executor,
  userId: string,
): Promise<{ firstName: string; middleName: string | null; lastName: string } | null> {
  const row = await db
    .selectFrom('users')
    .select(['first_name', 'middle_name', 'last_name'])
    .where('id', '=', userId)
    .executeTakeFirst();
  return row ? { firstName: row.first_name, middleName: row.middle_name, lastName: row.last_name } : null;
}

export async function getKyc(db: Executor, userId: string): Promise<Kyc> {
  const row = await db
    .selectFrom('kyc_submissions')
    .select(VIEW_COLUMNS)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return toKyc(row);
}

export async function findKycRow(
  db: Executor,
  userId: string,
  opts: { forUpdate?: boolean } = {},
): Promise<(KycRow & { dob: string }) | undefined> {
  let q = db
    .selectFrom('kyc_submissions')
    .selectAll()
    .select(sql<string>`to_char(date_of_birth, 'YYYY-MM-DD')`.as('dob'))
    .where('user_id', '=', userId);
  if (opts.forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function insertKyc(
  db: Executor,
  row: Omit<KycRow, 'decided_at' | 'decided_by' | 'decision_reason' | 'provider_reference'>,
): Promise<void> {
  await db.insertInto('kyc_submissions').values(row).execute();
}

export interface KycOutcome {
  status: KycSubmissionStatus;
  addressResult: KycResult;
  dobResult: KycResult;
  fraudResult: KycResult;
  idvResult: KycResult;
}

/**
 * Moves a submission from one of `from` to `outcome.status`; returns the updated row, or undefined
 * when the submission was not in `from` any more (a concurrent decision won).
 */
export async function transitionKyc(
  db: Executor,
  userId: string,
  from: KycSubmissionStatus[],
  outcome: KycOutcome,
  meta: { now: Date; decidedBy: string | null; reason?: string | null; providerReference?: string | null },
): Promise<KycRow | undefined> {
  return db
    .updateTable('kyc_submissions')
    .set({
      status: outcome.status,
      address_result: outcome.addressResult,
      dob_result: outcome.dobResult,
      fraud_result: outcome.fraudResult,
      idv_result: outcome.idvResult,
      updated_at: meta.now,
      ...(outcome.status === 'APPROVED' || outcome.status === 'DECLINED'
        ? { decided_at: meta.now, decided_by: meta.decidedBy, decision_reason: meta.reason ?? null }
        : {}),
      ...(meta.providerReference !== undefined ? { provider_reference: meta.providerReference } : {}),
    })
    .where('user_id', '=', userId)
    .where('status', 'in', from)
    .returningAll()
    .executeTakeFirst();
}
