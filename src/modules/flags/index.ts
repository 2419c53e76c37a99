// Account flags as real state: set by the system (payments, risk, KYC review) or the operator, each
// change written to user_flags (who, why, when) and to the audit log in the caller's transaction.
import type { Executor } from '../../db/index.ts';
import { AppError } from '../../errors/app-error.ts';
import { newId } from '../../lib/crypto.ts';
import { blockingFlags, FLAGS, isFlagCode, type FlagAction, type FlagCode } from './definitions.ts';

export { FLAG_CODES, FLAGS, isFlagCode, type FlagAction, type FlagCode, type FlagDefinition } from './definitions.ts';

export interface FlagChange {
  userId: string;
  code: FlagCode;
  /** Why: shown to operators (never to the partner). */
  reason: string;
  /** `SYSTEM:<component>` (e.g. SYSTEM:purchases) or `OPERATOR:<who>`; anything else counts as SYSTEM. */
  actor: string;
  /** When: ctx.clock.now() (the sandbox clock may run ahead of the wall). */
  now: Date;
}

export interface ActiveFlag {
  code: FlagCode;
  reason: string;
  setBy: string;
  setAt: Date;
}

function actorType(actor: string): 'OPERATOR' | 'SYSTEM' {
  return actor.startsWith('OPERATOR') ? 'OPERATOR' : 'SYSTEM';
}

async function audit(
  trx: Executor,
  action: string,
  change: FlagChange,
  details: Record<string, unknown>,
): Promise<void> {
  await trx
    .insertInto('audit_log')
    .values({
      id: newId(),
      at: change.now,
      actor_type: actorType(change.actor),
      actor_id: change.actor,
      action,
      user_id: change.userId,
      subject_type: 'USER_FLAG',
      subject_id: change.code,
      details: JSON.stringify({ reason: change.reason, ...details }),
    })
    .execute();
}

/** Sets `code` on the user; a flag already active stays as it is. Returns whether it was newly set. */
export async function setFlag(trx: Executor, change: FlagChange): Promise<boolean> {
  if (!isFlagCode(change.code)) throw new Error(`unknown flag ${String(change.code)}`);
  const inserted = await trx
    .insertInto('user_flags')
    .values({
      id: newId(),
      user_id: change.userId,
      code: change.code,
      reason: change.reason,
      set_by: change.actor,
      set_at: change.now,
    })
    .onConflict((oc) => oc.columns(['user_id', 'code']).where('cleared_at', 'is', null).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) await audit(trx, 'flag.set', change, {});
  return inserted !== undefined;
}

/** Clears `code` if active. Returns whether a flag was cleared. */
export async function clearFlag(trx: Executor, change: FlagChange): Promise<boolean> {
  const cleared = await trx
    .updateTable('user_flags')
    .set({ cleared_at: change.now, cleared_by: change.actor, cleared_reason: change.reason })
    .where('user_id', '=', change.userId)
    .where('code', '=', change.code)
    .where('cleared_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  if (cleared) await audit(trx, 'flag.clear', change, {});
  return cleared !== undefined;
}

export async function activeFlags(db: Executor, userId: string): Promise<ActiveFlag[]> {
  const rows = await db
    .selectFrom('user_flags')
    .select(['code', 'reason', 'set_by', 'set_at'])
    .where('user_id', '=', userId)
    .where('cleared_at', 'is', null)
    .orderBy('set_at')
    .orderBy('code')
    .execute();
  return rows
    .filter((r) => isFlagCode(r.code))
    .map((r) => ({ code: r.code as FlagCode, reason: r.reason, setBy: r.set_by, setAt: r.set_at }));
}

/** Every flag ever set on the user, active or cleared (operator view). */
export async function flagHistory(db: Executor, userId: string) {
  return db
    .selectFrom('user_flags')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('set_at')
    .orderBy('code')
    .execute();
}

/**
 * The documented 403 (USER_BLOCKED or USER_UNDER_REVIEW, with the flag in `data`) when an active
 * flag blocks `action` for the user; undefined when nothing does.
 */
export async function flagBlock(db: Executor, userId: string, action: FlagAction): Promise<AppError | undefined> {
  const active = new Set((await activeFlags(db, userId)).map((f) => f.code));
  if (active.size === 0) return undefined;
  const blocking = blockingFlags(action).find((c) => active.has(c));
  if (blocking === undefined) return undefined;
  const flag = FLAGS[blocking];
  return new AppError(flag.errorCode, {
    message: `The user's account is flagged ${flag.code} (${flag.description}); ${action === 'READ' ? 'the account cannot be used' : 'no changes or purchases are allowed'} until it is resolved`,
    data: { flag: flag.code, flags: [...active].sort(), action },
  });
}

/** Throws flagBlock()'s error when an active flag blocks `action`. */
export async function assertFlagsAllow(db: Executor, userId: string, action: FlagAction): Promise<void> {
  const error = await flagBlock(db, userId, action);
  if (error) throw error;
}
