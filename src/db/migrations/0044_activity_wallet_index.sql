-- The wallet filter's index now leads with wallet_id (a wallet belongs to one user). Leading with
-- user_id, it competed with activity_items_user_page for plain list queries, and without fresh
-- statistics (embedded PGlite has no autovacuum) the planner could pick it and sort every item of
-- the user instead of reading the first page in index order.
drop index activity_items_user_wallet_page;
create index activity_items_wallet_page on activity_items (wallet_id, created_at desc, id desc) where wallet_id is not null;

-- Purchase emails are deduplicated by the emails module (dedupe keys); this table was never used.
drop table purchase_notifications;
