// Dashboard browser sessions. The cookie carries a random token; the database keeps its SHA-256.
// The CSRF token is an HMAC of the cookie's token under the server key ring: the page reads it from
// GET /dashboard/api/session (same origin only) and sends it as x-csrf-token on every write, which
// a cross-site form or script cannot do. A session ends after the idle time without a request, at
// its absolute lifetime, on sign-out, or when its member is removed (on delete cascade).
import type { AppContext } from '../../context.ts';
import { AppError } from '../../errors/app-error.ts';
import { newSecret, safeEqual, sha256 } from '../../lib/crypto.ts';
import { findSession, insertSession, markSignedIn, revokeSession, touchSession } from './repository.ts';
import type { MemberRole } from './tables.ts';

export const SESSION_COOKIE = 'onramp_dashboard';

/** Who is signed in, checked on every dashboard request. */
export interface DashboardPrincipal {
  sessionIdHash: Buffer;
  memberId: string;
  clientId: string;
  clientName: string;
  email: string;
  role: MemberRole;
  expiresAt: Date;
  idleExpiresAt: Date;
}

export interface RequestMeta {
  ip: string;
  userAgent: string | undefined;
  requestId: string;
}

export interface NewSession {
  token: string;
  memberId: string;
  expiresAt: Date;
}

export async function startSession(ctx: AppContext, memberId: string, meta: RequestMeta): Promise<NewSession> {
  const now = ctx.clock.now();
  const token = newSecret('ds_');
  const expiresAt = new Date(now.getTime() + ctx.config.dashboard.sessionMaxSeconds * 1000);
  await insertSession(ctx.db, {
    id_hash: sha256(token),
    member_id: memberId,
    created_at: now,
    last_seen_at: now,
    expires_at: expiresAt,
    revoked_at: null,
    ip: meta.ip,
    user_agent: meta.userAgent?.slice(0, 300) ?? null,
  });
  await markSignedIn(ctx.db, memberId, now);
  return { token, memberId, expiresAt };
}

export function csrfTokenFor(ctx: AppContext, sessionToken: string): string {
  return ctx.secrets.keyring.blindIndex(sessionToken, 'dashboard-csrf');
}

export function csrfMatches(ctx: AppContext, sessionToken: string, presented: string | undefined): boolean {
  return presented !== undefined && safeEqual(csrfTokenFor(ctx, sessionToken), presented);
}

const signInRequired = (why: string) => new AppError('DASHBOARD_SIGN_IN_REQUIRED', { data: { reason: why } });

/** The session behind the cookie's token, or 401 DASHBOARD_SIGN_IN_REQUIRED saying why not. */
export async function authenticateSession(ctx: AppContext, token: string | undefined): Promise<DashboardPrincipal> {
  if (token === undefined || token.length < 16 || token.length > 128) throw signInRequired('missing');
  const idHash = sha256(token);
  const found = await findSession(ctx.db, idHash);
  if (!found) throw signInRequired('unknown');
  const { session, member } = found;
  const now = ctx.clock.now();
  const idleMs = ctx.config.dashboard.sessionIdleSeconds * 1000;
  if (session.revoked_at) throw signInRequired('signedOut');
  if (session.expires_at.getTime() <= now.getTime()) throw signInRequired('expired');
  if (session.last_seen_at.getTime() + idleMs <= now.getTime()) throw signInRequired('idle');
  if (found.clientStatus !== 'ACTIVE') throw new AppError('CLIENT_DISABLED');
  await touchSession(ctx.db, idHash, now);
  return {
    sessionIdHash: idHash,
    memberId: member.id,
    clientId: member.client_id,
    clientName: found.clientName,
    email: member.email,
    role: member.role,
    expiresAt: session.expires_at,
    idleExpiresAt: new Date(Math.min(now.getTime() + idleMs, session.expires_at.getTime())),
  };
}

export async function endSession(ctx: AppContext, principal: DashboardPrincipal): Promise<void> {
  await revokeSession(ctx.db, principal.sessionIdHash, ctx.clock.now());
}
