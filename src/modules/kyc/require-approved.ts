// The guard other modules use before money moves: the user's KYC must be APPROVED (purchases and
// their limits call it; 422 USER_KYC_INCOMPLETE otherwise, naming the status).
import type { AppContext } from '../../context.ts';
import { AppError } from '../../errors/app-error.ts';
import { getKycStatus } from './repository.ts';

export async function assertKycApproved(ctx: Pick<AppContext, 'db'>, userId: string): Promise<void> {
  const status = await getKycStatus(ctx.db, userId);
  if (status !== 'APPROVED') {
    throw new AppError('USER_KYC_INCOMPLETE', {
      message: `The user's KYC is ${status}; it must be APPROVED before buying (POST /v1/users/{userId}/kyc)`,
      data: { kycStatus: status },
    });
  }
}
