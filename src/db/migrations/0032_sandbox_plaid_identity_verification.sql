-- Identity Verification in the built-in Plaid sandbox (src/sandbox/plaid/idv.ts): one row per
-- verification attempt, with Plaid's step summary and check results as the API returns them. The
-- user data (it holds the SSN) is encrypted with the server keyring; the key in a shareable link is a
-- keyed hash of the verification id, so it is never stored.
create table sandbox_plaid_identity_verifications (
  id text primary key,
  plaid_client_id text not null,
  client_user_id text not null,
  template_id text not null,
  template_version int not null,
  previous_attempt_id text references sandbox_plaid_identity_verifications (id),
  status text not null,
  steps jsonb not null,
  user_key_id text not null,
  user_ciphertext text not null,
  kyc_check jsonb,
  documentary_verification jsonb,
  risk_check jsonb,
  is_shareable boolean not null,
  -- Documents are required even when the data checks pass (a retry with documentary_verification: true);
  -- otherwise they are the template's fallback when the data checks are inconclusive.
  documents_required boolean not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  completed_at timestamptz
);
create index sandbox_plaid_idv_user on sandbox_plaid_identity_verifications (plaid_client_id, client_user_id, template_id, created_at, id);
-- A user's first verification per template is unique (retries chain from it): /identity_verification/create
-- is idempotent on (client_user_id, template_id).
create unique index sandbox_plaid_idv_first on sandbox_plaid_identity_verifications (plaid_client_id, client_user_id, template_id)
  where previous_attempt_id is null;
