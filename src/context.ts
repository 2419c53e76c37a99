// The services a request handler or job can use, built once per app. Modules add their services here.
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { Db, DbHandle } from './db/index.ts';
import type { Jobs } from './jobs/index.ts';
import type { Clock } from './lib/clock.ts';
import type { ClientAuthenticator } from './modules/clients/authenticator.ts';
import type { EventBus } from './modules/events/publish.ts';
import type { RuntimeSecrets } from './runtime-secrets.ts';

export interface AppContext {
  config: Config;
  db: Db;
  dbHandle: DbHandle;
  log: Logger;
  clock: Clock;
  secrets: RuntimeSecrets;
  jobs: Jobs;
  /** The outbox: publish KYC_UPDATED / BANK_UPDATED / ACTIVITY_UPDATED in the changing transaction. */
  events: EventBus;
  clientAuth: ClientAuthenticator;
}
