// The hosted Link page of the built-in Plaid sandbox and the small JSON API behind it. The link
// token is the credential (as with Plaid Link); errors are Plaid error objects. Scripts may call the
// JSON API directly to link without a browser (docs/plaid-sandbox.md).
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { App } from '../../app-types.ts';
import { EXAMPLE } from '../../lib/examples.ts';
import { named, Obj } from '../../lib/schema.ts';
import { newRequestId, plaidErrors, PlaidSandboxError } from './errors.ts';
import { ACCOUNT_TEMPLATES, findInstitution, INSTITUTIONS, type SandboxInstitution } from './institutions.ts';
import { LINK_PAGE, LINK_SCRIPT } from './link-page.ts';
import type { PlaidSandbox } from './sandbox.ts';

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; form-action 'none'; base-uri 'none'";

const institutionView = (i: SandboxInstitution) => ({
  id: i.id,
  name: i.name,
  oauth: i.oauth,
  health: i.health,
  primaryColor: i.primaryColor,
});

function field(
  body: Record<string, unknown>,
  name: string,
  opts: { required?: boolean; max?: number } = {},
): string | undefined {
  const value = body[name];
  if (value === undefined || value === null || value === '') {
    if (opts.required) throw plaidErrors.missingFields([name]);
    return undefined;
  }
  if (typeof value !== 'string' || value.length > (opts.max ?? 200))
    throw plaidErrors.invalidField(`${name} must be a string of at most ${opts.max ?? 200} characters`);
  return value;
}

function loginInput(body: unknown) {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw plaidErrors.invalidBody();
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).filter(
    (k) => !['token', 'institutionId', 'username', 'password', 'mfaCode', 'accountSubtype'].includes(k),
  );
  if (unknown.length > 0) throw plaidErrors.unknownFields(unknown);
  return {
    linkToken: field(b, 'token', { required: true })!,
    institutionId: field(b, 'institutionId') ?? '',
    username: field(b, 'username', { required: true })!,
    password: field(b, 'password', { required: true })!,
    mfaCode: field(b, 'mfaCode', { max: 12 }),
    accountSubtype: field(b, 'accountSubtype', { max: 20 }),
  };
}

const PlaidErrorSchema = named(
  'PlaidError',
  Type.Object(
    {
      error_type: Type.String(),
      error_code: Type.String(),
      error_message: Type.String(),
      display_message: Type.Union([Type.String(), Type.Null()]),
      request_id: Type.String(),
    },
    {
      description: "Plaid's error object: the Link page speaks Plaid, not the Ratio API",
      examples: [
        {
          error_type: 'ITEM_ERROR',
          error_code: 'INVALID_CREDENTIALS',
          error_message: 'the provided credentials were not correct',
          display_message:
            'The credentials you provided were incorrect. Check that your credentials are the same that you use for this institution',
          request_id: 'm8MDnv9okwxFNBV',
        },
      ],
    },
  ),
);

const SandboxLinkResultSchema = named(
  'SandboxLinkResult',
  Type.Object(
    {
      publicToken: Type.String({ description: 'Send it to banks:activateLink, as your app would after Plaid Link' }),
      updateMode: Type.Boolean({ description: 'true when the link token repaired an existing item (LOGIN_REQUIRED)' }),
      institution: Type.Object({ id: Type.String(), name: Type.String() }),
      accounts: Type.Array(
        Type.Object({
          id: Type.String(),
          name: Type.String(),
          mask: Type.String(),
          type: Type.String(),
          subtype: Type.String(),
        }),
      ),
      redirectUri: Type.Union([Type.String(), Type.Null()]),
      linkSessionId: Type.String(),
    },
    {
      examples: [
        {
          publicToken: EXAMPLE.publicToken,
          updateMode: false,
          institution: { id: 'ins_109511', name: 'Tartan Bank' },
          accounts: [
            {
              id: 'BxBXxLj1m4HMXBm9WZZmCWVbPjX16EHwv99vp',
              name: 'Plaid Checking',
              mask: '0000',
              type: 'depository',
              subtype: 'checking',
            },
          ],
          redirectUri: null,
          linkSessionId: 'Kx1tB3vRz9qLm2N',
        },
      ],
    },
  ),
);

export const linkPageSchemas = [PlaidErrorSchema, SandboxLinkResultSchema];

// Documented for scripts that link without a browser; the body is checked by loginInput (Plaid's
// error objects), not by the schema, which is there for the reference and the SDK.
const completeRouteOptions = {
  config: { auth: 'public' as const, tag: 'Sandbox' },
  attachValidation: true,
  schema: {
    operationId: 'completeSandboxLink',
    summary: 'Complete Plaid Link without a browser',
    description:
      "Does what the user does in the sandbox Link page: picks the institution, logs in with a test user and chooses the account, for the `token` from banks:requestLink. Answers the public token your app would get from Plaid Link's onSuccess; send it to banks:activateLink. Test users: `custom_ratio_good` / `pass_good` (verification APPROVED), `custom_ratio_bad` / `pass_bad` (DECLINED); OAuth institutions also need `mfaCode` (any number). Errors are Plaid's error objects. Sandbox mode only; the link token is the credential.",
    body: Obj(
      {
        token: Type.String({ description: 'The linkToken from banks:requestLink' }),
        institutionId: Type.Optional(
          Type.String({ description: 'The institution, e.g. Tartan Bank ins_109511 (not needed in update mode)' }),
        ),
        username: Type.String({ description: 'A sandbox test user: custom_ratio_good, custom_ratio_bad, user_good' }),
        password: Type.String({ description: 'pass_good, pass_bad, or error_<PLAID_ERROR_CODE> to trigger an error' }),
        mfaCode: Type.Optional(Type.String({ description: 'OAuth institutions: any number' })),
        accountSubtype: Type.Optional(Type.String({ description: 'checking (default) or savings' })),
      },
      {
        examples: [
          {
            token: EXAMPLE.linkToken,
            institutionId: 'ins_109511',
            username: 'custom_ratio_good',
            password: 'pass_good',
          },
        ],
      },
    ),
    response: { 200: Type.Ref(SandboxLinkResultSchema), 400: Type.Ref(PlaidErrorSchema) },
  },
};

export function registerLinkPageRoutes(app: App, sandbox: PlaidSandbox): void {
  // biome-ignore lint/nursery/noMisusedPromises: Fastify awaits an async plugin; the rule cannot see its types
  void app.register(async (scope: FastifyInstance) => {
    const json = (reply: FastifyReply, status: number, body: unknown) =>
      reply.code(status).type('application/json').header('cache-control', 'no-store').send(JSON.stringify(body));
    scope.setErrorHandler((error: Error & { code?: string }, request, reply) => {
      if (error instanceof PlaidSandboxError) return json(reply, error.status, error.body(newRequestId()));
      if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError)
        return json(reply, 400, plaidErrors.invalidBody().body(newRequestId()));
      request.log.error({ err: error }, 'sandbox Link request failed unexpectedly');
      return json(
        reply,
        500,
        new PlaidSandboxError(500, 'API_ERROR', 'INTERNAL_SERVER_ERROR', 'an unexpected error occurred').body(
          newRequestId(),
        ),
      );
    });
    const opts = { config: { auth: 'public' as const }, schema: { hide: true } };

    scope.get('/sandbox/link', opts, async (_request, reply) => {
      reply
        .header('content-security-policy', CSP)
        .header('cache-control', 'no-store')
        .header('referrer-policy', 'no-referrer');
      return reply.type('text/html; charset=utf-8').send(LINK_PAGE);
    });
    scope.get('/sandbox/link.js', opts, async (_request, reply) =>
      reply.type('text/javascript; charset=utf-8').send(LINK_SCRIPT),
    );

    scope.get('/sandbox/link/session', opts, async (request, reply) => {
      const tokenParam = (request.query as Record<string, unknown>).token;
      const token = await sandbox.linkToken(typeof tokenParam === 'string' ? tokenParam : '');
      const item = await sandbox.linkTokenItem(token);
      if (token.item_id && !item) throw plaidErrors.itemNotFound();
      const institution = item ? findInstitution(item.institution_id) : undefined;
      return json(reply, 200, {
        clientName: token.client_name,
        updateMode: item !== undefined,
        ...(institution ? { institution: institutionView(institution) } : {}),
        institutions: INSTITUTIONS.map(institutionView),
        products: token.products,
        redirectUri: token.redirect_uri,
        redirectOrigin: token.redirect_uri ? new URL(token.redirect_uri).origin : null,
      });
    });

    scope.post('/sandbox/link/login', opts, async (request, reply) => {
      const { existing } = await sandbox.checkLinkLogin(loginInput(request.body));
      const accounts = existing
        ? (await sandbox.accounts(existing.item_id)).map((a) => ({ name: a.name, mask: a.mask, subtype: a.subtype }))
        : ACCOUNT_TEMPLATES.map((t) => ({ name: t.name, mask: t.mask, subtype: t.subtype }));
      return json(reply, 200, { accounts });
    });

    scope.post('/sandbox/link/complete', completeRouteOptions, async (request, reply) => {
      const result = await sandbox.completeLink(loginInput(request.body));
      return json(reply, 200, {
        publicToken: result.publicToken,
        updateMode: result.updateMode,
        institution: { id: result.institution.id, name: result.institution.name },
        accounts: result.accounts.map((a) => ({
          id: a.account_id,
          name: a.name,
          mask: a.mask,
          type: a.type,
          subtype: a.subtype,
        })),
        redirectUri: result.redirectUri,
        linkSessionId: newRequestId(),
      });
    });
  });
}
