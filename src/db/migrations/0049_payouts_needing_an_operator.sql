-- The payouts an operator must act on (FAILED_RETRYABLE), counted by the workers for /metrics every few
-- seconds: a partial index keeps that a read of those few rows rather than of every payout ever made.
create index payouts_needs_operator on payouts (network, created_at) where status = 'FAILED_RETRYABLE';
