import { Type } from '@sinclair/typebox';
import type { App } from '../../app-types.ts';
import type { AppContext } from '../../context.ts';
import { createClientSession, getClientSession } from './client-sessions.ts';
import { ClientSessionSchema, CreateClientSessionRequest, SessionIdParams, UserMaskSchema } from './schemas.ts';

export const clientSchemas = [UserMaskSchema, ClientSessionSchema];

export function registerClientRoutes(app: App, ctx: AppContext): void {
  app.post('/v1/client/sessions', {
    config: { auth: 'client-secret', tag: 'Client' },
    schema: {
      operationId: 'createClientSession',
      summary: 'Create a client session',
      description:
        'Creates a short-lived session for an embedded front end. Send its `id` as `ratio-client-session-id` instead of ' +
        'the client secret; wallet sign-in through it must be signed by `signingAddress`.',
      body: CreateClientSessionRequest,
      response: { 201: Type.Ref(ClientSessionSchema) },
    },
    handler: async (request, reply) => {
      const session = await createClientSession(
        ctx.db,
        ctx.clock,
        request.client!.id,
        ctx.config.clients.sessionTtlSeconds,
        request.body,
      );
      return reply.code(201).send(session);
    },
  });

  app.get('/v1/client/sessions/:sessionId', {
    config: { auth: 'client-secret', tag: 'Client' },
    schema: {
      operationId: 'getClientSession',
      summary: 'Retrieve a client session',
      params: SessionIdParams,
      response: { 200: Type.Ref(ClientSessionSchema) },
    },
    handler: async (request) => getClientSession(ctx.db, ctx.clock, request.client!.id, request.params.sessionId),
  });
}
