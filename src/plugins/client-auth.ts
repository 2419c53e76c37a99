// Client authentication for every route that declares `config.auth`. Runs before the body is read.
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ClientAuthenticator } from '../modules/clients/authenticator.ts';

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text === '' ? undefined : text;
}

export const clientAuthPlugin = fp(async function clientAuthPlugin(
  app: FastifyInstance,
  opts: { authenticator: ClientAuthenticator },
) {
  app.decorateRequest('client', null);
  app.addHook('onRequest', async (request) => {
    const mode = request.routeOptions.config?.auth;
    if (mode === undefined || mode === 'public') return;
    const clientId = header(request, 'ratio-client-id');
    // Ratio's partner sessions are client sessions: ratio-partner-session-id is the same credential.
    const sessionId = header(request, 'ratio-client-session-id') ?? header(request, 'ratio-partner-session-id');
    const secret = header(request, 'ratio-client-secret');
    if (mode === 'client' && sessionId !== undefined && secret === undefined) {
      request.client = await opts.authenticator.withSession(sessionId, clientId);
      return;
    }
    request.client = await opts.authenticator.withSecret(clientId, secret);
  });
});
