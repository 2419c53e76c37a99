// The OpenAPI 3.1 document, generated from the route schemas, at GET /v1/api-docs, and the human docs
// page at /docs (Scalar, served from the package with its fonts off: no other host is contacted).
// Every route added later appears automatically: this plugin adds its security requirement, tag and
// error responses, and refuses to start when a documented /v1 or /sandbox route lacks an operationId
// or a summary — they name the SDK method (sdk/) and the Postman request (postman/).
import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import type scalar from '@scalar/fastify-api-reference';
import { Type } from '@sinclair/typebox';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type RouteOptions } from 'fastify';
import type { Config } from '../config.ts';
import { CATALOGUE } from '../errors/catalogue.ts';
import { ErrorSchema } from '../lib/schema.ts';
import { finishDocument, type OperationExtras, SECURITY_SCHEMES } from './openapi-document.ts';
import type { ClientAuth, UserAuth } from './types.ts';

const ErrorRef = Type.Ref(ErrorSchema);

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
  const alternatives: Array<Record<string, string[]>> = auth === 'client' ? [secret, { clientSession: [] }] : [secret];
  if (user === 'none') return alternatives;
  const withUser = alternatives.map((a) => ({ ...a, userSession: [] }));
  // Without a session first: the docs page's "try it" and generated curl use the first requirement,
  // and a placeholder bearer token on a call that needs none answers 401.
  return user === 'optional' ? [...alternatives, ...withUser] : withUser;
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

const OPERATION_ID_RE = /^[a-z][a-zA-Z0-9]{2,60}$/;

/** Documented partner routes must name themselves: the SDK, Postman and the docs are built from these. */
function requireNames(route: RouteOptions, schema: Record<string, unknown>, seen: Map<string, string>): string {
  const where = `${String(route.method)} ${route.url}`;
  // Fastify adds a HEAD route beside every GET, with the same schema: not an operation of its own.
  const operationId = schema.operationId;
  if (typeof operationId !== 'string' || !OPERATION_ID_RE.test(operationId)) {
    throw new Error(
      `route ${where} must declare schema.operationId, a camelCase verb-noun such as createUser or initiateAchPurchase ` +
        '(it names the SDK method and the Postman request; then run npm run sdk:generate)',
    );
  }
  if (typeof schema.summary !== 'string' || schema.summary.trim() === '') {
    throw new Error(`route ${where} must declare schema.summary (the docs entry and the SDK method's comment)`);
  }
  const previous = seen.get(operationId);
  if (previous && previous !== where && route.method !== 'HEAD')
    throw new Error(`operationId ${operationId} is used by ${previous} and ${where}`);
  if (!previous) seen.set(operationId, where);
  return operationId;
}

export const openapiPlugin = fp(async function openapiPlugin(app: FastifyInstance, opts: { config: Config }) {
  app.addSchema(ErrorSchema);
  const extras = new Map<string, OperationExtras>();
  const seen = new Map<string, string>();

  app.addHook('onRoute', (route) => {
    const isApi = route.url.startsWith('/v1/') || route.url.startsWith('/sandbox/');
    if (!isApi) return;
    const auth = route.config?.auth;
    if (auth === undefined) throw new Error(`route ${String(route.method)} ${route.url} must declare config.auth`);
    const user: UserAuth = route.config?.user ?? 'none';
    route.schema ??= {};
    const schema = route.schema as Record<string, unknown>;
    if (schema.hide === true) return;
    const operationId = requireNames(route, schema, seen);
    extras.set(operationId, { idempotent: Boolean(route.config?.idempotency) });
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
        description: documentDescription(opts.config),
      },
      servers: [{ url: opts.config.http.publicUrl }],
      components: { securitySchemes: SECURITY_SCHEMES as never },
    },
    refResolver: {
      buildLocalReference(json, _baseUri, _fragment, i) {
        return typeof json.$id === 'string' ? json.$id : `def-${i}`;
      },
    },
    transformObject: (document) =>
      finishDocument(('openapiObject' in document ? document.openapiObject : {}) as Record<string, unknown>, extras),
  });

  app.get(
    '/v1/api-docs',
    { config: { auth: 'public', tag: 'Documentation' }, schema: { summary: 'This OpenAPI 3.1 document', hide: true } },
    async () => app.swagger(),
  );

  registerDocsPage(app);
});

// Headers of the docs app's answers that belong to that exchange only, not to the forwarded one.
const HOP_HEADERS = new Set(['connection', 'content-length', 'keep-alive', 'transfer-encoding']);

/**
 * /docs and /docs/*: Scalar's plugin inlines its 4 MB renderer in its own module (loading it took
 * ~0.4 s and ~30 MB at every start), so it is loaded on the first request for the docs page, into a
 * Fastify app of its own that these routes forward to in process.
 */
function registerDocsPage(app: FastifyInstance): void {
  let docs: Promise<FastifyInstance> | undefined;
  const load = async (): Promise<FastifyInstance> => {
    const { default: plugin } = await import('@scalar/fastify-api-reference');
    const sub = Fastify();
    await sub.register(plugin, { routePrefix: '/docs', configuration: DOCS_PAGE });
    await sub.ready();
    return sub;
  };
  const forward = async (request: FastifyRequest, reply: FastifyReply) => {
    docs ??= load().catch((error: unknown) => {
      docs = undefined;
      throw error;
    });
    const answer = await (await docs).inject({
      method: request.method as 'GET' | 'HEAD',
      url: request.url,
      headers: request.headers,
    });
    reply.code(answer.statusCode);
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined && !HOP_HEADERS.has(name)) reply.header(name, value);
    }
    return reply.send(answer.rawPayload);
  };
  app.get('/docs', { schema: { hide: true } }, forward);
  app.get('/docs/*', { schema: { hide: true } }, forward);
  app.addHook('onClose', async () => {
    if (docs) await (await docs.catch(() => undefined))?.close();
  });
}

function documentDescription(config: Config): string {
  const extensions = [...CATALOGUE.values()]
    .filter((e) => e.extension)
    .map((e) => `\`${e.code}\` (${e.status})`)
    .join(', ');
  return [
    'A self-hostable implementation of the Ratio API: sign in with a wallet, SMS or email; onboard and KYC users;',
    'link a bank through Plaid; buy ETH and USDC by ACH, delivered on-chain; signed webhooks at every step.',
    '',
    `This server runs in **${config.mode}** mode.`,
    '',
    '**Start here:** [Quickstart](/docs/guides/quickstart) (a sandbox purchase with a verified webhook, in TypeScript and curl) ·',
    '[Sandbox test values](/docs/guides/sandbox) · [All guides](/docs/guides) · the TypeScript SDK (`sdk/`, package `onramp-sdk`) ·',
    'the Postman collection (`postman/`).',
    '',
    '**Authentication.** Every call sends `ratio-client-id` with `ratio-client-secret` (your server) or',
    '`ratio-client-session-id` (an embedded front end). User calls add `Authorization: Bearer <sessionJwt>` from the Auth',
    'endpoints; switch to the JWT a response carries in `ratio-authentication-refresh`.',
    '',
    `Every error body is \`{ createTime, message, code, data }\`. Codes are the Ratio error codes plus these onramp extensions: ${extensions}.`,
  ].join('\n');
}

// The docs page renders offline: no fonts from the renderer's CDN, none of its product buttons (AI chat,
// MCP, the developer toolbar), auth fields pre-filled with onramp's placeholders.
const DOCS_PAGE: Parameters<typeof scalar>[1]['configuration'] = {
  url: '/v1/api-docs',
  pageTitle: 'onramp API reference',
  withDefaultFonts: false,
  telemetry: false,
  showDeveloperTools: 'never',
  hideClientButton: false,
  agent: { disabled: true },
  mcp: { disabled: true },
  documentDownloadType: 'json',
  defaultOpenAllTags: false,
  authentication: {
    preferredSecurityScheme: [['clientId', 'clientSecret']],
    securitySchemes: {
      clientId: { value: 'YOUR_CLIENT_ID' },
      clientSecret: { value: 'YOUR_CLIENT_SECRET' },
      clientSession: { value: 'YOUR_CLIENT_SESSION_ID' },
      userSession: { token: 'YOUR_SESSION_JWT' },
    },
  },
};
