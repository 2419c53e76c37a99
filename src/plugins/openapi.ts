// The OpenAPI 3.1 document, generated from the route schemas, at GET /v1/api-docs, and the human docs
// page at /docs (Scalar, served from the package: no CDN). Every route added later appears
// automatically: this plugin adds its security requirement, tag and error responses.
import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import scalar from '@scalar/fastify-api-reference';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, RouteOptions } from 'fastify';
import type { Config } from '../config.ts';
import { CATALOGUE } from '../errors/catalogue.ts';
import { ErrorSchema } from '../lib/schema.ts';
import type { ClientAuth, UserAuth } from './types.ts';

const ErrorRef = Type.Ref(ErrorSchema);

/** Where the human docs page is served. */
export const DOCS_PREFIX = '/docs';

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request: `code` names the field (e.g. MISSING_FIRST_NAME) or is INVALID_BODY; `data.field` and `data.rule` say what is wrong',
  401: 'Missing or invalid credentials (MISSING_CLIENT_ID, INVALID_CLIENT_SECRET, EXPIRED_AUTHORIZATION…)',
  403: 'Authenticated but not allowed (MFA_REQUIRED, USER_BLOCKED, CLIENT_DISABLED…)',
  404: 'The resource does not exist or is not visible to this client and user',
  409: 'Conflicts with existing state (ALREADY_EXISTS_*)',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE: send application/json',
  422: 'The request is valid but cannot be carried out in the current state',
  429: 'RATE_LIMITED: retry after the Retry-After header',
  500: 'INTERNAL: unexpected error, logged with the request id',
};

function securityFor(auth: ClientAuth, user: UserAuth): Array<Record<string, string[]>> {
  if (auth === 'public') return [];
  const secret = { clientId: [], clientSecret: [] };
  const alternatives: Array<Record<string, string[]>> =
    auth === 'client' ? [secret, { clientSession: [] }, { partnerSession: [] }] : [secret];
  if (user === 'none') return alternatives;
  const withUser = alternatives.map((a) => ({ ...a, userSession: [] }));
  return user === 'optional' ? [...withUser, ...alternatives] : withUser;
}

function errorStatuses(route: RouteOptions, auth: ClientAuth, user: UserAuth): number[] {
  const statuses = new Set<number>([400, 429, 500]);
  if (auth !== 'public') statuses.add(401).add(403);
  if (user === 'one' || user === 'two') statuses.add(404);
  if (/[:{]/.test(route.url)) statuses.add(404);
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  if (methods.some((m) => m === 'POST' || m === 'PATCH' || m === 'PUT')) statuses.add(413).add(415).add(422).add(409);
  return [...statuses].sort();
}

function tagFor(url: string): string {
  const parts = url.split('/').filter(Boolean);
  const first = (parts[1] ?? parts[0] ?? 'api').replace(/[:(].*$/, '');
  return first.charAt(0).toUpperCase() + first.slice(1);
}

const BODY_OPTIONAL = 'x-body-optional';

async function emptyBodyIsEmptyObject(request: { body: unknown }): Promise<void> {
  if (request.body === undefined || request.body === null) request.body = {};
}

/** Operations marked BODY_OPTIONAL get `requestBody.required: false`, and lose the marker. */
function markOptionalBodies(document: Record<string, unknown>): Record<string, unknown> {
  const paths = (document.paths ?? {}) as Record<string, Record<string, Record<string, unknown>>>;
  for (const operations of Object.values(paths)) {
    for (const operation of Object.values(operations)) {
      if (operation[BODY_OPTIONAL] === undefined) continue;
      delete operation[BODY_OPTIONAL];
      const body = operation.requestBody as { required?: boolean } | undefined;
      if (body) body.required = false;
    }
  }
  return document;
}

export const openapiPlugin = fp(async function openapiPlugin(app: FastifyInstance, opts: { config: Config }) {
  app.addSchema(ErrorSchema);

  app.addHook('onRoute', (route) => {
    const isApi = route.url.startsWith('/v1/') || route.url.startsWith('/sandbox/');
    if (!isApi) return;
    const auth = route.config?.auth;
    if (auth === undefined) throw new Error(`route ${String(route.method)} ${route.url} must declare config.auth`);
    const user: UserAuth = route.config?.user ?? 'none';
    route.schema ??= {};
    const schema = route.schema as Record<string, unknown>;
    if (route.config?.bodyOptional) {
      // swagger copies x- keys onto the operation; transformObject turns this one into required: false.
      schema[BODY_OPTIONAL] = true;
      route.preValidation = [
        emptyBodyIsEmptyObject,
        ...(Array.isArray(route.preValidation)
          ? route.preValidation
          : route.preValidation
            ? [route.preValidation]
            : []),
      ];
    }
    schema.tags ??= [route.config?.tag ?? tagFor(route.url)];
    const security = securityFor(auth, user);
    if (security.length > 0) schema.security = security;
    schema.response ??= {};
    const response = schema.response as Record<string, unknown>;
    for (const status of errorStatuses(route, auth, user)) {
      response[status] ??= { ...ErrorRef, description: ERROR_DESCRIPTIONS[status] };
    }
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'onramp — Ratio API',
        version: '1.0.0',
        description: [
          'A self-hostable implementation of the Ratio API: sign in with a wallet, SMS or email; onboard and KYC users;',
          'link a bank through Plaid; buy ETH and USDC by ACH, delivered on-chain; signed webhooks at every step.',
          '',
          `This server runs in **${opts.config.mode}** mode.`,
          '',
          'Every error body is `{ createTime, message, code, data }`. Codes are the Ratio error codes plus these onramp',
          `extensions: ${[...CATALOGUE.values()]
            .filter((e) => e.extension)
            .map((e) => `\`${e.code}\` (${e.status})`)
            .join(', ')}.`,
        ].join('\n'),
      },
      servers: [{ url: opts.config.http.publicUrl }],
      components: {
        securitySchemes: {
          clientId: { type: 'apiKey', in: 'header', name: 'ratio-client-id', description: 'Your client id' },
          clientSecret: {
            type: 'apiKey',
            in: 'header',
            name: 'ratio-client-secret',
            description: 'Your client secret (server-to-server only)',
          },
          clientSession: {
            type: 'apiKey',
            in: 'header',
            name: 'ratio-client-session-id',
            description: 'A client session id from POST /v1/client/sessions, for embedded front ends',
          },
          partnerSession: {
            type: 'apiKey',
            in: 'header',
            name: 'ratio-partner-session-id',
            description:
              "A partner session id from POST /v1/partner/auth/cryptoWallet:authenticate (Ratio's name; the same as a client session)",
          },
          userSession: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description: 'The sessionJwt from an auth endpoint',
          },
        },
      },
    },
    transformObject: (document) =>
      markOptionalBodies(
        ('openapiObject' in document ? document.openapiObject : document.swaggerObject) as never,
      ) as never,
    refResolver: {
      buildLocalReference(json, _baseUri, _fragment, i) {
        return typeof json.$id === 'string' ? json.$id : `def-${i}`;
      },
    },
  });

  app.get(
    '/v1/api-docs',
    { config: { auth: 'public', tag: 'Documentation' }, schema: { summary: 'This OpenAPI 3.1 document', hide: true } },
    async () => app.swagger(),
  );

  await app.register(scalar, {
    routePrefix: DOCS_PREFIX,
    // Scalar's default fonts come from its CDN: the page uses the system fonts instead.
    configuration: {
      url: '/v1/api-docs',
      pageTitle: 'onramp API reference',
      hideClientButton: false,
      withDefaultFonts: false,
    },
  });
});
