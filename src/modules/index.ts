// Every module of the API. A module contributes response schemas (named OpenAPI components), routes,
// and job queues; app.ts registers them in this order. Add a module here, nowhere else.
import type { TSchema } from '@sinclair/typebox';
import type { App } from '../app-types.ts';
import type { AppContext } from '../context.ts';
import { clientSchemas, registerClientRoutes } from './clients/routes.ts';
import { ConfigSchema, registerConfigRoutes } from './config/routes.ts';
import { authSchemas, registerAuthRoutes } from './auth/routes.ts';
import { inboxSchemas, registerInboxRoutes } from '../sandbox/inbox/routes.ts';
import { registerSandboxChainRoutes } from '../sandbox/chains/routes.ts';
import { activitySchemas, registerActivityRoutes } from './activity/routes.ts';
import { purchaseSchemas, registerPurchaseRoutes } from './purchases/routes.ts';
import { definePurchaseJobs, resumePurchaseRefunds } from './purchases/jobs.ts';
import { registerUserRoutes, userSchemas } from './users/routes.ts';
import { walletsModule } from './wallets/index.ts';
import { defineEmailJobs } from './emails/index.ts';
import { payoutsModule } from './payouts/index.ts';
import { plaidSandboxModule } from '../sandbox/plaid/index.ts';
import { estimateSchemas, registerEstimateRoutes } from './estimates/routes.ts';
import { defineKycJobs, kycSchemas, registerKycRoutes } from './kyc/routes.ts';
import { banksModule } from './banks/index.ts';
import { defineAchJobs } from './ach/index.ts';
import { defineIdempotencyJobs } from '../plugins/idempotency.ts';
import { registerSandboxClockRoutes, sandboxClockSchemas } from '../sandbox/clock/routes.ts';
import { registerSandboxWalletRoutes, sandboxWalletSchemas } from '../sandbox/wallets/routes.ts';
import { registerWebhookReceiverRoutes, webhookReceiverSchemas } from '../sandbox/webhook-receiver/routes.ts';
import { registerWebhookJobs } from './webhooks/index.ts';
import { opsModule } from './ops/index.ts';
import { registerWebhookRoutes, webhookSchemas } from './webhooks/routes.ts';
import { dashboardModule } from './dashboard/index.ts';
import { docsModule } from './docs/index.ts';

export interface Module {
  name: string;
  /** Response components, registered with app.addSchema before any route. */
  schemas?: TSchema[];
  routes?: (app: App, ctx: AppContext) => void;
  /** Defines job queues and event subscriptions; runs before the app starts its workers. */
  jobs?: (ctx: AppContext) => void;
  /** Runs once the app is ready and its job workers run (recovery after a restart); not in CLI/worker-less apps. */
  start?: (ctx: AppContext) => Promise<void>;
}

export const MODULES: Module[] = [
  { name: 'clients', schemas: clientSchemas, routes: registerClientRoutes },
  { name: 'config', schemas: [ConfigSchema], routes: registerConfigRoutes },
  { name: 'auth', schemas: authSchemas, routes: registerAuthRoutes },
  { name: 'sandbox-inbox', schemas: inboxSchemas, routes: registerInboxRoutes },
  { name: 'sandbox-chains', routes: registerSandboxChainRoutes },
  { name: 'sandbox-wallets', schemas: sandboxWalletSchemas, routes: registerSandboxWalletRoutes },
  { name: 'sandbox-webhook-receiver', schemas: webhookReceiverSchemas, routes: registerWebhookReceiverRoutes },
  { name: 'activity', schemas: activitySchemas, routes: registerActivityRoutes },
  { name: 'users', schemas: userSchemas, routes: registerUserRoutes },
  walletsModule,
  { name: 'kyc', schemas: kycSchemas, routes: registerKycRoutes, jobs: defineKycJobs },
  { name: 'emails', jobs: defineEmailJobs },
  payoutsModule,
  plaidSandboxModule,
  { name: 'estimates', schemas: estimateSchemas, routes: registerEstimateRoutes },
  banksModule,
  { name: 'ach', jobs: defineAchJobs },
  { name: 'idempotency', jobs: defineIdempotencyJobs },
  { name: 'sandbox-clock', schemas: sandboxClockSchemas, routes: registerSandboxClockRoutes },
  // After ach and payout: it subscribes to both.
  {
    name: 'purchases',
    schemas: purchaseSchemas,
    routes: registerPurchaseRoutes,
    jobs: definePurchaseJobs,
    start: resumePurchaseRefunds,
  },
  { name: 'webhooks', schemas: webhookSchemas, routes: registerWebhookRoutes, jobs: registerWebhookJobs },
  // After ach and payout: it subscribes to their outcomes, after the modules that act on them.
  opsModule,
  // The landing page and the guides: pages for people, beside the API reference at /docs.
  docsModule,
  // Last: its request log hook and its pages sit on top of every other module.
  dashboardModule,
];
