// The sandbox KYC provider: the documented test behaviour of guides/sandbox-testing.md, decided by
// the first digit of the SSN — 2 to 9 approved, 1 in review, 0 declined.
import { createHash } from 'node:crypto';
import type { KycCheckRequest, KycDecision, KycProvider } from './types.ts';

export class SandboxKycProvider implements KycProvider {
  readonly name = 'sandbox';
  readonly ssnAreas = 'ANY_NONZERO' as const;

  async check(request: KycCheckRequest): Promise<KycDecision> {
    const providerReference = `sandbox_kyc_${createHash('sha256').update(request.reference).digest('hex').slice(0, 24)}`;
    const first = request.idNumber.charAt(0);
    if (first === '0') {
      // "If we cannot match any customer-provided information with their SSN you will receive a status of Declined."
      return {
        outcome: 'DECLINED',
        checks: { addressResult: 'DECLINED', dobResult: 'DECLINED', fraudResult: 'APPROVED', idvResult: 'DECLINED' },
        providerReference,
      };
    }
    if (first === '1') {
      return {
        outcome: 'IN_REVIEW',
        checks: { addressResult: 'IN_REVIEW', dobResult: 'IN_REVIEW', fraudResult: 'APPROVED', idvResult: 'IN_REVIEW' },
        reviewFlag: 'F2001',
        providerReference,
      };
    }
    return {
      outcome: 'APPROVED',
      checks: { addressResult: 'APPROVED', dobResult: 'APPROVED', fraudResult: 'APPROVED', idvResult: 'APPROVED' },
      providerReference,
    };
  }
}
