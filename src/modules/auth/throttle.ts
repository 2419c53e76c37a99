// Limits that protect authentication, kept in the database (auth_throttles) so every API process
// enforces the same count. A counter row is locked (SELECT … FOR UPDATE) while it is checked and
// updated, so two concurrent requests cannot both take the last slot.
import type { Executor, Tx } from '../../db/index.ts';
import { AppError } from '../../errors/app-error.ts';
import type { Row } from '../../db/schema.ts';

export interface Limit {
  key: string;
  /** Uses allowed per window. */
  max: number;
  windowMs: number;
  /** Shortest time between two uses. */
  minGapMs?: number;
  /** What is limited, for the error message ("this phone number"). */
  label: string;
}

type ThrottleRow = Row<'auth_throttles'>;

async function lockRow(trx: Tx, key: string, now: Date): Promise<ThrottleRow> {
  await trx
    .insertInto('auth_throttles')
    .values({ key, count: 0, window_started_at: now })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  return trx.selectFrom('auth_throttles').selectAll().where('key', '=', key).forUpdate().executeTakeFirstOrThrow();
}

function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

/**
 * Counts one use against every limit, inside `trx`; if any limit is reached, nothing is counted and
 * 429 RATE_LIMITED is thrown with Retry-After (the longest wait among the limits reached).
 */
export async function consume(trx: Tx, now: Date, limits: Limit[]): Promise<void> {
  const sorted = [...limits].sort((a, b) => a.key.localeCompare(b.key)); // one lock order: no deadlocks
  const updates: Array<{ key: string; count: number; windowStart: Date }> = [];
  let waitMs = 0;
  let blocking: Limit | undefined;
  for (const limit of sorted) {
    const row = await lockRow(trx, limit.key, now);
    const fresh = row.window_started_at.getTime() + limit.windowMs <= now.getTime();
    const count = fresh ? 0 : row.count;
    const windowStart = fresh ? now : row.window_started_at;
    let wait = count >= limit.max ? windowStart.getTime() + limit.windowMs - now.getTime() : 0;
    if (limit.minGapMs && row.last_at) wait = Math.max(wait, row.last_at.getTime() + limit.minGapMs - now.getTime());
    if (wait > waitMs) [waitMs, blocking] = [wait, limit];
    updates.push({ key: limit.key, count: count + 1, windowStart });
  }
  if (blocking) {
    const seconds = retryAfterSeconds(waitMs);
    throw new AppError('RATE_LIMITED', {
      message: `Too many one-time codes for ${blocking.label} this hour; retry in ${seconds} s`,
      data: { retryAfterSeconds: seconds, limit: blocking.max, windowSeconds: blocking.windowMs / 1000 },
      headers: { 'retry-after': String(seconds) },
    });
  }
  for (const u of updates) {
    await trx
      .updateTable('auth_throttles')
      .set({ count: u.count, window_started_at: u.windowStart, last_at: now })
      .where('key', '=', u.key)
      .execute();
  }
}

export interface LockoutPolicy {
  /** Consecutive failures that lock the key… */
  failures: number;
  /** …for this long. */
  lockMs: number;
  /** Failures older than this no longer count towards the short lock. */
  windowMs: number;
  /** Consecutive failures, across locks, that block the key until an operator unlocks it. */
  maxConsecutive: number;
}

function lockedError(label: string, until: Date, now: Date): AppError {
  const seconds = retryAfterSeconds(until.getTime() - now.getTime());
  return new AppError('OTP_LOCKED', {
    message: `Too many wrong codes for ${label}; it is locked for ${Math.ceil(seconds / 60)} more minute(s). A new code does not lift the lock`,
    data: { retryAfterSeconds: seconds },
    headers: { 'retry-after': String(seconds) },
  });
}

function blockedError(label: string, failures: number): AppError {
  return new AppError('OTP_BLOCKED', {
    message: `${failures} wrong codes in a row for ${label}: one-time codes for it are blocked until support unlocks it (operator: onramp auth unlock)`,
    data: { consecutiveFailures: failures },
  });
}

type LockState = Pick<ThrottleRow, 'locked_until' | 'blocked_at' | 'consecutive_failures'>;

function lockError(row: LockState | undefined, label: string, now: Date): AppError | undefined {
  if (row?.blocked_at) return blockedError(label, row.consecutive_failures);
  if (row?.locked_until && row.locked_until.getTime() > now.getTime()) return lockedError(label, row.locked_until, now);
  return undefined;
}

/** 429 OTP_LOCKED while the key is locked out, 403 OTP_BLOCKED once blocked (a quick check before any work). */
export async function assertNotLocked(db: Executor, key: string, label: string, now: Date): Promise<void> {
  const row = await db
    .selectFrom('auth_throttles')
    .select(['locked_until', 'blocked_at', 'consecutive_failures'])
    .where('key', '=', key)
    .executeTakeFirst();
  const error = lockError(row, label, now);
  if (error) throw error;
}

/**
 * Takes the key's row lock for the rest of `trx` and returns the lock error if it is locked out:
 * attempts on one phone or email are then checked and counted one at a time, so a burst of parallel
 * guesses cannot slip past the lockout.
 */
export async function lockFailures(trx: Tx, key: string, label: string, now: Date): Promise<AppError | undefined> {
  return lockError(await lockRow(trx, key, now), label, now);
}

/** Counts a failure; returns the lock (or block) error when this failure locks the key. */
export async function recordFailure(
  trx: Tx,
  key: string,
  label: string,
  now: Date,
  policy: LockoutPolicy,
): Promise<AppError | undefined> {
  const row = await lockRow(trx, key, now);
  const lockOver = row.locked_until !== null && row.locked_until.getTime() <= now.getTime();
  const fresh = lockOver || row.window_started_at.getTime() + policy.windowMs <= now.getTime();
  const count = (fresh ? 0 : row.count) + 1;
  // The short lock's count starts again after each lock; this one does not (NIST SP 800-63B §5.2.2).
  const consecutive = row.consecutive_failures + 1;
  const blocked = consecutive >= policy.maxConsecutive;
  const lockedUntil = count >= policy.failures ? new Date(now.getTime() + policy.lockMs) : null;
  await trx
    .updateTable('auth_throttles')
    .set({
      count,
      window_started_at: fresh ? now : row.window_started_at,
      last_at: now,
      locked_until: lockedUntil,
      consecutive_failures: consecutive,
      blocked_at: blocked ? now : null,
    })
    .where('key', '=', key)
    .execute();
  if (blocked) return blockedError(label, consecutive);
  return lockedUntil ? lockedError(label, lockedUntil, now) : undefined;
}

/** A success ends the run of consecutive failures. */
export async function clearFailures(db: Executor, key: string): Promise<void> {
  await db.deleteFrom('auth_throttles').where('key', '=', key).execute();
}

/** The operator's recovery: forgets the key's failures, lock and block. Returns what it removed. */
export async function unlockFailures(db: Executor, key: string): Promise<LockState | undefined> {
  return db
    .deleteFrom('auth_throttles')
    .where('key', '=', key)
    .returning(['locked_until', 'blocked_at', 'consecutive_failures'])
    .executeTakeFirst();
}
