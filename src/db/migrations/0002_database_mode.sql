-- The mode (sandbox or production) this database belongs to, recorded by the first onramp process
-- that migrates or starts against it (src/db/startup.ts). A process in the other mode refuses it: a
-- sandbox-mode CLI must not write sandbox secrets into a production database, nor a production server
-- run on sandbox data (made-up KYC, prices and bank links).
create table database_mode (
  singleton boolean primary key default true check (singleton),
  mode text not null check (mode in ('sandbox', 'production')),
  recorded_at timestamptz not null default now()
);
