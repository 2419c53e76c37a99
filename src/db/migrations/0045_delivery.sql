-- On-chain delivery (docs/delivery.md): every transfer from the hot wallet is a row here before it is
-- signed, carries its signed bytes and hash before it is broadcast, and moves through an explicit state
-- machine with conditional updates. Nonces are assigned from delivery_senders, one row per
-- (network, hot wallet), under a row lock, in the same transaction that stores the signed transaction.

create table delivery_senders (
  network text not null check (network in ('ETHEREUM', 'POLYGON')),
  address text not null check (address ~ '^0x[0-9a-fA-F]{40}$'),
  -- The next nonce to assign; null until seeded from the chain's pending nonce.
  next_nonce bigint check (next_nonce >= 0),
  -- The lease of the process sending for this wallet (single flight across processes); writes
  -- that assign nonces check the token, so a process whose lease lapsed cannot assign one.
  lease_token uuid,
  lease_expires_at timestamptz,
  -- Why the sender is halted (nonce disagreement with the chain), for operators; null when healthy.
  halted_reason text,
  updated_at timestamptz not null default now(),
  primary key (network, address)
);

create table deliveries (
  id uuid primary key,
  network text not null check (network in ('ETHEREUM', 'POLYGON')),
  asset text not null check (asset in ('ETH', 'USDC')),
  to_address text not null check (to_address ~ '^0x[0-9a-fA-F]{40}$'),
  -- wei or USDC units; numeric because 10 ETH in wei is past bigint.
  amount_minor numeric(78, 0) not null check (amount_minor > 0),
  status text not null default 'PENDING'
    check (status in ('PENDING', 'SIGNED', 'SUBMITTED', 'CONFIRMED', 'FAILED', 'FAILED_RETRYABLE')),
  -- Set together when the transaction is signed, never changed afterwards (except by an operator
  -- re-queue after the chain proved the nonce went to another transaction).
  from_address text,
  nonce bigint check (nonce >= 0),
  tx_hash text check (tx_hash ~ '^0x[0-9a-f]{64}$'),
  raw_tx text check (raw_tx ~ '^0x[0-9a-f]+$'),
  block_number bigint,
  -- Bounded retries of the current step (funding check, broadcast) and when the next one may run.
  attempts integer not null default 0 check (attempts >= 0),
  next_attempt_at timestamptz,
  -- The latest problem, for operators (`onramp deliveries list`).
  last_error text,
  failure_code text,
  failure_message text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  signed_at timestamptz,
  submitted_at timestamptz,
  finished_at timestamptz,
  check (status <> 'PENDING' or tx_hash is null),
  check (status not in ('SIGNED', 'SUBMITTED', 'CONFIRMED') or (tx_hash is not null and raw_tx is not null and nonce is not null and from_address is not null))
);
create unique index deliveries_nonce on deliveries (network, from_address, nonce) where nonce is not null;
create unique index deliveries_tx_hash on deliveries (network, tx_hash) where tx_hash is not null;
create index deliveries_open on deliveries (network, status, created_at) where status in ('PENDING', 'SIGNED', 'SUBMITTED');
create index deliveries_created on deliveries (created_at desc, id);
