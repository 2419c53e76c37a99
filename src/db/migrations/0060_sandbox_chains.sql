-- Sandbox chains (docs/chains.md): the in-process EVM chains are rebuilt at start by replaying every
-- signed transaction they ever accepted, in order, at the timestamps they were mined at. The seed
-- of the sandbox accounts lives here too, so one database always rebuilds the same chains.

create table sandbox_chain_state (
  id smallint primary key default 1 check (id = 1),
  seed_key_id text not null,
  seed_ciphertext text not null,
  genesis_time timestamptz not null,
  created_at timestamptz not null default now()
);

create table sandbox_chain_transactions (
  network text not null check (network in ('ETHEREUM', 'POLYGON')),
  seq bigint not null check (seq > 0),
  tx_hash text not null check (tx_hash ~ '^0x[0-9a-f]{64}$'),
  raw_tx bytea not null,
  block_timestamp bigint not null check (block_timestamp >= 0),
  source text not null check (source in ('BOOTSTRAP', 'SERVER', 'RPC')),
  created_at timestamptz not null default now(),
  primary key (network, seq)
);
create unique index sandbox_chain_transactions_hash on sandbox_chain_transactions (network, tx_hash);
