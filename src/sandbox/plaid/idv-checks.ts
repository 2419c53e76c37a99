// What the built-in sandbox's Identity Verification checks find, in Plaid's shapes. The data checks
// (kyc_check, "Data Source Verification") follow the onramp sandbox rule of guides/sandbox-testing.md
// on the SSN's first digit: 2–9 every field matches; 1 the records are inconclusive (documentary
// verification is needed); 0 nothing matches (the verification fails). An SSN that was not given, or
// only its last four digits, is inconclusive too. The risk check always passes; documents pass or fail
// as the tester chooses on the hosted page.
import type { IdentityVerification, KYCCheckDetails, RiskCheckDetails } from 'plaid';
import { SANDBOX_IDV_TEMPLATE_VERSION } from './idv-template.ts';
import type { SandboxIdentityVerificationsTable } from './idv-tables.ts';
import type { Selectable } from 'kysely';

export type IdvStepStatus =
  | 'success'
  | 'active'
  | 'failed'
  | 'waiting_for_prerequisite'
  | 'not_applicable'
  | 'skipped'
  | 'expired'
  | 'canceled'
  | 'pending_review'
  | 'manually_approved'
  | 'manually_rejected';

export const STEP_NAMES = [
  'accept_tos',
  'verify_sms',
  'kyc_check',
  'documentary_verification',
  'selfie_check',
  'watchlist_screening',
  'risk_check',
] as const;
export type IdvSteps = Record<(typeof STEP_NAMES)[number], IdvStepStatus>;
export type IdvStatus = 'active' | 'success' | 'failed' | 'expired' | 'canceled' | 'pending_review';

/** The user data of a verification, normalised: absent fields are null (as Plaid answers them). */
export interface IdvUser {
  email_address: string | null;
  phone_number: string | null;
  date_of_birth: string | null;
  ip_address: string | null;
  name: { given_name: string; family_name: string } | null;
  address: {
    street: string | null;
    street2: string | null;
    city: string | null;
    region: string | null;
    postal_code: string | null;
    country: string;
  } | null;
  id_number: { value: string; type: string } | null;
}

export type DataCheckResult = 'match' | 'inconclusive' | 'no_match';

export function dataCheckResult(user: IdvUser): DataCheckResult {
  const id = user.id_number;
  if (id?.type !== 'us_ssn') return 'inconclusive';
  const first = id.value.charAt(0);
  if (first === '0') return 'no_match';
  if (first === '1') return 'inconclusive';
  return 'match';
}

type Summary = 'match' | 'partial_match' | 'no_match' | 'no_data' | 'no_input';

/** kyc_check as Plaid reports it once the step has finished. */
export function kycCheckDetails(user: IdvUser, result: DataCheckResult): KYCCheckDetails {
  const given = <T>(value: T | null, summary: Summary): Summary => (value === null ? 'no_input' : summary);
  const pick = (match: Summary, inconclusive: Summary): Summary =>
    result === 'match' ? match : result === 'inconclusive' ? inconclusive : 'no_match';
  const phone = given(user.phone_number, pick('match', 'no_data'));
  return {
    status: result === 'match' ? 'success' : 'failed',
    address: {
      summary: given(user.address, pick('match', 'no_data')),
      po_box: user.address ? 'no' : 'no_data',
      type: user.address && result !== 'no_match' ? 'residential' : 'no_data',
    },
    name: { summary: given(user.name, pick('match', 'match')) },
    date_of_birth: { summary: given(user.date_of_birth, pick('match', 'partial_match')) },
    id_number: { summary: given(user.id_number, pick('match', 'match')) },
    phone_number: { summary: phone, area_code: phone },
  } as KYCCheckDetails;
}

export function riskCheckDetails(): RiskCheckDetails {
  return {
    status: 'success',
    behavior: null,
    email: null,
    phone: null,
    devices: [],
    identity_abuse_signals: null,
    facial_duplicates: [],
    trust_index_score: null,
  } as unknown as RiskCheckDetails;
}

export const DOCUMENT_CATEGORIES = ['drivers_license', 'id_card', 'passport', 'residence_permit_card'] as const;
export type DocumentCategory = (typeof DOCUMENT_CATEGORIES)[number];

/** documentary_verification after the tester uploaded a pretend document and chose the outcome. */
export function documentaryVerification(
  user: IdvUser,
  category: DocumentCategory,
  passed: boolean,
  today: Date,
): Record<string, unknown> {
  const expires = new Date(Date.UTC(today.getUTCFullYear() + 4, today.getUTCMonth(), 1)).toISOString().slice(0, 10);
  const issued = new Date(Date.UTC(today.getUTCFullYear() - 2, today.getUTCMonth(), 1)).toISOString().slice(0, 10);
  const match = passed ? 'match' : 'no_match';
  return {
    status: passed ? 'success' : 'failed',
    documents: [
      {
        status: passed ? 'success' : 'failed',
        attempt: 1,
        images: { original_front: null, original_back: null, cropped_front: null, cropped_back: null, face: null },
        extracted_data: {
          id_number: null,
          category,
          expiration_date: expires,
          issue_date: issued,
          issuing_country: 'US',
          issuing_region: user.address?.region ?? null,
          date_of_birth: user.date_of_birth,
          address: null,
          name: user.name,
        },
        analysis: {
          authenticity: match,
          image_quality: 'high',
          extracted_data: {
            name: match,
            date_of_birth: match,
            expiration_date: 'not_expired',
            issuing_country: 'match',
          },
          fraud_analysis_details: null,
          image_quality_details: null,
          human_review: null,
          aamva_verification: null,
        },
        redacted_at: null,
      },
    ],
  };
}

export type IdvRow = Selectable<SandboxIdentityVerificationsTable>;

/** The verification as /identity_verification/get answers it (without request_id). */
export function renderVerification(row: IdvRow, user: IdvUser, shareableUrl: string | null): IdentityVerification {
  return {
    id: row.id,
    client_user_id: row.client_user_id,
    created_at: row.created_at.toISOString(),
    completed_at: row.completed_at ? row.completed_at.toISOString() : null,
    previous_attempt_id: row.previous_attempt_id,
    shareable_url: shareableUrl,
    template: { id: row.template_id, version: row.template_version ?? SANDBOX_IDV_TEMPLATE_VERSION },
    user,
    status: row.status,
    steps: row.steps,
    documentary_verification: row.documentary_verification,
    selfie_check: null,
    kyc_check: row.kyc_check,
    risk_check: row.risk_check,
    verify_sms: null,
    watchlist_screening_id: null,
    beacon_user_id: null,
    user_id: null,
    redacted_at: null,
  } as unknown as IdentityVerification;
}

/** Steps that can no longer happen once a verification ends. */
export function closeSteps(steps: IdvSteps, to: 'canceled' | 'expired'): IdvSteps {
  const out = { ...steps };
  for (const name of STEP_NAMES) if (out[name] === 'active' || out[name] === 'waiting_for_prerequisite') out[name] = to;
  return out;
}
