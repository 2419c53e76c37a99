// The hosted Link page of the built-in Plaid sandbox and the small JSON API behind it. The link
// token is the credential (as with Plaid Link); errors are Plaid error objects. Scripts may call the
// JSON API directly to link without a browser (docs/plaid-sandbox.md).
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { App } from '../../app-types.ts';
import { newRequestId, plaidErrors, usePlaidErrors } from './errors.ts';
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

export function registerLinkPageRoutes(app: App, sandbox: PlaidSandbox): void {
  // biome-ignore lint/nursery/noMisusedPromises: Fastify awaits an async plugin; the rule cannot see its types
  void app.register(async (scope: FastifyInstance) => {
    const json = (reply: FastifyReply, status: number, body: unknown) =>
      reply.code(status).type('application/json').header('cache-control', 'no-store').send(JSON.stringify(body));
    usePlaidErrors(scope, json);
    const opts = { config: { auth: 'public' as const }, schema: { hide: true } };

    // A partner shows Link in an iframe or a popup of its own origin: no X-Frame-Options here.
    scope.get('/sandbox/link', { ...opts, helmet: { frameguard: false } }, async (_request, reply) => {
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

    scope.post('/sandbox/link/complete', opts, async (request, reply) => {
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
