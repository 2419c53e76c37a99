-- Unfinished deliveries per registration (the webhook backlog of /metrics, refreshed every few seconds by
-- the workers): a partial index over those only, whatever the size of the delivery history.
create index webhook_deliveries_open on webhook_deliveries (webhook_id, created_at)
  where status in ('SCHEDULED', 'QUEUED', 'SENDING');
