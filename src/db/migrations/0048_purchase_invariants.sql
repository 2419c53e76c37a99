-- The rules that span a purchase's state machines, as the code checks them before every move
-- (purchaseRuleBroken in src/modules/purchases/state.ts): a write that slips past the code — a bug,
-- an operator's hand-written UPDATE — is refused here too, as the ledger's balance trigger pairs with
-- the ledger's code.
--
-- Each rule reads the states alone and holds from the moment it matters on. A debit RETURNED (before
-- settlement), FAILED or RETURNED_LATE (after it, F1002) was originated, and RETURNED_LATE was settled,
-- so a debit that comes back after its payout was requested keeps the row legal.
--
-- Validated against the rows already there: every writer of these columns has gone through the
-- conditional moves of src/modules/purchases/repository.ts, which request a payout only together with
-- risk APPROVED and the debit ORIGINATED (INSTANT, at origination) or after the debit SETTLED
-- (STANDARD), and never move risk or the debit back.

-- A payout (the crypto leg) is requested only once risk approved the purchase and its debit was originated.
alter table purchases add constraint purchases_payout_after_approved_debit
  check (payout_state in ('WAITING', 'CANCELLED')
         or (risk_state = 'APPROVED' and ach_state in ('ORIGINATED', 'SETTLED', 'RETURNED', 'FAILED', 'RETURNED_LATE')));

-- A STANDARD purchase's payout is requested only once its debit settled (it may be returned late since).
alter table purchases add constraint purchases_standard_payout_after_settlement
  check (ach_type <> 'STANDARD'
         or payout_state in ('WAITING', 'CANCELLED')
         or ach_state in ('SETTLED', 'RETURNED_LATE'));
