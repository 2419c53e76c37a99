// POST /v1/users/{userId}:calculateAchLimits. Limits exist once the user can buy: until KYC is
// approved and a bank account is linked and verified the answer is 422 with the documented code
// (transaction-limits.md: "You will receive 422 status until the limits have been calculated").
import type { AppContext } from '../../context.ts';
import { AppError } from '../../errors/app-error.ts';
import { assertKycApproved } from '../kyc/require-approved.ts';
import { readUserBankAccounts } from '../users/bank-accounts-reader.ts';
import { achUsage, limitsView, type CalculatedAchLimits } from './limits.ts';

export async function calculateAchLimits(ctx: AppContext, userId: string): Promise<CalculatedAchLimits> {
  await assertKycApproved(ctx, userId);
  const banks = await readUserBankAccounts(ctx.db, userId);
  if (!banks.some((b) => b.linkStatus === 'ACTIVE' && b.verificationStatus === 'APPROVED')) {
    throw new AppError('BANK_VERIFICATION_INCOMPLETE', {
      message:
        'The user has no bank account that is linked (linkStatus ACTIVE) and verified (verificationStatus APPROVED); link one with banks:requestLink and banks:activateLink',
      data: {
        bankAccounts: banks.map((b) => ({
          id: b.id,
          linkStatus: b.linkStatus,
          verificationStatus: b.verificationStatus,
        })),
      },
    });
  }
  return limitsView(ctx.config.product.limits, await achUsage(ctx.db, userId, ctx.clock.now()));
}
