-- One-time code failures are capped for good (NIST SP 800-63B §5.2.2: at most 100 consecutive
-- failures): the run of wrong codes survives the short lockouts and ends only with a correct code or
-- an operator's `onramp auth unlock`; past the cap the phone or email is blocked (blocked_at).
alter table auth_throttles add column consecutive_failures integer not null default 0;
alter table auth_throttles add column blocked_at timestamptz;
