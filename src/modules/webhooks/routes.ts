import { Type } from '@sinclair/typebox';
import type { App } from '../../app-types.ts';
import type { AppContext } from '../../context.ts';
import { listDeliveries, replayDelivery, sendTestEvent } from './deliveries.ts';
import { WEBHOOK_EVENTS } from './event-names.ts';
import {
  changeWebhook,
  createWebhook,
  getWebhook,
  listClientWebhooks,
  removeWebhook,
  rotateWebhookSecret,
  webhookDeps,
} from './registrations.ts';
import {
  CreateWebhookRequest,
  DeliveriesQuery,
  DeliveryParams,
  UpdateWebhookRequest,
  WebhookDeliveriesSchema,
  WebhookDeliverySchema,
  WebhookEventsSchema,
  WebhookIdParams,
  WebhookSchema,
  WebhooksSchema,
} from './schemas.ts';

export { webhookSchemas } from './schemas.ts';

const config = { auth: 'client-secret' as const, tag: 'Webhook' };

export function registerWebhookRoutes(app: App, ctx: AppContext): void {
  registerWebhookRegistrationRoutes(app, ctx);
  registerWebhookDeliveryRoutes(app, ctx);
}

/** The client's webhook registrations: the event list, create, read, change, delete, rotate the secret. */
function registerWebhookRegistrationRoutes(app: App, ctx: AppContext): void {
  const deps = webhookDeps(ctx);

  app.get('/v1/webhooks/events', {
    config,
    schema: {
      operationId: 'listWebhookEvents',
      summary: 'List the available webhook events',
      response: { 200: Type.Ref(WebhookEventsSchema) },
    },
    handler: async () => ({ items: [...WEBHOOK_EVENTS] }),
  });

  app.get('/v1/webhooks', {
    config,
    schema: {
      operationId: 'listWebhooks',
      summary: "List the client's webhooks",
      response: { 200: Type.Ref(WebhooksSchema) },
    },
    handler: async (request) => listClientWebhooks(deps, request.client!.id),
  });

  app.post('/v1/webhooks', {
    // A retried registration must not register twice: a client has at most 10.
    config: { ...config, idempotency: true },
    schema: {
      operationId: 'createWebhook',
      summary: 'Create a webhook',
      description:
        `At most ${ctx.config.webhooks.maxPerClient} per client. The response carries the signing \`secret\` (\`whsec_\` + base64 of 32 random bytes); ` +
        'it is shown only here. See docs/webhooks.md for the payload, the two signature schemes, retries and replays.',
      body: CreateWebhookRequest,
      response: { 201: Type.Ref(WebhookSchema) },
    },
    handler: async (request, reply) =>
      reply.code(201).send(await createWebhook(deps, request.client!.id, request.body)),
  });

  app.get('/v1/webhooks/:webhookId', {
    config,
    schema: {
      operationId: 'getWebhook',
      summary: 'Retrieve a webhook',
      params: WebhookIdParams,
      response: { 200: Type.Ref(WebhookSchema) },
    },
    handler: async (request) => getWebhook(deps, request.client!.id, request.params.webhookId),
  });

  app.patch('/v1/webhooks/:webhookId', {
    config,
    schema: {
      operationId: 'updateWebhook',
      summary: 'Update a webhook',
      params: WebhookIdParams,
      body: UpdateWebhookRequest,
      response: { 200: Type.Ref(WebhookSchema) },
    },
    handler: async (request) => changeWebhook(deps, request.client!.id, request.params.webhookId, request.body),
  });

  app.delete('/v1/webhooks/:webhookId', {
    config,
    schema: {
      operationId: 'deleteWebhook',
      summary: 'Delete a webhook',
      description: 'Its pending deliveries are dropped.',
      params: WebhookIdParams,
      response: { 204: Type.Null({ description: 'Deleted' }) },
    },
    handler: async (request, reply) => {
      await removeWebhook(deps, request.client!.id, request.params.webhookId);
      return reply.code(204).send(null);
    },
  });

  app.post('/v1/webhooks/:webhookId(^[^:]+)::rotateSecret', {
    config,
    schema: {
      operationId: 'rotateWebhookSecret',
      summary: "Rotate a webhook's signing secret",
      description:
        'Returns a new `secret` (shown only here). For `previousSecretExpireTime` (24 hours by default) every delivery is signed with both secrets, ' +
        'so the receiver can switch without rejecting anything.',
      params: WebhookIdParams,
      response: { 200: Type.Ref(WebhookSchema) },
    },
    handler: async (request) => rotateWebhookSecret(deps, request.client!.id, request.params.webhookId),
  });
}

/** What was sent to a webhook: a test event, the deliveries with their attempts, a replay. */
function registerWebhookDeliveryRoutes(app: App, ctx: AppContext): void {
  const delivery = ctx.webhooks;

  app.post('/v1/webhooks/:webhookId(^[^:]+)::test', {
    config,
    schema: {
      operationId: 'sendTestWebhook',
      summary: 'Send a test event',
      description:
        'Queues one WEBHOOK_TEST delivery (sent once, not retried); its outcome appears in the deliveries list.',
      params: WebhookIdParams,
      response: { 202: Type.Ref(WebhookDeliverySchema) },
    },
    handler: async (request, reply) =>
      reply.code(202).send(await sendTestEvent(ctx, delivery, request.client!.id, request.params.webhookId)),
  });

  app.get('/v1/webhooks/:webhookId/deliveries', {
    config,
    schema: {
      operationId: 'listWebhookDeliveries',
      summary: "List a webhook's deliveries",
      description:
        'Newest first, each with every attempt (time, status, latency, response snippet, error). Page with nextPageToken.',
      params: WebhookIdParams,
      querystring: DeliveriesQuery,
      response: { 200: Type.Ref(WebhookDeliveriesSchema) },
    },
    handler: async (request) => listDeliveries(ctx, request.client!.id, request.params.webhookId, request.query),
  });

  app.post('/v1/webhooks/:webhookId/deliveries/:deliveryId(^[^:]+)::replay', {
    config,
    schema: {
      operationId: 'replayWebhookDelivery',
      summary: 'Send a delivery again',
      description:
        'Starts a new series of attempts with the same body and id. A delivery still pending is left as it is.',
      params: DeliveryParams,
      response: { 202: Type.Ref(WebhookDeliverySchema) },
    },
    handler: async (request, reply) =>
      reply
        .code(202)
        .send(
          await replayDelivery(ctx, delivery, request.client!.id, request.params.webhookId, request.params.deliveryId),
        ),
  });
}
