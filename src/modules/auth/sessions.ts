// Server-side user sessions behind the session JWT. A JWT lives minutes; the session lives while it
// is used (10 minutes idle), at most `session.maxSeconds`, and ends at once when revoked. Every
// authenticated request checks the session row, so revocation and idle expiry need no token list.
import { randomUUID } from 'node:crypto';
import type { AuthConfig } from './config.ts';
import type { Db } from '../../db/index.ts';
import { AppError } from '../../errors/app-error.ts';
import type { Clock } from '../../lib/clock.ts';
import type { UserSession } from '../../plugins/types.ts';
import type { SessionState } from './factors.ts';
import {
  deleteStaleAuthRows,
  findSessionWithAccess,
  revokeSession,
  revokeUserSessions,
  touchSession,
  type AuthSessionRow,
} from './repository.ts';
import type { SessionTokens } from './tokens.ts';

// Activity is written at most this often per session: enough precision for a 10-minute idle limit.
const TOUCH_GAP_MS = 15_000;
// Rows are deleted two days after they ended: past every idle limit (≤ 1 day), send window (1 hour)
// and failure window (1 day), and kept a while for support questions.
const RETENTION_MS = 2 * 24 * 3600_000;
const SWEEP_EVERY = 200;

export interface AuthenticatedSession {
  session: UserSession;
  /** The session's user is active on the calling client (user_clients). */
  userActive: boolean;
  /** A fresh JWT when the presented one is close to expiry. */
  refreshJwt?: string;
}

export function stateOf(row: AuthSessionRow): SessionState {
  return {
    userId: row.user_id,
    factors: row.factors,
    ...(row.wallet_address && row.wallet_type
      ? { wallet: { address: row.wallet_address, type: row.wallet_type } }
      : {}),
    ...(row.phone ? { phone: row.phone } : {}),
    ...(row.email ? { email: row.email } : {}),
  };
}

export function toUserSession(row: AuthSessionRow): UserSession {
  return { id: row.id, clientId: row.client_id, ...stateOf(row) };
}

export class UserSessions {
  private created = 0;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    readonly tokens: SessionTokens,
    private readonly config: AuthConfig,
  ) {}

  /** A new session row (not yet inserted), alive from now. */
  newRow(clientId: string, clientSessionHash: Uint8Array | null): AuthSessionRow {
    const now = this.clock.now();
    return {
      id: randomUUID(),
      client_id: clientId,
      client_session_hash: clientSessionHash ? Buffer.from(clientSessionHash) : null,
      user_id: null,
      factors: [],
      wallet_type: null,
      wallet_address: null,
      phone: null,
      email: null,
      link_user_id: null,
      created_at: now,
      last_seen_at: now,
      expires_at: new Date(now.getTime() + this.config.session.maxSeconds * 1000),
      revoked_at: null,
    };
  }

  /** Signs a JWT for the session. Called after each factor and for refreshes. */
  async issue(sessionId: string, clientId: string): Promise<string> {
    return this.tokens.sign(sessionId, clientId, this.clock.now());
  }

  /** Verifies `Authorization: Bearer <jwt>` for the calling client and loads the live session. */
  async authenticate(token: string, clientId: string): Promise<AuthenticatedSession> {
    const now = this.clock.now();
    const claims = await this.tokens.verify(token, clientId, now);
    const row = await findSessionWithAccess(this.db, claims.sessionId);
    if (!row || row.client_id !== clientId)
      throw new AppError('INVALID_AUTHORIZATION', {
        message:
          'This JWT is not current: its session ended, or was renewed when a factor was added (use the latest sessionJwt)',
      });
    if (row.revoked_at)
      throw new AppError('INVALID_AUTHORIZATION', {
        message: 'The session of this JWT has been signed out; authenticate again',
      });
    this.assertAlive(row, now);
    if (now.getTime() - row.last_seen_at.getTime() >= TOUCH_GAP_MS)
      await touchSession(this.db, row.id, now, TOUCH_GAP_MS);
    const result: AuthenticatedSession = { session: toUserSession(row), userActive: row.user_active };
    if (claims.exp * 1000 - now.getTime() <= this.config.jwt.refreshWithinSeconds * 1000) {
      result.refreshJwt = await this.tokens.sign(row.id, clientId, now);
    }
    return result;
  }

  /** Idle and absolute expiry. */
  assertAlive(row: AuthSessionRow, now: Date): void {
    if (row.last_seen_at.getTime() + this.config.session.idleSeconds * 1000 <= now.getTime()) {
      throw new AppError('EXPIRED_AUTHORIZATION', {
        message: `The session ended after ${Math.round(this.config.session.idleSeconds / 60)} minutes without use; authenticate again`,
      });
    }
    if (row.expires_at.getTime() <= now.getTime()) {
      throw new AppError('EXPIRED_AUTHORIZATION', {
        message: 'The session reached its maximum lifetime; authenticate again',
      });
    }
  }

  async revoke(sessionId: string): Promise<boolean> {
    return revokeSession(this.db, sessionId, this.clock.now());
  }

  /** Ends every session of the user (e.g. when the operator blocks the account). */
  async revokeUser(userId: string): Promise<number> {
    return revokeUserSessions(this.db, userId, this.clock.now());
  }

  /** Called after each sign-in: every so often, delete sessions, challenges, codes and counters that ended long ago. */
  async sweepOccasionally(): Promise<void> {
    this.created += 1;
    if (this.created % SWEEP_EVERY !== 0) return;
    await this.sweep();
  }

  async sweep(): Promise<void> {
    await deleteStaleAuthRows(this.db, new Date(this.clock.now().getTime() - RETENTION_MS));
  }
}
