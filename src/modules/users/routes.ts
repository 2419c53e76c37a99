import { Type } from '@sinclair/typebox';
import type { App } from '../../app-types.ts';
import type { AppContext } from '../../context.ts';
import { assertUserAccess } from '../auth/access.ts';
import { assertFlagsAllow } from '../flags/index.ts';
import { requestActor } from './audit.ts';
import { createUser } from './create-user.ts';
import { CreateUserRequest, UserParams, UserSchema } from './schemas.ts';
import { loadUser } from './view.ts';

export { userSchemas } from './schemas.ts';

export function registerUserRoutes(app: App, ctx: AppContext): void {
  const tag = 'Users';
  const deps = { db: ctx.db, clock: ctx.clock, jobs: ctx.jobs };

  app.post('/v1/users', {
    config: { auth: 'client', user: 'two', tag, idempotency: { bindSessionUser: false } },
    schema: {
      operationId: 'createUser',
      summary: 'Create a user',
      description:
        "Creates the user of this session (create-a-user.md). The session must have proven SMS plus a wallet or an email; `phone` must be the number proven by SMS (and `email` the address, when one was proven). Phone and email are unique. The session becomes the new user's, and its wallet (or the client session's depositAddress) becomes the first deposit wallet. A welcome email follows.",
      body: CreateUserRequest,
      response: { 201: Type.Ref(UserSchema) },
    },
    handler: async (request, reply) => {
      const user = await createUser(deps, request.client!, request.session!, requestActor(request), request.body);
      return reply.code(201).send(user);
    },
  });

  app.get('/v1/users/:userId', {
    config: { auth: 'client', user: 'one', tag },
    schema: {
      operationId: 'getUser',
      summary: 'Get a user',
      description:
        'The user with KYC results, connected bank accounts and active account flags. The phone is masked; the SSN never appears. A suspended user (F0000) gets 403 USER_BLOCKED.',
      params: UserParams,
      response: { 200: Type.Ref(UserSchema) },
    },
    handler: async (request) => {
      const { userId } = request.params;
      assertUserAccess(request, userId);
      await assertFlagsAllow(ctx.db, userId, 'READ');
      return loadUser(ctx.db, userId);
    },
  });
}
