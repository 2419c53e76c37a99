import { Type } from '@sinclair/typebox';
import type { App } from '../../app-types.ts';
import type { AppContext } from '../../context.ts';
import { assertUserAccess } from '../auth/access.ts';
import { assertFlagsAllow } from '../flags/index.ts';
import { getUserActivity } from './get-activity.ts';
import { listUserActivity } from './list-activity.ts';
import { ActivityItemSchema, ActivityItemsSchema, ActivityParams, ListActivityQuery, UserIdParams } from './schemas.ts';

export { activitySchemas } from './schemas.ts';

export function registerActivityRoutes(app: App, ctx: AppContext): void {
  const tag = 'Activity';

  app.get('/v1/users/:userId/activity', {
    config: { auth: 'client', user: 'one', tag },
    schema: {
      operationId: 'listActivity',
      summary: 'List activity',
      description:
        "The user's transaction activity, newest first, whichever client initiated it. Filters: `fromCreateTime`, `toCreateTime`, " +
        '`walletId`, `cryptoCurrency`, `cryptoStatus`, `fiatStatus` (statuses may be repeated or comma-separated). ' +
        "Pass `nextPageToken` as `pageToken` for the next page; it keeps the first page's filters.",
      params: UserIdParams,
      querystring: ListActivityQuery,
      response: { 200: Type.Ref(ActivityItemsSchema) },
    },
    handler: async (request) => {
      assertUserAccess(request, request.params.userId);
      const userId = request.params.userId.toLowerCase();
      // Flagged users keep their history (user-account-flags README); only a suspension (F0000) hides it.
      await assertFlagsAllow(ctx.db, userId, 'READ');
      return listUserActivity(ctx.db, userId, request.query);
    },
  });

  app.get('/v1/users/:userId/activity/:activityId', {
    config: { auth: 'client', user: 'one', tag },
    schema: {
      operationId: 'getActivityItem',
      summary: 'Retrieve an activity item',
      params: ActivityParams,
      response: { 200: Type.Ref(ActivityItemSchema) },
    },
    handler: async (request) => {
      assertUserAccess(request, request.params.userId);
      const userId = request.params.userId.toLowerCase();
      await assertFlagsAllow(ctx.db, userId, 'READ');
      return getUserActivity(ctx.db, userId, request.params.activityId);
    },
  });
}
