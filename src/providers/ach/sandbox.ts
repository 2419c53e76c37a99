// The sandbox ACH originator: a real implementation of guides/sandbox-testing.md's ACH rules on the
// sandbox clock and the Federal Reserve calendar.
//
//   $123.45                      → rejected by the risk check at origination; nothing is debited
//   more than $50.00             → returned R01 (insufficient funds) when it would have settled
//                                  (STANDARD: before any crypto is sent; INSTANT: after delivery)
//   otherwise                    → settles
//
// A debit originated on a business day before the 16:00 New York cutoff takes that day as its
// effective date, otherwise the next business day; it settles (or is returned) `settlementBusinessDays`
// business days later at 09:00 New York time.
import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/index.ts';
import {
  addBusinessDays,
  isBusinessDay,
  newYorkInstant,
  newYorkTime,
  nextBusinessDay,
} from '../../lib/business-days.ts';
import type { Clock } from '../../lib/clock.ts';
import type { AchDebitRequest, AchOrigination, AchProvider, AchProviderStatus } from './types.ts';

export const SANDBOX_RISK_REJECT_CENTS = 12_345n;
export const SANDBOX_RETURN_ABOVE_CENTS = 5_000n;
export const SANDBOX_RETURN_CODE = 'R01';
const CUTOFF_HOUR = 16;
const SETTLEMENT_HOUR = 9;

export class SandboxAchProvider implements AchProvider {
  readonly name = 'sandbox';
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly settlementBusinessDays: number,
  ) {}

  async originate(request: AchDebitRequest): Promise<AchOrigination> {
    const existing = await this.db
      .selectFrom('sandbox_ach_transfers')
      .selectAll()
      .where('id', '=', request.id)
      .executeTakeFirst();
    const row = existing ?? (await this.record(request));
    if (row.amount_cents !== request.amountCents)
      throw new Error(`sandbox ACH: debit ${request.id} was originated with another amount`);
    if (row.outcome === 'REJECT')
      return { status: 'REJECTED', reason: 'RISK', message: row.reject_reason ?? 'Rejected by the risk check' };
    return {
      status: 'ACCEPTED',
      providerRef: row.provider_ref,
      expectedSettlementDate: row.settlement_date!,
      checkAt: row.resolves_at!,
    };
  }

  async status(providerRef: string): Promise<AchProviderStatus> {
    const row = await this.db
      .selectFrom('sandbox_ach_transfers')
      .selectAll()
      .where('provider_ref', '=', providerRef)
      .executeTakeFirst();
    if (!row || row.outcome === 'REJECT') throw new Error(`sandbox ACH: no accepted debit ${providerRef}`);
    if (this.clock.now() < row.resolves_at!) return { status: 'PENDING', checkAt: row.resolves_at! };
    return row.outcome === 'RETURN'
      ? { status: 'RETURNED', returnCode: row.return_code!, at: row.resolves_at! }
      : { status: 'SETTLED', at: row.resolves_at! };
  }

  private async record(request: AchDebitRequest) {
    const now = this.clock.now();
    const outcome =
      request.amountCents === SANDBOX_RISK_REJECT_CENTS
        ? 'REJECT'
        : request.amountCents > SANDBOX_RETURN_ABOVE_CENTS
          ? 'RETURN'
          : 'SETTLE';
    const ny = newYorkTime(now);
    const effectiveDate = isBusinessDay(ny.date) && ny.hour < CUTOFF_HOUR ? ny.date : nextBusinessDay(ny.date);
    const settlementDate = addBusinessDays(effectiveDate, this.settlementBusinessDays);
    const accepted = outcome !== 'REJECT';
    await this.db
      .insertInto('sandbox_ach_transfers')
      .values({
        id: request.id,
        provider_ref: `sbach_${randomBytes(12).toString('hex')}`,
        amount_cents: request.amountCents,
        speed: request.speed,
        routing_number: request.routingNumber,
        account_mask: request.accountNumber.slice(-4),
        outcome,
        return_code: outcome === 'RETURN' ? SANDBOX_RETURN_CODE : null,
        reject_reason: accepted ? null : 'Sandbox risk assessment rejected the payment (fiatAmount $123.45)',
        effective_date: accepted ? effectiveDate : null,
        settlement_date: accepted ? settlementDate : null,
        resolves_at: accepted ? newYorkInstant(settlementDate, SETTLEMENT_HOUR) : null,
        created_at: now,
      })
      // Two concurrent originations with one id: the first row wins and both read it back.
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    return this.db
      .selectFrom('sandbox_ach_transfers')
      .selectAll()
      .where('id', '=', request.id)
      .executeTakeFirstOrThrow();
  }
}
