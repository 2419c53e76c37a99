// The sandbox clock: ctx.clock in sandbox mode. Sandbox time is the base clock (real time, or a test's
// ManualClock) plus an offset that only grows, kept in the database (sandbox_clock) so a restart keeps
// the sandbox's "today". POST /sandbox/clock:advance moves it; every process reads the stored offset at
// start and again whenever it syncs (the settlement job syncs before looking for due debits).
import type { Db } from '../../db/index.ts';
import type { Clock } from '../../lib/clock.ts';

/** The longest single move: ten years. */
export const MAX_ADVANCE_MS = 10 * 366 * 86_400_000;

export class SandboxClock implements Clock {
  private offsetMs: number;
  private readonly advanceHooks: Array<() => Promise<void>> = [];

  private constructor(
    private readonly db: Db,
    private readonly base: Clock,
    offsetMs: number,
  ) {
    this.offsetMs = offsetMs;
  }

  static async open(db: Db, base: Clock): Promise<SandboxClock> {
    return new SandboxClock(db, base, await readOffset(db));
  }

  now(): Date {
    return new Date(this.base.now().getTime() + this.offsetMs);
  }

  /** The base clock's time (real time outside tests): sandbox days pass, wire timestamps stay honest. */
  wall(): Date {
    return this.base.now();
  }

  /** How far sandbox time is ahead of the base clock. */
  offset(): number {
    return this.offsetMs;
  }

  /** Picks up a move made by another process. */
  async sync(): Promise<void> {
    this.offsetMs = Math.max(this.offsetMs, await readOffset(this.db));
  }

  /**
   * Work that must follow a jump of sandbox time in this process, before anyone looks at its
   * consequences (the built-in Plaid sandbox moves its transfers). Run by runAdvanceHooks().
   */
  onAdvance(hook: () => Promise<void>): void {
    this.advanceHooks.push(hook);
  }

  /** Runs every onAdvance hook in order; returns the errors of those that failed (the others still ran). */
  async runAdvanceHooks(): Promise<unknown[]> {
    const errors: unknown[] = [];
    for (const hook of this.advanceHooks) {
      try {
        await hook();
      } catch (error) {
        errors.push(error);
      }
    }
    return errors;
  }

  /** Moves sandbox time forward by `ms` (> 0) for every process sharing the database. */
  async advance(ms: number): Promise<Date> {
    if (!Number.isSafeInteger(ms) || ms <= 0 || ms > MAX_ADVANCE_MS)
      throw new RangeError(`advance must be 1 ms to ${MAX_ADVANCE_MS} ms, got ${ms}`);
    const row = await this.db
      .updateTable('sandbox_clock')
      .set((eb) => ({ offset_ms: eb('offset_ms', '+', BigInt(ms)), updated_at: new Date() }))
      .where('id', '=', true)
      .returning('offset_ms')
      .executeTakeFirstOrThrow();
    this.offsetMs = Number(row.offset_ms);
    return this.now();
  }
}

async function readOffset(db: Db): Promise<number> {
  const row = await db.selectFrom('sandbox_clock').select('offset_ms').where('id', '=', true).executeTakeFirst();
  return Number(row?.offset_ms ?? 0n);
}
