// SQL for kyc_verifications: the vendor attempts behind a user's KYC, as last read from the vendor.
// The shareable link is a bearer link to the user's session, so it is encrypted at rest.
import type { Executor } from '../../db/index.ts';
import type { Row } from '../../db/schema.ts';
import type { KeyRing } from '../../lib/crypto.ts';
import type { KycCheckState } from '../../providers/kyc/index.ts';

export type VerificationRow = Row<'kyc_verifications'>;

const urlAad = (id: string) => `kyc_verifications.shareable_url:${id}`;

/** Inserts or refreshes an attempt from what the vendor said. The vendor's creation time never changes. */
export async function recordVerification(
  trx: Executor,
  keyring: KeyRing,
  row: { userId: string; provider: string; state: KycCheckState; now: Date },
): Promise<void> {
  const { state, now } = row;
  const url = state.documentsUrl ? keyring.encrypt(state.documentsUrl, urlAad(state.reference)) : null;
  const changing = {
    status: state.vendorStatus,
    documentary_status: state.documentaryStatus,
    shareable_url_ciphertext: url?.ciphertext ?? null,
    shareable_url_key_id: url?.keyId ?? null,
    completed_at: state.completedAt,
    updated_at: now,
  };
  await trx
    .insertInto('kyc_verifications')
    .values({
      id: state.reference,
      user_id: row.userId,
      provider: row.provider,
      template_id: state.templateId,
      previous_id: state.previousReference,
      vendor_created_at: state.createdAt,
      created_at: now,
      ...changing,
    })
    .onConflict((oc) => oc.column('id').doUpdateSet(changing))
    .execute();
}

export function findVerification(db: Executor, id: string): Promise<VerificationRow | undefined> {
  return db.selectFrom('kyc_verifications').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The user's attempts, newest first. */
export function userVerifications(db: Executor, userId: string, limit = 20): Promise<VerificationRow[]> {
  return db
    .selectFrom('kyc_verifications')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('vendor_created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

export async function latestVerification(db: Executor, userId: string): Promise<VerificationRow | undefined> {
  return (await userVerifications(db, userId, 1))[0];
}

export async function countVerifications(db: Executor, userId: string): Promise<number> {
  const row = await db
    .selectFrom('kyc_verifications')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The documentary link of an attempt waiting for documents, decrypted. */
export function documentsUrlOf(keyring: KeyRing, row: VerificationRow): string | null {
  if (!row.shareable_url_ciphertext || !row.shareable_url_key_id) return null;
  return keyring.decrypt({ keyId: row.shareable_url_key_id, ciphertext: row.shareable_url_ciphertext }, urlAad(row.id));
}

/**
 * Claims the right to retry `id` (POST /idv), unless another request claimed it less than `staleMs`
 * ago (that one is creating the next attempt). Returns whether this caller holds the claim.
 */
export async function claimRetry(db: Executor, id: string, now: Date, staleMs: number): Promise<boolean> {
  const claimed = await db
    .updateTable('kyc_verifications')
    .set({ retry_claimed_at: now })
    .where('id', '=', id)
    .where((eb) =>
      eb.or([eb('retry_claimed_at', 'is', null), eb('retry_claimed_at', '<', new Date(now.getTime() - staleMs))]),
    )
    .executeTakeFirst();
  return Number(claimed.numUpdatedRows) > 0;
}

export async function releaseRetry(db: Executor, id: string): Promise<void> {
  await db.updateTable('kyc_verifications').set({ retry_claimed_at: null }).where('id', '=', id).execute();
}

export async function countPoll(db: Executor, id: string): Promise<void> {
  await db
    .updateTable('kyc_verifications')
    .set((eb) => ({ polls: eb('polls', '+', 1) }))
    .where('id', '=', id)
    .execute();
}
