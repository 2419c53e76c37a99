-- Names that mean one thing: the on-chain leg of a purchase is a "payout" (src/modules/payouts),
-- ACH has "debits" and "transfers", webhooks have "deliveries". The tables of 0045 and the purchase's
-- crypto-leg columns of 0043 take the payout names; constraints and indexes follow their tables.
alter table deliveries rename to payouts;
alter index deliveries_nonce rename to payouts_nonce;
alter index deliveries_tx_hash rename to payouts_tx_hash;
alter index deliveries_open rename to payouts_open;
alter index deliveries_created rename to payouts_created;
alter table delivery_senders rename to hot_wallets;
alter table purchases rename column delivery_state to payout_state;
alter table purchases rename column delivery_amount_minor to payout_amount_minor;
