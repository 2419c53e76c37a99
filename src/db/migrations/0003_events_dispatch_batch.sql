-- Events published in one transaction share one dispatch job, which names their batch.
alter table events add column dispatch_batch uuid;
create index events_dispatch_batch on events (dispatch_batch) where dispatch_batch is not null;
