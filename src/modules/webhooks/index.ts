// The webhooks module: registrations (routes), delivery (queue, consumer, sweeper, outbox subscription).
import type { AppContext } from '../../context.ts';
import type { Module } from '../index.ts';
import { WebhookDelivery } from './delivery.ts';
import type { WebhookDeps } from './registrations.ts';
import { registerWebhookRoutes, webhookSchemas } from './routes.ts';

const instances = new WeakMap<AppContext, WebhookDelivery>();

/** The app's one delivery engine. */
export function webhookDelivery(ctx: AppContext): WebhookDelivery {
  let d = instances.get(ctx);
  if (!d) {
    d = new WebhookDelivery(ctx);
    instances.set(ctx, d);
  }
  return d;
}

export function webhookDeps(ctx: AppContext): WebhookDeps {
  return {
    db: ctx.db,
    clock: ctx.clock,
    keyring: ctx.secrets.keyring,
    config: ctx.config.webhooks,
    policy: { httpsOnly: ctx.config.mode === 'production', allowLoopback: ctx.config.webhooks.allowLoopback },
  };
}

function registerWebhookJobs(ctx: AppContext): void {
  webhookDelivery(ctx).register();
}

export const webhooksModule: Module = {
  name: 'webhooks',
  schemas: webhookSchemas,
  routes: registerWebhookRoutes,
  jobs: registerWebhookJobs,
};
