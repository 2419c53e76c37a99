// DELETE /v1/users/{userId}/banks/{bankId}: removes the Plaid item (so the bank stops being read and
// billed), then marks the bank deleted (INACTIVE) with its BANK_UPDATED event. The row stays for the
// purchases that refer to it; the user may link another bank.
import type { AppContext } from '../../context.ts';
import { AppError } from '../../errors/app-error.ts';
import { assertFlagsAllow } from '../flags/index.ts';
import { PlaidCallError, plaidCall } from './plaid-call.ts';
import { decryptAccessToken, findBank, publishBankUpdated } from './repository.ts';

export async function deleteBank(ctx: AppContext, userId: string, bankId: string): Promise<void> {
  await assertFlagsAllow(ctx.db, userId, 'LINK_BANK');
  const bank = await findBank(ctx.db, userId, bankId);
  if (!bank)
    throw new AppError('NOT_FOUND_BANK', { message: `No bank ${bankId} for this user`, data: { field: 'bankId' } });
  try {
    await plaidCall(
      ctx.log,
      'item/remove',
      () => ctx.plaid.api().itemRemove({ access_token: decryptAccessToken(ctx.secrets.keyring, bank) }),
      ['ITEM_NOT_FOUND', 'INVALID_ACCESS_TOKEN'],
    );
  } catch (error) {
    // Already removed at Plaid (by an earlier, interrupted delete): nothing left to remove there.
    if (!(error instanceof PlaidCallError)) throw error;
  }
  await ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    const deleted = await trx
      .updateTable('banks')
      .set({ link_status: 'INACTIVE', deleted_at: now, updated_at: now })
      .where('id', '=', bank.id)
      .where('deleted_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (deleted) await publishBankUpdated(ctx.events, trx, deleted);
  });
}
