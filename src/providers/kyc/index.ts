import type { OnboardingConfig } from '../../modules/kyc/config.ts';
import { ManualKycProvider } from './manual.ts';
import { SandboxKycProvider } from './sandbox.ts';
import type { KycProvider } from './types.ts';

export type { KycCheckRequest, KycDecision, KycProvider } from './types.ts';

export function createKycProvider(config: OnboardingConfig): KycProvider {
  switch (config.kycProvider) {
    case 'sandbox':
      return new SandboxKycProvider();
    case 'manual':
      return new ManualKycProvider();
    default: {
      const never: never = config.kycProvider;
      throw new Error(`unknown KYC provider ${String(never)}`);
    }
  }
}
