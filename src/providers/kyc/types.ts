// KYC: one interface, chosen from config at start (ONRAMP_KYC_PROVIDER). The KYC job calls check()
// outside any transaction; a provider that calls a vendor over HTTP must time out and may throw
// (the job retries, bounded).

export type KycCheckResult = 'APPROVED' | 'DECLINED' | 'IN_REVIEW';

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
  reviewFlag?: 'F2000' | 'F2001' | 'F2002' | 'F2003';
  /** The vendor's id for this check. */
  providerReference: string;
}

export interface KycProvider {
  readonly name: string;
  /**
   * Which SSN area numbers the provider accepts: `ISSUED` refuses the never-issued 9xx areas (ITINs);
   * a test provider documents test numbers there (sandbox-testing.md approves SSNs starting with 9).
   */
  readonly ssnAreas: 'ISSUED' | 'ANY_NONZERO';
  check(request: KycCheckRequest): Promise<KycDecision>;
}
