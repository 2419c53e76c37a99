// KYC: one interface, chosen from config at start (ONRAMP_KYC_PROVIDER). Vendors decide
// asynchronously: start() opens a check and answers what the vendor knows at once; the vendor says
// when it knows more (a webhook, or our fallback poll) and fetch() reads the check again. Every call
// is made outside any transaction with a timeout; a failure throws KycVendorError (jobs retry, bounded).

export type KycCheckResult = 'APPROVED' | 'DECLINED' | 'IN_REVIEW';
/** The KYC review flags of user-account-flags/kyc-review.md. */
export type KycReviewFlag = 'F2000' | 'F2001' | 'F2002' | 'F2003';

export interface KycCheckRequest {
  /** Our reference for the person (the user id); vendors echo it back. */
  reference: string;
  firstName: string;
  middleName: string | null;
  lastName: string;
  /** YYYY-MM-DD */
  dateOfBirth: string;
  idType: 'SSN';
  /** Nine digits, no dashes. Never log it. */
  idNumber: string;
  address: { line1: string; line2: string | null; city: string; state: string; postalCode: string; country: 'US' };
  /** E.164 */
  phone: string;
  email: string;
}

export interface KycDecision {
  outcome: KycCheckResult;
  /** Per-check results as the Kyc object reports them. */
  checks: {
    addressResult: KycCheckResult;
    dobResult: KycCheckResult;
    fraudResult: KycCheckResult;
    idvResult: KycCheckResult;
  };
  /** For IN_REVIEW: the KYC review flag to put on the account (user-account-flags/kyc-review.md). */
  reviewFlag?: KycReviewFlag;
}

/** A vendor's check (one attempt) as last read from the vendor. */
export interface KycCheckState {
  /** The vendor's id for this attempt (Plaid: idv_…). */
  reference: string;
  /** Whom it checks: our reference for the person, as the vendor echoes it. */
  subject: string;
  /** The attempt this one retries. */
  previousReference: string | null;
  templateId: string | null;
  /** The vendor's own status, for operators (Plaid: active, success, failed, …). */
  vendorStatus: string;
  /** The vendor's status of its documentary step, when it has one. */
  documentaryStatus: string | null;
  createdAt: Date;
  completedAt: Date | null;
  /** What the check says about the person; null while the vendor is still checking. */
  decision: KycDecision | null;
  /** Where the user completes documentary verification, while the vendor waits for documents. */
  documentsUrl: string | null;
  /** Nothing more will happen in this attempt (it succeeded, failed, expired or was canceled). */
  final: boolean;
}

export interface KycProvider {
  readonly name: string;
  /**
   * Which SSN area numbers the provider accepts: `ISSUED` refuses the never-issued 9xx areas (ITINs);
   * a test environment documents test numbers there (sandbox-testing.md approves SSNs starting with 9).
   */
  readonly ssnAreas: 'ISSUED' | 'ANY_NONZERO';
  /** Opens the check of a person, or answers the one already open (idempotent on the reference). */
  start(request: KycCheckRequest): Promise<KycCheckState>;
  /** Reads an attempt again (after its webhook, or on a poll). */
  fetch(reference: string): Promise<KycCheckState>;
  /** Documentary verification: a new attempt that asks the person for an ID document; null without one. */
  readonly documents: { retry(subject: string): Promise<KycCheckState> } | null;
}

/** A vendor call failed: `retryable` when trying again later may succeed (timeouts, outages). */
export class KycVendorError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly vendorCode: string | null = null,
  ) {
    super(message);
    this.name = 'KycVendorError';
  }
}
