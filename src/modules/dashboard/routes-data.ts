// /dashboard/api: the reports, users, request log, API keys and webhooks of the member's client. The
// client always comes from the session, never from the request.
import { Type } from '@sinclair/typebox';
import type { App } from '../../app-types.ts';
import type { AppContext } from '../../context.ts';
import { ActivityItemsSchema, ListActivityQuery } from '../activity/schemas.ts';
import { listClientWebhooks } from '../webhooks/registrations.ts';
import { listDeliveries } from '../webhooks/deliveries.ts';
import { webhookDeps } from '../webhooks/registrations.ts';
import {
  CreateWebhookRequest,
  DeliveriesQuery,
  DeliveryParams,
  UpdateWebhookRequest,
  WebhookDeliveriesSchema,
  WebhookDeliverySchema,
  WebhookIdParams,
  WebhookSchema,
  WebhooksSchema,
} from '../webhooks/schemas.ts';
import { actorOf } from './access.ts';
import { apiKeys, rotateSecret, updateUris } from './keys.ts';
import { parseRange } from './range.ts';
import { overview, partnerRevenue, seriesCsv } from './reports.ts';
import { listRequests } from './requests.ts';
import { dashboardSchema } from './routes-session.ts';
import {
  KeysSchema,
  OverviewSchema,
  RangeQuery,
  RequestLogQuery,
  RequestLogSchema,
  RevenueSchema,
  RotatedSecretSchema,
  UpdateKeysRequest,
  UserParams,
  UserSchema,
  UsersQuery,
  UsersSchema,
} from './schemas.ts';
import { getUser, listUsers, userActivity } from './users.ts';
import { createHook, deleteHook, replayHookDelivery, rotateHookSecret, testHook, updateHook } from './webhooks.ts';

const viewer = { dashboard: 'viewer' as const };
const admin = { dashboard: 'admin' as const };

export function registerDataRoutes(app: App, ctx: AppContext): void {
  app.get('/dashboard/api/overview', {
    config: viewer,
    schema: dashboardSchema({
      summary: 'Users, transactions and the acquisition funnel for a date range, with their series',
      querystring: RangeQuery,
      response: { 200: Type.Ref(OverviewSchema) },
    }),
    handler: async (request) =>
      overview(ctx, request.member!.clientId, parseRange(ctx.clock.now(), request.query.from, request.query.to)),
  });

  app.get('/dashboard/api/overview.csv', {
    config: viewer,
    schema: dashboardSchema({ summary: 'The series of the range as CSV', querystring: RangeQuery }),
    handler: async (request, reply) => {
      const range = parseRange(ctx.clock.now(), request.query.from, request.query.to);
      const { points } = (await overview(ctx, request.member!.clientId, range)).series;
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="onramp-${range.from}-to-${range.to}.csv"`)
        .header('cache-control', 'no-store')
        .send(seriesCsv(points));
    },
  });

  app.get('/dashboard/api/revenue', {
    config: viewer,
    schema: dashboardSchema({
      summary: 'Partner revenue as the ledger holds it',
      response: { 200: Type.Ref(RevenueSchema) },
    }),
    handler: async (request) => partnerRevenue(ctx, request.member!.clientId),
  });

  app.get('/dashboard/api/users', {
    config: viewer,
    schema: dashboardSchema({
      summary: "The client's users (search by id, wallet, email or phone)",
      querystring: UsersQuery,
      response: { 200: Type.Ref(UsersSchema) },
    }),
    handler: async (request) => listUsers(ctx, request.member!.clientId, request.query),
  });

  app.get('/dashboard/api/users/:userId', {
    config: viewer,
    schema: dashboardSchema({
      summary: 'A user of the client',
      params: UserParams,
      response: { 200: Type.Ref(UserSchema) },
    }),
    handler: async (request) => getUser(ctx, request.member!.clientId, request.params.userId),
  });

  app.get('/dashboard/api/users/:userId/activity', {
    config: viewer,
    schema: dashboardSchema({
      summary: "The user's activity through this client (the API's filters and paging)",
      params: UserParams,
      querystring: ListActivityQuery,
      response: { 200: Type.Ref(ActivityItemsSchema) },
    }),
    handler: async (request) => userActivity(ctx, request.member!.clientId, request.params.userId, request.query),
  });

  app.get('/dashboard/api/requests', {
    config: viewer,
    schema: dashboardSchema({
      summary: "The client's recent API requests",
      querystring: RequestLogQuery,
      response: { 200: Type.Ref(RequestLogSchema) },
    }),
    handler: async (request) => listRequests(ctx, request.member!.clientId, request.query),
  });

  registerKeyRoutes(app, ctx);
  registerWebhookRoutes(app, ctx);
}

function registerKeyRoutes(app: App, ctx: AppContext): void {
  app.get('/dashboard/api/keys', {
    config: viewer,
    schema: dashboardSchema({
      summary: 'Client id, live secrets (hints), origins and redirect URIs',
      response: { 200: Type.Ref(KeysSchema) },
    }),
    handler: async (request) => apiKeys(ctx, request.member!.clientId),
  });
  app.post('/dashboard/api/keys/rotate', {
    config: admin,
    schema: dashboardSchema({
      summary: 'Rotate the client secret (admin): shown once',
      response: { 200: Type.Ref(RotatedSecretSchema) },
    }),
    handler: async (request) => rotateSecret(ctx, actorOf(request)),
  });
  app.patch('/dashboard/api/keys', {
    config: admin,
    schema: dashboardSchema({
      summary: 'Set allowed origins and redirect URIs (admin)',
      body: UpdateKeysRequest,
      response: { 200: Type.Ref(KeysSchema) },
    }),
    handler: async (request) => updateUris(ctx, actorOf(request), request.body),
  });
}

function registerWebhookRoutes(app: App, ctx: AppContext): void {
  const deps = webhookDeps(ctx);
  app.get('/dashboard/api/webhooks', {
    config: viewer,
    schema: dashboardSchema({ summary: "The client's webhooks", response: { 200: Type.Ref(WebhooksSchema) } }),
    handler: async (request) => listClientWebhooks(deps, request.member!.clientId),
  });
  app.post('/dashboard/api/webhooks', {
    config: admin,
    schema: dashboardSchema({
      summary: 'Create a webhook (admin): the secret is shown once',
      body: CreateWebhookRequest,
      response: { 201: Type.Ref(WebhookSchema) },
    }),
    handler: async (request, reply) => reply.code(201).send(await createHook(ctx, actorOf(request), request.body)),
  });
  app.patch('/dashboard/api/webhooks/:webhookId', {
    config: admin,
    schema: dashboardSchema({
      summary: 'Edit, disable or re-enable a webhook (admin)',
      params: WebhookIdParams,
      body: UpdateWebhookRequest,
      response: { 200: Type.Ref(WebhookSchema) },
    }),
    handler: async (request) => updateHook(ctx, actorOf(request), request.params.webhookId, request.body),
  });
  app.delete('/dashboard/api/webhooks/:webhookId', {
    config: admin,
    schema: dashboardSchema({
      summary: 'Delete a webhook (admin)',
      params: WebhookIdParams,
      response: { 204: Type.Null() },
    }),
    handler: async (request, reply) => {
      await deleteHook(ctx, actorOf(request), request.params.webhookId);
      return reply.code(204).send(null);
    },
  });
  app.post('/dashboard/api/webhooks/:webhookId/rotate-secret', {
    config: admin,
    schema: dashboardSchema({
      summary: "Rotate a webhook's signing secret (admin): shown once",
      params: WebhookIdParams,
      response: { 200: Type.Ref(WebhookSchema) },
    }),
    handler: async (request) => rotateHookSecret(ctx, actorOf(request), request.params.webhookId),
  });
  app.post('/dashboard/api/webhooks/:webhookId/test', {
    config: admin,
    schema: dashboardSchema({
      summary: 'Send a test event (admin)',
      params: WebhookIdParams,
      response: { 202: Type.Ref(WebhookDeliverySchema) },
    }),
    handler: async (request, reply) =>
      reply.code(202).send(await testHook(ctx, actorOf(request), request.params.webhookId)),
  });
  app.get('/dashboard/api/webhooks/:webhookId/deliveries', {
    config: viewer,
    schema: dashboardSchema({
      summary: 'Deliveries with every attempt',
      params: WebhookIdParams,
      querystring: DeliveriesQuery,
      response: { 200: Type.Ref(WebhookDeliveriesSchema) },
    }),
    handler: async (request) => listDeliveries(ctx, request.member!.clientId, request.params.webhookId, request.query),
  });
  app.post('/dashboard/api/webhooks/:webhookId/deliveries/:deliveryId/replay', {
    config: admin,
    schema: dashboardSchema({
      summary: 'Send a delivery again (admin)',
      params: DeliveryParams,
      response: { 202: Type.Ref(WebhookDeliverySchema) },
    }),
    handler: async (request, reply) =>
      reply
        .code(202)
        .send(await replayHookDelivery(ctx, actorOf(request), request.params.webhookId, request.params.deliveryId)),
  });
}
