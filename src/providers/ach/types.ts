// An ACH originator: debits a user's bank account and later reports whether the debit settled or was
// returned. Chosen from config at start (ONRAMP_ACH_PROVIDER); domain code sees only this interface,
// through ctx.ach (src/modules/ach), which records every debit and runs settlement.

export type AchSpeed = 'INSTANT' | 'STANDARD';

export interface AchDebitRequest {
  /** The originator's id for this debit (the purchase id): the provider's idempotency key. */
  id: string;
  amountCents: bigint;
  routingNumber: string;
  accountNumber: string;
  /** The account holder's name, as NACHA's Individual Name. */
  accountName: string;
  speed: AchSpeed;
}

export type AchOrigination =
  | {
      status: 'ACCEPTED';
      providerRef: string;
      /** The New York business date ('YYYY-MM-DD') the debit is expected to settle. */
      expectedSettlementDate: string;
      /** When to first ask the provider for the outcome. */
      checkAt: Date;
    }
  | { status: 'REJECTED'; reason: AchRejectReason; message: string };

/** RISK: the originator's risk check refused it (nothing is debited). INVALID_ACCOUNT: bad routing/account number. */
export type AchRejectReason = 'RISK' | 'INVALID_ACCOUNT';

export type AchProviderStatus =
  | { status: 'PENDING'; checkAt?: Date }
  | { status: 'SETTLED'; at: Date }
  | { status: 'RETURNED'; returnCode: string; at: Date };

export interface AchProvider {
  readonly name: string;
  /** Idempotent on request.id: the same id always gives the same answer and debits at most once. */
  originate(request: AchDebitRequest): Promise<AchOrigination>;
  status(providerRef: string): Promise<AchProviderStatus>;
}

/** NACHA return codes the sandbox produces, with their meaning (for failure reasons and support). */
export const RETURN_CODES: Record<string, string> = {
  R01: 'Insufficient funds',
  R02: 'Account closed',
  R03: 'No account / unable to locate account',
  R04: 'Invalid account number',
  R10: 'Customer advises not authorized',
  R16: 'Account frozen',
  R29: 'Corporate customer advises not authorized',
};
