import type { Executor } from '../../db/index.ts';
import { AppError } from '../../errors/app-error.ts';
import { findActivity, toActivityItem, type ActivityItem } from './repository.ts';

export async function getUserActivity(db: Executor, userId: string, activityId: string): Promise<ActivityItem> {
  const row = await findActivity(db, userId, activityId.toLowerCase());
  if (!row)
    throw new AppError('NOT_FOUND_ACTIVITY', {
      message: `No activity item ${activityId} for this user`,
      data: { field: 'activityId' },
    });
  return toActivityItem(row);
}
