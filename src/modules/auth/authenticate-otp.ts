// POST /v1/auth/otp/sms:authenticate and email:authenticate — checks a code (single use, ten
// minutes, five wrong tries), counts failures per phone or email towards a lockout a new code does
// not reset, and adds the SMS or EMAIL factor to the session (a new one, or the JWT's).
import { AppError } from '../../errors/app-error.ts';
import { safeEqual } from '../../lib/crypto.ts';
import type { ClientPrincipal, UserSession } from '../../plugins/types.ts';
import { userMask, type UserMask } from '../clients/client-sessions.ts';
import type { AuthDeps } from './deps.ts';
import { consumeOtpCode, countFailedAttempt, findOtpCode, lockOtpCode, type OtpCodeRow } from './otp-repository.ts';
import { codeMatches, destinationLabel, failureKey, parseOtp, parseOtpId } from './otp.ts';
import { applyProof, type ProofResult } from './prove-factor.ts';
import { findUserIdByEmail, findUserIdByPhone } from './repository.ts';
import type { OtpChannel } from './tables.ts';
import { assertNotLocked, clearFailures, lockFailures, recordFailure } from './throttle.ts';

// Wrong codes are forgotten a day after the last one, unless they locked the phone or email.
const FAILURE_WINDOW_MS = 24 * 3600_000;

export interface AuthenticateOtpInput {
  /** `phoneId` or `emailId` from the send call. */
  id: string;
  otp: string;
}

export interface OtpAuthOutput {
  sessionJwt: string;
  userMask?: UserMask;
}

type Outcome = ProofResult | { ok: false; error: AppError };

export async function authenticateOtp(
  deps: AuthDeps,
  client: ClientPrincipal,
  session: UserSession | null,
  channel: OtpChannel,
  input: AuthenticateOtpInput,
): Promise<OtpAuthOutput> {
  const id = parseOtpId(channel, input.id);
  const otp = parseOtp(input.otp);
  const now = deps.clock.now();
  const known = await findOtpCode(deps.db, id, client.id, channel);
  if (!known)
    throw wrong(`No code was sent to this client with this ${channel === 'SMS' ? 'phoneId' : 'emailId'}`, 'unknown');
  const lockKey = failureKey(deps.keyring, channel, known.destination);
  await assertNotLocked(deps.db, lockKey, destinationLabel(channel), now);

  const outcome: Outcome = await deps.db.transaction().execute(async (trx) => {
    const code = (await lockOtpCode(trx, id, client.id, channel))!;
    const locked = await lockFailures(trx, lockKey, destinationLabel(channel), now);
    if (locked) return { ok: false, error: locked };
    const unusable = unusableReason(code, now, deps.config.otp.maxAttempts);
    if (unusable) return { ok: false, error: unusable };
    if (!matches(deps, channel, code, otp)) {
      await countFailedAttempt(trx, id);
      const lock = await recordFailure(trx, lockKey, destinationLabel(channel), now, {
        failures: deps.config.otp.lockoutFailures,
        lockMs: deps.config.otp.lockoutSeconds * 1000,
        windowMs: FAILURE_WINDOW_MS,
        maxConsecutive: deps.config.otp.maxConsecutiveFailures,
      });
      const left = deps.config.otp.maxAttempts - code.attempts - 1;
      return {
        ok: false,
        error:
          lock ??
          wrong(`The code is not correct; ${left} ${left === 1 ? 'try' : 'tries'} left for this code`, 'mismatch', {
            attemptsRemaining: left,
          }),
      };
    }
    await consumeOtpCode(trx, id, now);
    await clearFailures(trx, lockKey);
    const ownerId =
      (channel === 'SMS'
        ? await findUserIdByPhone(trx, code.destination)
        : await findUserIdByEmail(trx, code.destination)) ?? null;
    const proofCtx = {
      now,
      clientId: client.id,
      clientSessionHash: client.session?.idHash ?? null,
      sessionId: session?.id ?? null,
    };
    const proof =
      channel === 'SMS'
        ? { factor: 'SMS' as const, phone: code.destination, ownerId }
        : { factor: 'EMAIL' as const, email: code.destination, ownerId };
    return applyProof(trx, deps.sessions, proofCtx, proof);
  });
  if (!outcome.ok) throw outcome.error;
  await deps.sessions.sweepOccasionally();
  const sessionJwt = await deps.sessions.issue(outcome.sessionId, client.id);
  const mask = outcome.userId ? await userMask(deps.db, outcome.userId) : undefined;
  return { sessionJwt, ...(mask ? { userMask: mask } : {}) };
}

/** The stored code, or the test code a sandbox provider documents for this number. */
function matches(deps: AuthDeps, channel: OtpChannel, code: OtpCodeRow, otp: string): boolean {
  const byHash = codeMatches(deps.keyring, code.id, otp, code.code_hash);
  const fixed = channel === 'SMS' ? deps.messaging.sms.fixedCode?.(code.destination) : undefined;
  return byHash || (fixed !== undefined && safeEqual(fixed, otp));
}

function unusableReason(code: OtpCodeRow, now: Date, maxAttempts: number): AppError | undefined {
  if (code.consumed_at) return wrong('The code was already used; send a new one', 'used');
  if (code.expires_at.getTime() <= now.getTime()) return wrong('The code has expired; send a new one', 'expired');
  if (code.attempts >= maxAttempts)
    return wrong(`The code was entered wrong ${maxAttempts} times and no longer works; send a new one`, 'attempts');
  return undefined;
}

function wrong(message: string, rule: string, extra: Record<string, unknown> = {}): AppError {
  return new AppError('INVALID_OTP', { status: 401, message, data: { field: 'otp', rule, ...extra } });
}
