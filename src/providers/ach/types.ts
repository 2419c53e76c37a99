// An ACH originator in Plaid Transfer's terms: an authorization (the originator's risk decision), a
// transfer made from it, an event stream that tells what happened to transfers and refunds, and
// refunds. ctx.ach (src/modules/ach) records every step before it calls out and applies the events;
// this interface only speaks to the originator. ONRAMP_ACH_PROVIDER picks it (plaid, or none).
import type { AchClass, AchNetwork } from '../../modules/ach/config.ts';
import type { UsdCents } from '../../lib/money.ts';

export type AchSpeed = 'INSTANT' | 'STANDARD';

export interface AchAuthorizationRequest {
  /** Plaid's idempotency_key (≤ 50 characters): the same key answers the same authorization. */
  idempotencyKey: string;
  accessToken: string;
  accountId: string;
  amountCents: UsdCents;
  network: AchNetwork;
  achClass: AchClass;
  legalName: string;
  email?: string | undefined;
  phone?: string | undefined;
}

export interface AchRationale {
  code: string;
  description: string;
}

export interface AchAuthorization {
  authorizationId: string;
  decision: 'approved' | 'declined' | 'user_action_required';
  /** Always set when declined; when approved, non-null means the risk check could not run. */
  rationale: AchRationale | null;
}

export interface AchTransferRequest {
  /** Also the idempotency of /transfer/create: one transfer per authorization. */
  authorizationId: string;
  accessToken: string;
  accountId: string;
  amountCents: UsdCents;
  description: string;
  metadata: Record<string, string>;
}

export interface AchTransfer {
  transferId: string;
  status: string;
  network: AchNetwork;
  /** 'YYYY-MM-DD' when the originator says. */
  expectedSettlementDate: string | null;
  metadata: Record<string, string> | null;
}

export interface AchEvent {
  /** Sequential, per originator account. */
  eventId: bigint;
  /** Plaid's TransferEventType: pending, posted, settled, returned, refund.settled, swept, … */
  type: string;
  /** '' for ledger sweep events. */
  transferId: string;
  refundId: string | null;
  sweepId: string | null;
  at: Date;
  amountCents: UsdCents | null;
  failureCode: string | null;
  failureDescription: string | null;
  raw: Record<string, unknown>;
}

export interface AchRefundRequest {
  transferId: string;
  amountCents: UsdCents;
  idempotencyKey: string;
}

export interface AchProvider {
  readonly name: string;
  authorize(request: AchAuthorizationRequest): Promise<AchAuthorization>;
  createTransfer(request: AchTransferRequest): Promise<AchTransfer>;
  getTransfer(transferId: string): Promise<AchTransfer>;
  /** Events after `afterId`, oldest first, at most `count`. */
  events(afterId: bigint, count: number): Promise<{ events: AchEvent[]; hasMore: boolean }>;
  refund(request: AchRefundRequest): Promise<{ refundId: string; status: string }>;
  /** One cheap read, to tell whether the originator answers (readiness). */
  ping(): Promise<void>;
}

/**
 * REFUSED: the originator answered with an error object — nothing was done, the same request will
 * not do better. UNAVAILABLE: no answer, a timeout or a server error — it may have been done, so retry
 * with the same idempotency key.
 */
export class AchProviderError extends Error {
  constructor(
    readonly kind: 'REFUSED' | 'UNAVAILABLE',
    readonly code: string | null,
    message: string,
  ) {
    super(message);
    this.name = 'AchProviderError';
  }
}

/** NACHA return codes and their meaning (for failure reasons and support). */
export const RETURN_CODES: Record<string, string> = {
  R01: 'Insufficient funds',
  R02: 'Account closed',
  R03: 'No account / unable to locate account',
  R04: 'Invalid account number',
  R05: 'Unauthorized debit to consumer account',
  R07: 'Authorization revoked by customer',
  R08: 'Payment stopped',
  R09: 'Uncollected funds',
  R10: 'Customer advises not authorized',
  R11: 'Check truncation entry return',
  R16: 'Account frozen',
  R20: 'Non-transaction account',
  R29: 'Corporate customer advises not authorized',
};
