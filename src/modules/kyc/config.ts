// Onboarding settings: who decides KYC (ONRAMP_KYC_PROVIDER) and how many deposit wallets a user may add.
import type { EnvReader, Mode } from '../../config.ts';

export type KycProviderName = 'sandbox' | 'manual';

/** Users, deposit wallets and KYC (issue 5). */
export interface OnboardingConfig {
  /** Deposit wallets a user may have. */
  walletsPerUser: number;
  /**
   * Who decides KYC: `sandbox` follows guides/sandbox-testing.md (SSN first digit 2-9 approved, 1 in
   * review, 0 declined); `manual` sends every submission to operator review (`onramp kyc approve|decline`).
   */
  kycProvider: KycProviderName;
}

export function readOnboardingConfig(r: EnvReader, mode: Mode): OnboardingConfig {
  const kycProvider = r.oneOf<KycProviderName>(
    'ONRAMP_KYC_PROVIDER',
    mode === 'sandbox' ? 'sandbox' : 'manual',
    ['sandbox', 'manual'],
    {
      doc: 'who decides KYC: `sandbox` follows the documented SSN test rules (first digit 2-9 approved, 1 in review, 0 declined; refused in production), `manual` sends every submission to operator review (`kyc reviews`, `kyc approve|decline`)',
      example: 'manual',
    },
  );
  if (mode === 'production' && kycProvider === 'sandbox') {
    r.problems.push(
      'ONRAMP_KYC_PROVIDER: sandbox is not allowed in production mode (it approves by the first digit of the SSN); use manual',
    );
  }
  return {
    walletsPerUser: r.int(
      'ONRAMP_WALLETS_PER_USER',
      10,
      1,
      1000,
      'deposit wallets a user may have (`422 EXCEEDS_LIMIT_WALLETS` beyond)',
    ),
    kycProvider,
  };
}
