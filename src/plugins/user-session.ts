// User sessions for routes that declare `config.user`: verifies `Authorization: Bearer <sessionJwt>`
// for the authenticated client, loads the server-side session into `request.session`, checks the
// factor level, and hands out a fresh JWT in `ratio-authentication-refresh` when the presented one is
// close to expiry. Runs after client authentication, before the body is read.
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors/app-error.ts';
import { assertFactors, rememberUserActive } from '../modules/auth/access.ts';
import type { UserSessions } from '../modules/auth/sessions.ts';
import type { UserAuth } from './types.ts';

export const REFRESH_HEADER = 'ratio-authentication-refresh';

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined || header === '') return undefined;
  const match = /^Bearer +([A-Za-z0-9_.~+/=-]+) *$/i.exec(header);
  if (!match)
    throw new AppError('INVALID_AUTHORIZATION', { message: 'The Authorization header must be "Bearer <sessionJwt>"' });
  return match[1];
}

export const userSessionPlugin = fp(async function userSessionPlugin(
  app: FastifyInstance,
  opts: { sessions: UserSessions },
) {
  app.decorateRequest('session', null);
  const authenticate = async (request: FastifyRequest, reply: FastifyReply, level: UserAuth, token: string) => {
    // Client authentication ran first; a route with a user level always authenticates a client.
    if (!request.client) throw new AppError('MISSING_CLIENT_ID');
    const { session, userActive, refreshJwt } = await opts.sessions.authenticate(token, request.client.id);
    rememberUserActive(session, userActive);
    request.session = session;
    if (refreshJwt) reply.header(REFRESH_HEADER, refreshJwt);
    assertFactors(session, level);
  };
  // A callback hook: the routes without a user session (most) cost no promise.
  app.addHook('onRequest', (request, reply, done) => {
    const level = request.routeOptions.config?.user;
    if (level === undefined || level === 'none') return done();
    const token = bearerToken(request);
    if (token === undefined) {
      if (level === 'optional') return done();
      throw new AppError('MISSING_AUTHORIZATION');
    }
    authenticate(request, reply, level, token).then(() => done(), done);
  });
});
