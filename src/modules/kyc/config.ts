// Onboarding settings: who decides KYC (ONRAMP_KYC_PROVIDER), Plaid Identity Verification's template
// and fallback polling, and how many deposit wallets a user may add.
import type { EnvReader, Mode } from '../../config.ts';
import { SANDBOX_IDV_TEMPLATE_ID } from '../../sandbox/plaid/idv-template.ts';

export type KycProviderName = 'plaid' | 'manual';

/** Users, deposit wallets and KYC (issue 5). */
export interface OnboardingConfig {
  /** Deposit wallets a user may have. */
  walletsPerUser: number;
  /**
   * Who decides KYC: `plaid` runs Plaid Identity Verification through ctx.plaid (in sandbox mode the
   * built-in sandbox, which follows guides/sandbox-testing.md); `manual` sends every submission to
   * operator review (`onramp kyc approve|decline`).
   */
  kycProvider: KycProviderName;
  /** Plaid Identity Verification (docs/identity-verification.md). */
  identityVerification: IdentityVerificationConfig;
}

export interface IdentityVerificationConfig {
  /** The Plaid IDV template (idvtmp_…); the built-in sandbox's own template by default. */
  templateId: string;
  /** The fallback poll of a verification (for a lost webhook) first runs after this; each next one waits twice as long, at most 6 h. */
  pollSeconds: number;
  /** Fallback polls per verification; after them only webhooks, POST /idv and `onramp kyc sync` look again. */
  pollAttempts: number;
  /** Verifications a user may have: the first, plus retries POST /v1/users/{userId}/idv starts. */
  maxAttempts: number;
}

export function readOnboardingConfig(r: EnvReader, mode: Mode, plaidBaseUrl: string | undefined): OnboardingConfig {
  const kycProvider = r.oneOf<KycProviderName>('ONRAMP_KYC_PROVIDER', 'plaid', ['plaid', 'manual'], {
    doc: 'who decides KYC: `plaid` runs Plaid Identity Verification (in sandbox mode against the built-in sandbox, which follows the documented SSN test rules), `manual` sends every submission to operator review (`kyc reviews`, `kyc approve|decline`)',
    example: 'plaid',
  });
  const templateId = r.optional('ONRAMP_PLAID_IDV_TEMPLATE_ID', {
    doc: 'the Plaid Identity Verification template (`idvtmp_…`, from the Plaid dashboard); required with ONRAMP_KYC_PROVIDER=plaid and a real Plaid environment. The built-in sandbox has its own',
    example: 'idvtmp_YourTemplateId',
    defaultText: `${SANDBOX_IDV_TEMPLATE_ID} (built-in sandbox)`,
  });
  if (templateId !== undefined && !/^idvtmp_[A-Za-z0-9]{1,64}$/.test(templateId))
    r.problems.push('ONRAMP_PLAID_IDV_TEMPLATE_ID: must be a Plaid Identity Verification template id (idvtmp_…)');
  if (kycProvider === 'plaid' && plaidBaseUrl !== undefined)
    r.require(
      'ONRAMP_PLAID_IDV_TEMPLATE_ID',
      templateId,
      `with ONRAMP_KYC_PROVIDER=plaid ${mode === 'production' ? 'in production mode' : `and ONRAMP_PLAID_BASE_URL=${plaidBaseUrl}`} (the Identity Verification template from the Plaid dashboard)`,
    );
  if (plaidBaseUrl === undefined && templateId !== undefined && templateId !== SANDBOX_IDV_TEMPLATE_ID)
    r.problems.push(
      `ONRAMP_PLAID_IDV_TEMPLATE_ID: the built-in Plaid sandbox has one template, ${SANDBOX_IDV_TEMPLATE_ID} (leave the variable unset)`,
    );
  return {
    walletsPerUser: r.int(
      'ONRAMP_WALLETS_PER_USER',
      10,
      1,
      1000,
      'deposit wallets a user may have (`422 EXCEEDS_LIMIT_WALLETS` beyond)',
    ),
    kycProvider,
    identityVerification: {
      templateId: templateId ?? SANDBOX_IDV_TEMPLATE_ID,
      pollSeconds: r.int(
        'ONRAMP_KYC_POLL_SECONDS',
        60,
        1,
        86_400,
        'first fallback poll of an identity verification (for a lost webhook); each next waits twice as long, at most 6 h',
      ),
      pollAttempts: r.int(
        'ONRAMP_KYC_POLL_ATTEMPTS',
        12,
        0,
        100,
        'fallback polls per identity verification; after them only webhooks, POST /idv and `onramp kyc sync` look again',
      ),
      maxAttempts: r.int(
        'ONRAMP_KYC_MAX_ATTEMPTS',
        3,
        1,
        20,
        'identity verifications a user may have: the first, plus the retries POST /v1/users/{userId}/idv starts',
      ),
    },
  };
}
