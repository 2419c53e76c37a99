// Every module of the API. A module contributes response schemas (named OpenAPI components), routes,
// and job queues; app.ts registers them in this order. Add a module here, nowhere else.
import type { TSchema } from '@sinclair/typebox';
import type { App } from '../app-types.ts';
import type { AppContext } from '../context.ts';
import { clientsModule } from './clients/index.ts';
import { configModule } from './config/index.ts';
import { authModule } from './auth/index.ts';
import { sandboxInboxModule } from '../sandbox/inbox/index.ts';
import { sandboxChainsModule } from '../sandbox/chains/index.ts';
import { activityModule } from './activity/index.ts';
import { purchasesModule } from './purchases/index.ts';
import { usersModule } from './users/index.ts';
import { walletsModule } from './wallets/index.ts';
import { emailsModule } from './emails/index.ts';
import { payoutsModule } from './payouts/index.ts';
import { plaidSandboxModule } from '../sandbox/plaid/index.ts';
import { estimatesModule } from './estimates/index.ts';
import { kycModule } from './kyc/index.ts';
import { banksModule } from './banks/index.ts';
import { achModule } from './ach/index.ts';
import { defineIdempotencyJobs } from '../plugins/idempotency.ts';
import { sandboxClockModule } from '../sandbox/clock/index.ts';
import { sandboxWalletsModule } from '../sandbox/wallets/index.ts';
import { sandboxWebhookReceiverModule } from '../sandbox/webhook-receiver/index.ts';
import { webhooksModule } from './webhooks/index.ts';
import { opsModule } from './ops/index.ts';
import { dashboardModule } from './dashboard/index.ts';
import { docsModule } from './docs/index.ts';

export interface Module {
  name: string;
  /** Response components, registered with app.addSchema before any route. */
  schemas?: TSchema[];
  routes?: (app: App, ctx: AppContext) => void;
  /** Defines job queues and event subscriptions; runs before the app starts its workers. */
  jobs?: (ctx: AppContext) => void;
  /**
   * Modules whose `jobs` hook must run before this one's. Subscribers to a service (ctx.ach.onUpdate,
   * ctx.payouts.onUpdate, ctx.events.subscribe) hear in the order they subscribed, so a module that
   * only observes outcomes (ops counts them) names the modules that act on them. Checked at load.
   */
  after?: readonly string[];
  /** Runs once the app is ready and its job workers run (recovery after a restart); not in CLI/worker-less apps. */
  start?: (ctx: AppContext) => Promise<void>;
}

export const MODULES: Module[] = [
  clientsModule,
  configModule,
  authModule,
  sandboxInboxModule,
  sandboxChainsModule,
  sandboxWalletsModule,
  sandboxWebhookReceiverModule,
  activityModule,
  usersModule,
  walletsModule,
  kycModule,
  emailsModule,
  payoutsModule,
  plaidSandboxModule,
  estimatesModule,
  banksModule,
  achModule,
  // The idempotency plugin's sweeper (the plugin itself is registered by app.ts).
  { name: 'idempotency', jobs: defineIdempotencyJobs },
  sandboxClockModule,
  purchasesModule,
  webhooksModule,
  opsModule,
  // The landing page and the guides: pages for people, beside the API reference at /docs.
  docsModule,
  // Last: its request log hook and its pages sit on top of every other module.
  dashboardModule,
];

/** Throws when a module is listed before a module it names in `after` (or names one not listed). */
export function checkModuleOrder(modules: readonly Module[]): void {
  const seen = new Set<string>();
  const names = new Set(modules.map((m) => m.name));
  for (const module of modules) {
    for (const first of module.after ?? []) {
      if (!names.has(first)) throw new Error(`module ${module.name} runs after ${first}, which is not a module`);
      if (!seen.has(first)) throw new Error(`module ${module.name} must be listed after ${first}`);
    }
    seen.add(module.name);
  }
}

checkModuleOrder(MODULES);
