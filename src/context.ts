// The services a request handler or job can use, built once per app. Modules add their services here.
import type { Logger } from 'pino';
import type { Chains } from './chains/types.ts';
import type { Config } from './config.ts';
import type { Db, DbHandle } from './db/index.ts';
import type { Jobs } from './jobs/index.ts';
import type { Clock } from './lib/clock.ts';
import type { ClientAuthenticator } from './modules/clients/authenticator.ts';
import type { EventBus } from './modules/events/publish.ts';
import type { UserSessions } from './modules/auth/sessions.ts';
import type { EvmVerifier } from './modules/auth/signatures.ts';
import type { Messaging } from './providers/messaging/index.ts';
import type { PlaidProvider } from './providers/plaid/index.ts';
import type { Prices } from './providers/prices/index.ts';
import type { AchService } from './modules/ach/index.ts';
import type { PayoutService } from './modules/payouts/index.ts';
import type { WebhookDelivery } from './modules/webhooks/delivery.ts';
import type { KycProvider } from './providers/kyc/index.ts';
import type { SandboxInbox } from './sandbox/inbox/store.ts';
import type { Readiness } from './modules/ops/readiness.ts';
import type { Metrics } from './plugins/metrics.ts';
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
  /** User sessions: issue, verify and revoke session JWTs (auth module). */
  sessions: UserSessions;
  /** Checks EIP-191 wallet signatures: EOA, ERC-1271 and ERC-6492, on the ETHEREUM chain (auth module). */
  evmVerifier: EvmVerifier;
  /** SMS and email through the configured providers: any module may send with it. */
  messaging: Messaging;
  /** Where sandbox SMS and email providers deliver (empty when real providers are configured). */
  inbox: SandboxInbox;
  /** ETHEREUM and POLYGON: viem clients, the hot wallet, USDC addresses, confirmations (src/chains). */
  chains: Chains;
  /** The official Plaid client for the configured environment (the built-in sandbox by default in sandbox mode). */
  plaid: PlaidProvider;
  /** Asset prices in USD cents from the configured provider (sandbox or an exchange ticker). */
  prices: Prices;
  /** ACH debits: originate through the configured provider, settlement job, onUpdate subscribers. */
  ach: AchService;
  /** On-chain payouts: request() in the caller's transaction, onUpdate() for outcomes (payouts module). */
  payouts: PayoutService;
  /** Identity checks on the configured KYC provider (ONRAMP_KYC_PROVIDER: Plaid IDV or manual). */
  kyc: KycProvider;
  /** Webhook delivery to partners: fan-out of outbox events, the queue, consumer and sweeper (webhooks module). */
  webhooks: WebhookDelivery;
  /** This process's Prometheus instruments (GET /metrics): modules record their outcomes here. */
  metrics: Metrics;
  /** The provider checks of `/readyz?full=1`: add one with ctx.readiness.add(name, check). */
  readiness: Readiness;
}
