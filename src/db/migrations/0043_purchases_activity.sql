-- Activity (the API's ActivityItem: a fiat leg and a crypto leg) and the purchases that produce it.
--
-- activity_items is what GET /v1/users/{userId}/activity reads: the API statuses of both legs, the
-- amounts in minor units, and the wallet and bank account as they were when the purchase was made
-- (the BankAccount may be deleted later; the history must still say which account paid).
-- purchases is the process behind an ACH purchase: three small state machines (risk check, ACH
-- debit, on-chain delivery) moved only by conditional updates (see src/modules/purchases/state.ts).

create table activity_items (
  id uuid primary key,
  user_id uuid not null references users (id),
  -- The client the purchase was made through (activity is listed for every client of the user).
  client_id uuid not null references clients (id),
  kind text not null check (kind in ('ACH_PURCHASE')),
  created_at timestamptz not null,
  updated_at timestamptz not null,

  fiat_status text not null check (fiat_status in ('PENDING', 'COMPLETED', 'FAILED')),
  fiat_currency text not null check (fiat_currency in ('USD')),
  fiat_amount_cents bigint not null check (fiat_amount_cents > 0),
  fiat_direction text not null check (fiat_direction in ('CREDIT', 'DEBIT')),
  funding_method text not null check (funding_method in ('ACH_ORIGINATED_STANDARD', 'ACH_ORIGINATED_INSTANT', 'ACH_RECEIVED')),
  bank_id uuid,
  bank_account jsonb,

  crypto_status text not null check (crypto_status in ('PENDING', 'COMPLETED', 'FAILED')),
  crypto_currency text not null check (crypto_currency in ('ETH', 'USDC_ETHEREUM', 'USDC_POLYGON')),
  crypto_direction text not null check (crypto_direction in ('CREDIT', 'DEBIT')),
  wallet_id uuid,
  wallet jsonb,
  -- Minor units of the asset (wei, USDC's 6 decimals): numeric because wei overflows bigint past ~9.2 ETH.
  crypto_amount_minor numeric(78, 0) not null check (crypto_amount_minor >= 0),
  -- true until the rate is fixed (STANDARD: at settlement, when the transfer is broadcast).
  crypto_amount_estimated boolean not null,
  -- USD cents per whole unit of the asset.
  price_cents bigint not null check (price_cents > 0),
  fee_cents bigint not null check (fee_cents >= 0),
  network_fee_cents bigint not null check (network_fee_cents >= 0),
  transaction_hash text,
  crypto_completed_at timestamptz,
  metadata jsonb not null default '{}'
);
-- The list is newest first with a (created_at, id) keyset; the wallet filter has its own index.
create index activity_items_user_page on activity_items (user_id, created_at desc, id desc);
create index activity_items_user_wallet_page on activity_items (user_id, wallet_id, created_at desc, id desc);

create table purchases (
  id uuid primary key references activity_items (id),
  user_id uuid not null references users (id),
  client_id uuid not null references clients (id),
  bank_id uuid not null,
  wallet_id uuid not null,
  ach_type text not null check (ach_type in ('INSTANT', 'STANDARD')),
  network text not null check (network in ('ETHEREUM', 'POLYGON')),
  asset text not null check (asset in ('ETH', 'USDC')),
  to_address text not null,
  amount_cents bigint not null check (amount_cents > 0),
  created_at timestamptz not null,
  updated_at timestamptz not null,

  risk_state text not null default 'PENDING' check (risk_state in ('PENDING', 'APPROVED', 'REJECTED')),
  risk_reason text,

  ach_state text not null default 'PENDING'
    check (ach_state in ('PENDING', 'ORIGINATED', 'SETTLED', 'RETURNED', 'CANCELLED')),
  ach_provider_ref text,
  ach_expected_settlement_date date,
  ach_return_code text,

  delivery_state text not null
    check (delivery_state in ('WAITING', 'REQUESTED', 'SUBMITTED', 'CONFIRMED', 'FAILED', 'CANCELLED')),
  delivery_amount_minor numeric(78, 0),

  -- The ratio-device-fingerprint recorded with the purchase, when sent.
  device_fingerprint jsonb
);
create index purchases_user_created on purchases (user_id, created_at);
-- Purchases still waiting for something: what an operator (and a reconciliation sweep) looks at.
create index purchases_open on purchases (created_at)
  where ach_state in ('PENDING', 'ORIGINATED') or delivery_state in ('REQUESTED', 'SUBMITTED');

-- Each purchase email goes out once, whatever retries of the job that sends it.
create table purchase_notifications (
  purchase_id uuid not null references purchases (id),
  template text not null,
  created_at timestamptz not null default now(),
  primary key (purchase_id, template)
);
