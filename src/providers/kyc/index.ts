import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.ts';
import type { OnboardingConfig } from '../../modules/kyc/config.ts';
import type { PlaidProvider } from '../plaid/index.ts';
import { ManualKycProvider } from './manual.ts';
import { PlaidKycProvider } from './plaid.ts';
import type { KycProvider } from './types.ts';

export type { KycCheckRequest, KycCheckState, KycDecision, KycProvider, KycReviewFlag } from './types.ts';
export { KycVendorError } from './types.ts';

export interface KycProviderDeps {
  plaid: PlaidProvider;
  clock: Clock;
  log: Logger;
}

export function createKycProvider(config: OnboardingConfig, deps: KycProviderDeps): KycProvider {
  switch (config.kycProvider) {
    case 'plaid':
      return new PlaidKycProvider(deps.plaid, config.identityVerification, deps.log);
    case 'manual':
      return new ManualKycProvider(deps.clock);
    default: {
      const never: never = config.kycProvider;
      throw new Error(`unknown KYC provider ${String(never)}`);
    }
  }
}
