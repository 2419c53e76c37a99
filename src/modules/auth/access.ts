// What other modules call to check the user session: access to a `:userId`, the state needed to
// create a user, and the factor levels. The session itself is loaded by plugins/user-session.ts.
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../errors/app-error.ts';
import { normalizeEmail } from '../../lib/email.ts';
import type { UserAuth, UserSession } from '../../plugins/types.ts';
import { hasTwoFactors } from './factors.ts';

// Whether each loaded session's user is active on the calling client, filled in by the plugin from
// the same query that loads the session (no second round trip per request).
const userActiveOnClient = new WeakMap<UserSession, boolean>();

export function rememberUserActive(session: UserSession, active: boolean): void {
  userActiveOnClient.set(session, active);
}

/** Throws MFA_REQUIRED unless the session meets `level` ('one' is met by any session). */
export function assertFactors(session: UserSession, level: UserAuth): void {
  if (level !== 'two' || hasTwoFactors(session.factors)) return;
  const missing = session.factors.includes('SMS') ? 'a wallet signature or an email code' : 'an SMS code';
  throw new AppError('MFA_REQUIRED', {
    message:
      `This operation needs two factors, one of them SMS (SMS + wallet or SMS + email); this session has proven ${describe(session)}. ` +
      `Add ${missing}: call ${session.factors.includes('SMS') ? 'cryptoWallet:start or otp/email:send' : 'POST /v1/auth/otp/sms:send'} with this JWT, then authenticate it with this JWT`,
    data: { factors: session.factors, required: ['SMS', 'WALLET|EMAIL'] },
  });
}

function describe(session: UserSession): string {
  return session.factors.length === 0 ? 'nothing' : session.factors.join(' + ');
}

/**
 * For routes with a `:userId`: the session must be that user's, and the user active on the calling
 * client. Anything else is 404 NOT_FOUND_USER, so another user's id reveals nothing.
 */
export function assertUserAccess(request: FastifyRequest, userId: string): UserSession {
  const session = request.session;
  if (!session) throw new AppError('MISSING_AUTHORIZATION');
  if (session.clientId !== request.client?.id)
    throw new AppError('INVALID_AUTHORIZATION', { message: 'The session JWT belongs to another client' });
  if (session.userId === null || session.userId !== userId.toLowerCase() || userActiveOnClient.get(session) !== true) {
    throw new AppError('NOT_FOUND_USER', {
      message: `No user ${userId} is visible to this session`,
      data: { field: 'userId' },
    });
  }
  return session;
}

/** The session's user, for routes without a `:userId` that act on "my" user; 404 when the session has none. */
export function requireSessionUser(request: FastifyRequest): string {
  const session = request.session;
  if (!session) throw new AppError('MISSING_AUTHORIZATION');
  if (session.userId === null || userActiveOnClient.get(session) !== true) {
    throw new AppError('NOT_FOUND_USER', { message: 'This session is not signed in to a user of this client' });
  }
  return session.userId;
}

/**
 * What POST /v1/users checks before creating a user: no user yet, SMS + (wallet or email) proven in
 * this session, and the phone (and email, when proven) of the new user are the ones proven.
 */
export function assertCanCreateUser(session: UserSession, user: { phone: string; email: string }): void {
  if (session.userId !== null)
    throw new AppError('ALREADY_EXISTS_USER', { message: 'This session is already signed in to a user' });
  assertFactors(session, 'two');
  if (session.phone !== user.phone) {
    throw new AppError('MISMATCH_PHONE', {
      message: '`phone` must be the phone number proven by SMS in this session',
      data: { field: 'phone' },
    });
  }
  if (session.email !== undefined && session.email !== normalizeEmail(user.email)) {
    throw new AppError('MISMATCH_EMAIL', {
      message: '`email` must be the email address proven in this session',
      data: { field: 'email' },
    });
  }
}
