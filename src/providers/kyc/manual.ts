// The manual KYC provider: no automated vendor; every submission waits for an operator decision
// (`onramp kyc approve|decline USER_ID`). The production default until a vendor integration exists.
import type { KycCheckRequest, KycDecision, KycProvider } from './types.ts';

export class ManualKycProvider implements KycProvider {
  readonly name = 'manual';
  readonly ssnAreas = 'ISSUED' as const;

  async check(request: KycCheckRequest): Promise<KycDecision> {
    return {
      outcome: 'IN_REVIEW',
      checks: { addressResult: 'IN_REVIEW', dobResult: 'IN_REVIEW', fraudResult: 'IN_REVIEW', idvResult: 'IN_REVIEW' },
      reviewFlag: 'F2001',
      providerReference: `manual_${request.reference}`,
    };
  }
}
