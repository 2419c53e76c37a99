// Signing in to the dashboard: a six-digit code by email (the API's one-time code machinery: codes
// from the CSPRNG stored as keyed hashes, send throttles per address and IP, five tries per code, a
// lockout per address that a new code does not lift), or a one-time sign-in link (the sandbox
// banner's). An address that is no member's gets the same answer and no email, so the form does not
// tell who is a member.
import { randomInt } from 'node:crypto';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../errors/app-error.ts';
import { digestsEqual, newId, newSecret, sha256 } from '../../lib/crypto.ts';
import { maskEmail, parseEmail } from '../../lib/email.ts';
import { otpEmail } from '../auth/otp-messages.ts';
import { ipKey } from '../auth/otp.ts';
import { assertNotLocked, clearFailures, consume, lockFailures, recordFailure } from '../auth/throttle.ts';
import { auditMember } from './audit.ts';
import {
  consumeSignInCode,
  countCodeAttempt,
  deleteOldSignInCodes,
  findMemberById,
  insertSignInCode,
  insertSignInLink,
  lockSignInCode,
  membershipsOf,
  useSignInLink,
  type SignInCodeRow,
} from './repository.ts';
import { startSession, type NewSession, type RequestMeta } from './sessions.ts';

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;
const ID_RE = /^dsi_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

const blind = (ctx: AppContext, email: string) => ctx.secrets.keyring.blindIndex(email, 'throttle');
const failureKey = (ctx: AppContext, email: string) => `dashboard-fail:${blind(ctx, email)}`;
const codeHash = (ctx: AppContext, id: string, code: string) =>
  ctx.secrets.keyring.blindIndex(`${id}:${code}`, 'dashboard-code');

export interface SentCode {
  signInId: string;
  emailMask: string;
}

export async function sendSignInCode(ctx: AppContext, ip: string, emailInput: string): Promise<SentCode> {
  const email = parseEmail(emailInput, 'email');
  const id = newId();
  const answer = { signInId: `dsi_${id}`, emailMask: maskEmail(email) };
  const memberships = await membershipsOf(ctx.db, email);
  if (memberships.length === 0) return answer;
  const now = ctx.clock.now();
  const { otp } = ctx.config.auth;
  await assertNotLocked(ctx.db, failureKey(ctx, email), 'this email address', now);
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  await ctx.db.transaction().execute(async (trx) => {
    await consume(trx, now, [
      {
        key: `dashboard-send:${blind(ctx, email)}`,
        max: otp.sendsPerDestinationPerHour,
        windowMs: HOUR_MS,
        minGapMs: otp.resendIntervalSeconds * 1000,
        label: 'this email address',
      },
      { key: ipKey(ctx.secrets.keyring, ip), max: otp.sendsPerIpPerHour, windowMs: HOUR_MS, label: 'this IP address' },
    ]);
    await deleteOldSignInCodes(trx, new Date(now.getTime() - DAY_MS));
    await insertSignInCode(trx, {
      id,
      email,
      code_hash: codeHash(ctx, id, code),
      created_at: now,
      expires_at: new Date(now.getTime() + ctx.config.dashboard.codeTtlSeconds * 1000),
      consumed_at: null,
    });
  });
  const brand = `${ctx.messaging.brandName} dashboard`;
  const message = otpEmail(brand, email, code, Math.round(ctx.config.dashboard.codeTtlSeconds / 60));
  // The sandbox inbox shows a message to the client it was sent for: the member's (first) client.
  await ctx.messaging.sendEmail({
    ...message,
    subject: `Your ${brand} sign-in code`,
    clientId: memberships[0]!.client_id,
  });
  return answer;
}

const wrongCode = (rule: string, extra: Record<string, unknown> = {}) =>
  new AppError('INVALID_SIGN_IN_CODE', { data: { field: 'code', rule, ...extra } });

function unusable(row: SignInCodeRow, now: Date, maxAttempts: number): AppError | undefined {
  if (row.consumed_at) return wrongCode('used');
  if (row.expires_at.getTime() <= now.getTime()) return wrongCode('expired');
  if (row.attempts >= maxAttempts) return wrongCode('attempts');
  return undefined;
}

type Checked = { ok: true; email: string } | { ok: false; error: AppError };

/** Checks the code (counting a wrong one towards the lockout) and starts a session for the member. */
export async function verifySignInCode(
  ctx: AppContext,
  input: { signInId: string; code: string },
  meta: RequestMeta,
): Promise<NewSession> {
  const id = ID_RE.exec(input.signInId)?.[1];
  if (!id) throw new AppError('INVALID_BODY', { data: { field: 'signInId', rule: 'format' } });
  if (!/^\d{6}$/.test(input.code)) throw wrongCode('sixDigits');
  const now = ctx.clock.now();
  const { otp } = ctx.config.auth;
  const checked: Checked = await ctx.db.transaction().execute(async (trx) => {
    const row = await lockSignInCode(trx, id);
    if (!row) return { ok: false, error: wrongCode('unknown') };
    const key = failureKey(ctx, row.email);
    const locked = await lockFailures(trx, key, 'this email address', now);
    if (locked) return { ok: false, error: locked };
    const bad = unusable(row, now, otp.maxAttempts);
    if (bad) return { ok: false, error: bad };
    if (!digestsEqual(Buffer.from(codeHash(ctx, id, input.code)), Buffer.from(row.code_hash))) {
      await countCodeAttempt(trx, id);
      const lock = await recordFailure(trx, key, 'this email address', now, {
        failures: otp.lockoutFailures,
        lockMs: otp.lockoutSeconds * 1000,
        windowMs: DAY_MS,
        maxConsecutive: otp.maxConsecutiveFailures,
      });
      return {
        ok: false,
        error: lock ?? wrongCode('mismatch', { attemptsRemaining: otp.maxAttempts - row.attempts - 1 }),
      };
    }
    await consumeSignInCode(trx, id, now);
    await clearFailures(trx, key);
    return { ok: true, email: row.email };
  });
  if (!checked.ok) throw checked.error;
  const [membership] = await membershipsOf(ctx.db, checked.email);
  if (!membership) throw wrongCode('noMembership');
  return signedIn(ctx, membership.id, membership.client_id, meta, 'code');
}

async function signedIn(
  ctx: AppContext,
  memberId: string,
  clientId: string,
  meta: RequestMeta,
  via: string,
): Promise<NewSession> {
  const session = await startSession(ctx, memberId, meta);
  await auditMember(
    ctx.db,
    { memberId, clientId, requestId: meta.requestId, ip: meta.ip },
    {
      action: 'dashboard.sign_in',
      subjectType: 'DASHBOARD_MEMBER',
      subjectId: memberId,
      at: ctx.clock.now(),
      details: { via },
    },
  );
  return session;
}

/**
 * A one-time link that signs `memberId` in (the sandbox banner prints one for the demo admin).
 * Returns the path to append to the server's address.
 */
export async function createSignInLink(ctx: AppContext, memberId: string): Promise<{ path: string; expiresAt: Date }> {
  const token = newSecret('dsl_');
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + ctx.config.dashboard.signInLinkTtlSeconds * 1000);
  await insertSignInLink(ctx.db, {
    token_hash: sha256(token),
    member_id: memberId,
    created_at: now,
    expires_at: expiresAt,
  });
  // In the fragment: it never reaches server logs or a Referer header.
  return { path: `/dashboard/sign-in#link=${token}`, expiresAt };
}

export async function signInWithLink(ctx: AppContext, token: string, meta: RequestMeta): Promise<NewSession> {
  const memberId = await useSignInLink(ctx.db, sha256(token), ctx.clock.now());
  const member = memberId ? await findMemberById(ctx.db, memberId) : undefined;
  if (!member) throw new AppError('INVALID_SIGN_IN_LINK', { data: { field: 'token' } });
  return signedIn(ctx, member.id, member.client_id, meta, 'link');
}

/** Another client the same email is a member of: a new session there (the old one ends). */
export async function switchClient(
  ctx: AppContext,
  email: string,
  clientId: string,
  meta: RequestMeta,
): Promise<NewSession> {
  const target = (await membershipsOf(ctx.db, email)).find((m) => m.client_id === clientId);
  if (!target) throw new AppError('NOT_FOUND_MEMBER', { data: { clientId } });
  return signedIn(ctx, target.id, target.client_id, meta, 'switch');
}
