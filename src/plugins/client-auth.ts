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
  // A callback hook: a route without client authentication, and a secret whose client is cached,
  // cost no promise (bench:read).
  app.addHook('onRequest', (request, _reply, done) => {
    const mode = request.routeOptions.config?.auth;
    if (mode === undefined || mode === 'public') return done();
    const clientId = header(request, 'ratio-client-id');
    // Ratio's partner sessions are client sessions: ratio-partner-session-id is the same credential.
    const sessionId = header(request, 'ratio-client-session-id') ?? header(request, 'ratio-partner-session-id');
    const secret = header(request, 'ratio-client-secret');
    const principal =
      mode === 'client' && sessionId !== undefined && secret === undefined
        ? opts.authenticator.withSession(sessionId, clientId)
        : opts.authenticator.authenticateSecret(clientId, secret);
    if (!(principal instanceof Promise)) {
      request.client = principal;
      return done();
    }
    principal.then((client) => {
      request.client = client;
      done();
    }, done);
  });
});
