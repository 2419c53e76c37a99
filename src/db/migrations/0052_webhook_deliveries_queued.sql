-- Deliveries waiting for an attempt, per registration, oldest first: the consumer claims batches of
-- them straight from this table (FOR UPDATE SKIP LOCKED on the registration), without a job each.
create index webhook_deliveries_queued on webhook_deliveries (webhook_id, created_at, id) where status = 'QUEUED';
-- The consumer (one per worker process) that claimed a SENDING delivery: while one process has claims
-- on a registration, no other claims for it, so its limit on requests in flight holds across processes.
alter table webhook_deliveries add column claimed_by uuid;
create index webhook_deliveries_sending on webhook_deliveries (webhook_id, claimed_by) where status = 'SENDING';
