// The webhooks module: registrations (routes) and delivery. The delivery engine is ctx.webhooks
// (delivery.ts, built by app.ts); this module's jobs hook defines its queue, consumer and sweeper and
// subscribes it to the outbox.
import type { AppContext } from '../../context.ts';
import type { Module } from '../index.ts';
import { registerWebhookRoutes, webhookSchemas } from './routes.ts';

function defineWebhookJobs(ctx: AppContext): void {
  ctx.webhooks.register();
  ctx.events.subscribeBatch((events) => ctx.webhooks.fanOutMany(events));
}

export const webhooksModule: Module = {
  name: 'webhooks',
  schemas: webhookSchemas,
  routes: registerWebhookRoutes,
  jobs: defineWebhookJobs,
};
