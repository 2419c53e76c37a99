-- Deliveries waiting for an attempt, per registration, oldest first: the consumer claims batches of
-- them straight from this table (FOR UPDATE SKIP LOCKED on the registration), without a job each.
create index webhook_deliveries_queued on webhook_deliveries (webhook_id, created_at, id) where status = 'QUEUED';
