// KYC on Plaid Identity Verification, through the official client (ctx.plaid): production's adapter,
// and the sandbox's too (there ctx.plaid points at the built-in Plaid sandbox). A check is an
// identity verification created with the user's data and consent, so its data checks (kyc_check)
// run without documents; when they are inconclusive the template asks for an ID document at the
// verification's shareable_url. docs/identity-verification.md describes the mapping below.
import type { IdentityVerification, IdentityVerificationStepStatus, KYCCheckDetails, PlaidApi } from 'plaid';
import type { Logger } from 'pino';
import type { IdentityVerificationConfig } from '../../modules/kyc/config.ts';
import {
  describePlaidFailure,
  plaidErrorOf,
  plaidModule,
  PlaidUnavailableError,
  type PlaidProvider,
} from '../plaid/index.ts';
import {
  KycVendorError,
  type KycCheckRequest,
  type KycCheckResult,
  type KycCheckState,
  type KycDecision,
  type KycProvider,
} from './types.ts';

/** The step statuses of Plaid's IdentityVerificationStepStatus as a Kyc result; null for a step that did not run. */
function stepResult(
  status: IdentityVerificationStepStatus | string,
  unfinished: KycCheckResult,
): KycCheckResult | null {
  switch (status) {
    case 'success':
    case 'manually_approved':
      return 'APPROVED';
    case 'failed':
    case 'manually_rejected':
      return 'DECLINED';
    case 'pending_review':
      return 'IN_REVIEW';
    case 'active':
    case 'waiting_for_prerequisite':
      return unfinished;
    default:
      return null;
  }
}

/** Only the address failed to match: user-account-flags' F2000 (proof of address); otherwise F2001. */
function onlyAddressUnmatched(kyc: KYCCheckDetails | null): boolean {
  if (!kyc) return false;
  return (
    kyc.address.summary !== 'match' &&
    [kyc.name.summary, kyc.date_of_birth.summary, kyc.id_number.summary].every((s) => s === 'match')
  );
}

/**
 * What a verification says about the person: `success` → APPROVED, `failed` → DECLINED, waiting for
 * documents or for Plaid's reviewers → IN_REVIEW; still checking, expired or canceled → no decision.
 */
export function decisionOf(v: IdentityVerification): KycDecision | null {
  let outcome: KycCheckResult;
  if (v.status === 'success') outcome = 'APPROVED';
  else if (v.status === 'failed') outcome = 'DECLINED';
  else if (v.status === 'pending_review' || (v.status === 'active' && v.steps.documentary_verification === 'active'))
    outcome = 'IN_REVIEW';
  else return null;
  const unmatched: KycCheckResult = outcome === 'DECLINED' ? 'DECLINED' : 'IN_REVIEW';
  const field = (summary: string | undefined): KycCheckResult =>
    outcome === 'APPROVED' || summary === 'match' ? 'APPROVED' : unmatched;
  const kyc = v.kyc_check;
  const fraudResult =
    stepResult(v.steps.risk_check, unmatched) ?? stepResult(v.steps.watchlist_screening, unmatched) ?? outcome;
  return {
    outcome,
    checks: {
      addressResult: field(kyc?.address.summary),
      dobResult: field(kyc?.date_of_birth.summary),
      fraudResult: outcome === 'APPROVED' ? 'APPROVED' : fraudResult,
      idvResult: outcome,
    },
    ...(outcome === 'IN_REVIEW'
      ? { reviewFlag: onlyAddressUnmatched(kyc) ? ('F2000' as const) : ('F2001' as const) }
      : {}),
  };
}

export function checkStateOf(v: IdentityVerification): KycCheckState {
  const waitingForDocuments = v.status === 'active' && v.steps.documentary_verification === 'active';
  return {
    reference: v.id,
    subject: v.client_user_id,
    previousReference: v.previous_attempt_id,
    templateId: v.template.id,
    vendorStatus: v.status,
    documentaryStatus: v.steps.documentary_verification,
    createdAt: new Date(v.created_at),
    completedAt: v.completed_at ? new Date(v.completed_at) : null,
    decision: decisionOf(v),
    documentsUrl: waitingForDocuments ? v.shareable_url : null,
    final: ['success', 'failed', 'expired', 'canceled'].includes(v.status),
  };
}

export class PlaidKycProvider implements KycProvider {
  readonly name = 'plaid';
  readonly ssnAreas: 'ISSUED' | 'ANY_NONZERO';

  constructor(
    private readonly plaid: PlaidProvider,
    private readonly config: IdentityVerificationConfig,
    private readonly log: Logger,
  ) {
    // The built-in sandbox documents SSNs starting with 9 as approved (sandbox-testing.md); Plaid gets issued SSNs only.
    this.ssnAreas = plaid.environment === 'builtin' ? 'ANY_NONZERO' : 'ISSUED';
  }

  readonly documents = {
    retry: (subject: string): Promise<KycCheckState> =>
      this.call('identity_verification/retry', (api) =>
        api.identityVerificationRetry({
          client_user_id: subject,
          template_id: this.config.templateId,
          strategy: plaidModule().Strategy.Custom,
          // Documents only: the data checks already ran; a new document is what the review asks for.
          steps: { verify_sms: false, kyc_check: false, documentary_verification: true, selfie_check: false },
          is_shareable: true,
        }),
      ),
  };

  start(request: KycCheckRequest): Promise<KycCheckState> {
    const a = request.address;
    return this.call('identity_verification/create', (api) =>
      api.identityVerificationCreate({
        client_user_id: request.reference,
        template_id: this.config.templateId,
        is_shareable: true,
        gave_consent: true,
        is_idempotent: true,
        user: {
          email_address: request.email,
          phone_number: request.phone,
          date_of_birth: request.dateOfBirth,
          name: { given_name: request.firstName, family_name: request.lastName },
          address: {
            street: a.line1,
            street2: a.line2,
            city: a.city,
            region: a.state,
            postal_code: a.postalCode,
            country: a.country,
          },
          id_number: { value: request.idNumber, type: plaidModule().IDNumberType.UsSsn },
        },
      }),
    );
  }

  fetch(reference: string): Promise<KycCheckState> {
    return this.call('identity_verification/get', (api) =>
      api.identityVerificationGet({ identity_verification_id: reference }),
    );
  }

  /** One Plaid call; failures become KycVendorError with a secret-free message (the body holds the SSN). */
  private async call(
    operation: string,
    request: (api: PlaidApi) => Promise<{ data: IdentityVerification }>,
  ): Promise<KycCheckState> {
    try {
      return checkStateOf((await request(this.plaid.api())).data);
    } catch (error) {
      if (error instanceof PlaidUnavailableError) throw new KycVendorError(error.message, true);
      this.log.warn({ operation, ...describePlaidFailure(error) }, 'Plaid Identity Verification call failed');
      const plaid = plaidErrorOf(error);
      if (!plaid) throw new KycVendorError(`Plaid did not answer ${operation} in time or could not be reached`, true);
      const retryable = ['API_ERROR', 'RATE_LIMIT_EXCEEDED', 'INSTITUTION_ERROR'].includes(plaid.error_type);
      throw new KycVendorError(
        `Plaid refused ${operation} (${plaid.error_type} ${plaid.error_code}): ${plaid.error_message}`,
        retryable,
        plaid.error_code,
      );
    }
  }
}
