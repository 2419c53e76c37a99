// The sandbox webhook receiver as a module: a URL partners can point a webhook at, and what it received (routes).
import type { Module } from '../../modules/index.ts';
import { registerWebhookReceiverRoutes, webhookReceiverSchemas } from './routes.ts';

export const sandboxWebhookReceiverModule: Module = {
  name: 'sandbox-webhook-receiver',
  schemas: webhookReceiverSchemas,
  routes: registerWebhookReceiverRoutes,
};
