// SQL for one-time codes.
import type { Executor } from '../../db/index.ts';
import type { Row } from '../../db/schema.ts';
import type { OtpChannel } from './tables.ts';

export type OtpCodeRow = Row<'otp_codes'>;

export async function insertOtpCode(db: Executor, row: OtpCodeRow): Promise<void> {
  await db.insertInto('otp_codes').values(row).execute();
}

export async function lockOtpCode(
  db: Executor,
  id: string,
  clientId: string,
  channel: OtpChannel,
): Promise<OtpCodeRow | undefined> {
  return db
    .selectFrom('otp_codes')
    .selectAll()
    .where('id', '=', id)
    .where('client_id', '=', clientId)
    .where('channel', '=', channel)
    .forUpdate()
    .executeTakeFirst();
}

export async function findOtpCode(
  db: Executor,
  id: string,
  clientId: string,
  channel: OtpChannel,
): Promise<OtpCodeRow | undefined> {
  return db
    .selectFrom('otp_codes')
    .selectAll()
    .where('id', '=', id)
    .where('client_id', '=', clientId)
    .where('channel', '=', channel)
    .executeTakeFirst();
}

export async function countFailedAttempt(db: Executor, id: string): Promise<void> {
  await db
    .updateTable('otp_codes')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .execute();
}

/** Consumes the code; false when it was consumed already. */
export async function consumeOtpCode(db: Executor, id: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('otp_codes')
    .set({ consumed_at: now })
    .where('id', '=', id)
    .where('consumed_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Codes for this destination that ended more than a day ago. */
export async function deleteOldOtpCodes(
  db: Executor,
  channel: OtpChannel,
  destination: string,
  before: Date,
): Promise<void> {
  await db
    .deleteFrom('otp_codes')
    .where('channel', '=', channel)
    .where('destination', '=', destination)
    .where('expires_at', '<', before)
    .execute();
}
