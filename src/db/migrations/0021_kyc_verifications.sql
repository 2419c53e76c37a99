-- The vendor's verifications behind each KYC submission (Plaid Identity Verification attempts: the
-- first from POST /kyc, retries from POST /idv), as last read from the vendor. The KYC module applies
-- only the user's newest attempt; older ones stay for the operator's history.
create table kyc_verifications (
  -- The vendor's id (Plaid's identity_verification_id, idv_…).
  id text primary key,
  user_id uuid not null references users (id) on delete cascade,
  provider text not null,
  template_id text,
  previous_id text,
  -- The vendor's own status (Plaid: active, success, failed, expired, canceled, pending_review).
  status text not null,
  -- The vendor's documentary step status (Plaid steps.documentary_verification), null when unknown.
  documentary_status text,
  -- The hosted verification link (a bearer link to the user's session): encrypted with the keyring.
  shareable_url_ciphertext text,
  shareable_url_key_id text,
  vendor_created_at timestamptz not null,
  completed_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  -- Fallback polls already run for this verification (webhooks may be lost).
  polls int not null default 0,
  -- Set while POST /idv creates the next attempt from this one, so two calls do not both retry.
  retry_claimed_at timestamptz
);
create index kyc_verifications_user on kyc_verifications (user_id, vendor_created_at desc, id);
