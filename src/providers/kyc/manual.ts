// The manual KYC provider: no automated vendor; every submission waits for an operator decision
// (`onramp kyc approve|decline USER_ID`). It has no documentary step: operators ask for documents
// out of band.
import type { Clock } from '../../lib/clock.ts';
import type { KycCheckRequest, KycCheckState, KycProvider } from './types.ts';

const PREFIX = 'manual_';

function inReview(subject: string, now: Date): KycCheckState {
  return {
    reference: `${PREFIX}${subject}`,
    subject,
    previousReference: null,
    templateId: null,
    vendorStatus: 'manual_review',
    documentaryStatus: null,
    createdAt: now,
    completedAt: null,
    decision: {
      outcome: 'IN_REVIEW',
      checks: { addressResult: 'IN_REVIEW', dobResult: 'IN_REVIEW', fraudResult: 'IN_REVIEW', idvResult: 'IN_REVIEW' },
      reviewFlag: 'F2001',
    },
    documentsUrl: null,
    final: true,
  };
}

export class ManualKycProvider implements KycProvider {
  readonly name = 'manual';
  readonly ssnAreas = 'ISSUED' as const;
  readonly documents = null;

  constructor(private readonly clock: Clock) {}

  async start(request: KycCheckRequest): Promise<KycCheckState> {
    return inReview(request.reference, this.clock.now());
  }

  async fetch(reference: string): Promise<KycCheckState> {
    return inReview(reference.startsWith(PREFIX) ? reference.slice(PREFIX.length) : reference, this.clock.now());
  }
}
