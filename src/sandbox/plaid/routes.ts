// The Plaid-compatible API of the built-in sandbox, under /sandbox/plaid: the endpoints onramp's
// bank linking uses, with Plaid's request fields, response shapes (request_id on every answer) and
// error objects (error_type, error_code, error_message, display_message, request_id). Registered
// only when no real Plaid environment is configured (sandbox mode). The official `plaid` client is
// pointed here (ctx.plaid), and partners may point theirs here too.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../app-types.ts';
import { newRequestId, plaidErrors, PlaidSandboxError, usePlaidErrors } from './errors.ts';
import { findInstitution, SUPPORTED_PRODUCTS } from './institutions.ts';
import type { AccountRow, ItemRow, PlaidSandbox, WebhookJob } from './sandbox.ts';

export type Body = Record<string, unknown>;

export function asBody(request: FastifyRequest): Body {
  const body = request.body;
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw plaidErrors.invalidBody();
  return body as Body;
}

export function onlyFields(body: Body, allowed: string[]): void {
  const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) throw plaidErrors.unknownFields(unknown);
}

export function requireFields(body: Body, fields: string[]): void {
  const missing = fields.filter((f) => body[f] === undefined || body[f] === null || body[f] === '');
  if (missing.length > 0) throw plaidErrors.missingFields(missing);
}

export function str(body: Body, field: string, opts: { max?: number } = {}): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw plaidErrors.invalidField(`${field} must be a string`);
  if (opts.max !== undefined && value.length > opts.max)
    throw plaidErrors.invalidField(`${field} must be at most ${opts.max} characters`);
  return value;
}

export function strArray(body: Body, field: string): string[] | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
    throw plaidErrors.invalidField(`${field} must be an array of strings`);
  return value as string[];
}

export function obj(body: Body, field: string): Body | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw plaidErrors.invalidField(`${field} must be an object`);
  return value as Body;
}

export function url(value: string | undefined, field: string): string | null {
  if (value === undefined || value === '') return null;
  try {
    const parsed = new URL(value);
    if (parsed.protocol === 'https:' || parsed.protocol === 'http:') return value;
  } catch {
    // below
  }
  throw plaidErrors.invalidField(`${field} must be a valid http(s) URL`);
}

function products(values: string[], field: string): string[] {
  for (const p of values)
    if (!(SUPPORTED_PRODUCTS as readonly string[]).includes(p)) throw plaidErrors.invalidProduct(p);
  if (values.length === 0) throw plaidErrors.invalidField(`${field} must contain at least one product`);
  return [...new Set(values)];
}

const money = (cents: bigint) => Number(cents) / 100;

export function renderAccount(a: AccountRow) {
  return {
    account_id: a.account_id,
    balances: {
      available: money(a.available_cents),
      current: money(a.current_cents),
      limit: null,
      iso_currency_code: 'USD',
      unofficial_currency_code: null,
    },
    mask: a.mask,
    name: a.name,
    official_name: a.official_name,
    subtype: a.subtype,
    type: a.type,
  };
}

function renderOwner(a: AccountRow) {
  return {
    names: a.owner_names,
    phone_numbers: [{ data: '+1 415-555-0123', primary: true, type: 'mobile' }],
    emails: [{ data: 'accountholder@example.com', primary: true, type: 'primary' }],
    addresses: [
      {
        data: { city: 'Malakoff', country: 'US', postal_code: '14236', region: 'NY', street: '2992 Cameron Road' },
        primary: true,
      },
    ],
  };
}

export function renderItem(item: ItemRow) {
  const institution = findInstitution(item.institution_id);
  return {
    item_id: item.item_id,
    institution_id: item.institution_id,
    institution_name: institution?.name ?? null,
    webhook: item.webhook,
    auth_method: null,
    error: item.error_code === 'ITEM_LOGIN_REQUIRED' ? plaidErrors.itemLoginRequired().body(newRequestId()) : null,
    available_products: SUPPORTED_PRODUCTS.filter((p) => !item.products.includes(p)),
    billed_products: item.products,
    products: item.products,
    consented_products: item.products,
    consent_expiration_time: item.consent_expiration_time ? item.consent_expiration_time.toISOString() : null,
    update_type: 'background',
  };
}

const WEBHOOK_CODES: WebhookJob['code'][] = ['ERROR', 'PENDING_EXPIRATION', 'PENDING_DISCONNECT', 'LOGIN_REPAIRED'];

/** Declares one Plaid endpoint: the handler's result goes out as JSON with a request_id. */
export type PlaidRoute = (
  path: string,
  handler: (request: FastifyRequest, body: Body) => Promise<Record<string, unknown>>,
) => void;
/** Checks the Plaid keys of a request (headers or body) and answers the Plaid client id. */
export type PlaidKeys = (request: FastifyRequest, body: Body) => string;
/** How endpoints are declared in the /sandbox/plaid scope. */
export type PlaidApi = { route: PlaidRoute; keys: PlaidKeys };
/** More endpoints in the same scope (Plaid's error objects, key checks): e.g. Identity Verification. */
export type PlaidApiExtension = (api: PlaidApi) => void;

export function registerPlaidApiRoutes(app: App, sandbox: PlaidSandbox, extensions: PlaidApiExtension[] = []): void {
  void app.register(
    // biome-ignore lint/nursery/noMisusedPromises: Fastify awaits an async plugin; the rule cannot see its types
    async (scope: FastifyInstance) => {
      const api = plaidApiScope(scope, sandbox);
      registerLinkRoutes(api, sandbox);
      registerAccountDataRoutes(api, sandbox);
      registerItemRoutes(api, sandbox);
      registerSandboxItemRoutes(api, sandbox);
      registerWebhookKeyRoutes(api, sandbox);
      for (const extend of extensions) extend(api);
    },
    { prefix: '/sandbox/plaid' },
  );
}

/** Plaid's error objects and 404 in the scope, and the route declarer and key check its endpoints use. */
function plaidApiScope(scope: FastifyInstance, sandbox: PlaidSandbox): PlaidApi {
  // Plaid's shapes, not the Ratio error schema the OpenAPI plugin attaches: bodies go out as JSON text.
  const json = (reply: FastifyReply, status: number, body: unknown) =>
    reply.code(status).type('application/json').send(JSON.stringify(body));
  usePlaidErrors(scope, json);
  scope.setNotFoundHandler((_request, reply) => json(reply, 404, plaidErrors.notFound().body(newRequestId())));

  /** Plaid keys from the PLAID-CLIENT-ID / PLAID-SECRET headers or the body, as Plaid accepts both. */
  const keys = (request: FastifyRequest, body: Body): string => {
    const header = (name: string) =>
      typeof request.headers[name] === 'string' ? (request.headers[name] as string) : undefined;
    return sandbox.checkKeys(
      header('plaid-client-id') ?? str(body, 'client_id'),
      header('plaid-secret') ?? str(body, 'secret'),
    );
  };

  const route: PlaidRoute = (path, handler) => {
    scope.post(
      path,
      { config: { auth: 'public' }, schema: { hide: true } },
      async (request: FastifyRequest, reply: FastifyReply) => {
        const body = asBody(request);
        const result = await handler(request, body);
        return json(reply, 200, { ...result, request_id: newRequestId() });
      },
    );
  };
  return { route, keys };
}

/** Link: a link token (new item, or update mode for an existing one), then the public token exchange. */
function registerLinkRoutes({ route, keys }: PlaidApi, sandbox: PlaidSandbox): void {
  route('/link/token/create', async (request, body) => {
    onlyFields(body, [
      'client_id',
      'secret',
      'client_name',
      'language',
      'country_codes',
      'user',
      'products',
      'webhook',
      'access_token',
      'redirect_uri',
      'android_package_name',
      'account_filters',
      'link_customization_name',
      'update',
      'required_if_supported_products',
      'optional_products',
      'additional_consented_products',
      'auth',
      'institution_id',
    ]);
    const plaidClientId = keys(request, body);
    requireFields(body, ['client_name', 'language', 'country_codes', 'user']);
    const clientName = str(body, 'client_name', { max: 30 })!;
    const language = str(body, 'language')!;
    if (!['en', 'es', 'fr', 'de', 'nl', 'it', 'pt'].includes(language))
      throw plaidErrors.invalidField('language must be a supported language code such as en');
    const countries = strArray(body, 'country_codes')!;
    if (!countries.includes('US'))
      throw plaidErrors.invalidField('country_codes must include US: this sandbox only has US institutions');
    const user = obj(body, 'user')!;
    const clientUserId = str(user, 'client_user_id', { max: 128 });
    if (!clientUserId) throw plaidErrors.missingFields(['user.client_user_id']);
    const legalName = str(user, 'legal_name', { max: 200 }) ?? null;
    const { itemId, productList } = await linkTokenItem(sandbox, plaidClientId, body);
    const { linkToken, expiration } = await sandbox.createLinkToken({
      plaidClientId,
      clientName,
      clientUserId,
      legalName,
      products: productList,
      redirectUri: url(str(body, 'redirect_uri'), 'redirect_uri'),
      androidPackageName: str(body, 'android_package_name', { max: 200 }) ?? null,
      webhook: url(str(body, 'webhook'), 'webhook'),
      itemId,
    });
    return { link_token: linkToken, expiration: expiration.toISOString() };
  });

  route('/item/public_token/exchange', async (request, body) => {
    onlyFields(body, ['client_id', 'secret', 'public_token']);
    const plaidClientId = keys(request, body);
    requireFields(body, ['public_token']);
    const { accessToken, itemId } = await sandbox.exchange(plaidClientId, str(body, 'public_token')!);
    return { access_token: accessToken, item_id: itemId };
  });
}

/** The item a link token is for: none for a new item (the requested products), the given one in update mode. */
async function linkTokenItem(
  sandbox: PlaidSandbox,
  plaidClientId: string,
  body: Body,
): Promise<{ itemId: string | null; productList: string[] }> {
  const accessToken = str(body, 'access_token');
  if (accessToken) {
    // Update mode: the item must exist; products come from the item.
    const item = await sandbox.item(plaidClientId, accessToken);
    return { itemId: item.item_id, productList: item.products };
  }
  const given = strArray(body, 'products');
  if (!given) throw plaidErrors.missingFields(['products']);
  return { itemId: null, productList: products(given, 'products') };
}

function accountIdsOption(body: Body): string[] | undefined {
  const options = obj(body, 'options');
  if (!options) return undefined;
  onlyFields(options, ['account_ids', 'min_last_updated_datetime']);
  return strArray(options, 'account_ids');
}

/** The item's data: accounts and balances (Balance), ACH numbers (Auth), account holders (Identity). */
function registerAccountDataRoutes({ route, keys }: PlaidApi, sandbox: PlaidSandbox): void {
  const dataRoute = (path: string, render: (item: ItemRow, accounts: AccountRow[]) => Record<string, unknown>) =>
    route(path, async (request, body) => {
      onlyFields(body, ['client_id', 'secret', 'access_token', 'options']);
      const plaidClientId = keys(request, body);
      requireFields(body, ['access_token']);
      const item = await sandbox.healthyItem(plaidClientId, str(body, 'access_token')!);
      const ids = accountIdsOption(body);
      const accounts = await sandbox.accounts(item.item_id, ids);
      if (ids && accounts.length !== new Set(ids).size)
        throw new PlaidSandboxError(
          400,
          'INVALID_INPUT',
          'INVALID_ACCOUNT_ID',
          'one or more of the account IDs is invalid',
        );
      return render(item, accounts);
    });

  dataRoute('/accounts/get', (item, accounts) => ({
    accounts: accounts.map(renderAccount),
    item: renderItem(item),
  }));
  dataRoute('/accounts/balance/get', (item, accounts) => ({
    accounts: accounts.map(renderAccount),
    item: renderItem(item),
  }));
  dataRoute('/auth/get', (item, accounts) => ({
    accounts: accounts.map(renderAccount),
    numbers: {
      ach: accounts.map((a) => ({
        account_id: a.account_id,
        account: a.account_number,
        routing: a.routing_number,
        wire_routing: a.wire_routing_number,
      })),
      eft: [],
      international: [],
      bacs: [],
    },
    item: renderItem(item),
  }));
  dataRoute('/identity/get', (item, accounts) => ({
    accounts: accounts.map((a) => ({ ...renderAccount(a), owners: [renderOwner(a)] })),
    item: renderItem(item),
  }));
}

/** The item itself: read it, remove it, change its webhook. */
function registerItemRoutes({ route, keys }: PlaidApi, sandbox: PlaidSandbox): void {
  route('/item/get', async (request, body) => {
    onlyFields(body, ['client_id', 'secret', 'access_token']);
    const plaidClientId = keys(request, body);
    requireFields(body, ['access_token']);
    const item = await sandbox.item(plaidClientId, str(body, 'access_token')!);
    return { item: renderItem(item), status: null };
  });

  route('/item/remove', async (request, body) => {
    onlyFields(body, ['client_id', 'secret', 'access_token', 'reason_code', 'reason_note']);
    const plaidClientId = keys(request, body);
    requireFields(body, ['access_token']);
    const item = await sandbox.item(plaidClientId, str(body, 'access_token')!);
    await sandbox.removeItem(item.item_id);
    return {};
  });

  route('/item/webhook/update', async (request, body) => {
    onlyFields(body, ['client_id', 'secret', 'access_token', 'webhook']);
    const plaidClientId = keys(request, body);
    requireFields(body, ['access_token']);
    const item = await sandbox.item(plaidClientId, str(body, 'access_token')!);
    await sandbox.setWebhook(item.item_id, url(str(body, 'webhook'), 'webhook'));
    return { item: renderItem(await sandbox.item(plaidClientId, str(body, 'access_token')!)) };
  });
}

/** Plaid's /sandbox endpoints for items: a public token without Link, a forced re-login, a fired webhook. */
function registerSandboxItemRoutes({ route, keys }: PlaidApi, sandbox: PlaidSandbox): void {
  route('/sandbox/public_token/create', async (request, body) => {
    onlyFields(body, ['client_id', 'secret', 'institution_id', 'initial_products', 'options', 'user_token', 'user_id']);
    // Scripts may call this without Plaid keys (the sandbox has one Plaid client); given keys must be right.
    const sentKeys =
      request.headers['plaid-client-id'] !== undefined ||
      request.headers['plaid-secret'] !== undefined ||
      body.client_id !== undefined ||
      body.secret !== undefined;
    const plaidClientId = sentKeys ? keys(request, body) : sandbox.clientId;
    requireFields(body, ['institution_id', 'initial_products']);
    const options = obj(body, 'options') ?? {};
    onlyFields(options, ['webhook', 'override_username', 'override_password', 'transactions']);
    const { publicToken } = await sandbox.createPublicTokenDirect({
      plaidClientId,
      institutionId: str(body, 'institution_id')!,
      products: products(strArray(body, 'initial_products')!, 'initial_products'),
      username: str(options, 'override_username') ?? 'user_good',
      password: str(options, 'override_password') ?? 'pass_good',
      webhook: url(str(options, 'webhook'), 'options.webhook'),
      clientUserId: str(body, 'user_id', { max: 128 }) ?? null,
    });
    return { public_token: publicToken };
  });

  route('/sandbox/item/reset_login', async (request, body) => {
    onlyFields(body, ['client_id', 'secret', 'access_token']);
    const plaidClientId = keys(request, body);
    requireFields(body, ['access_token']);
    const item = await sandbox.item(plaidClientId, str(body, 'access_token')!);
    await sandbox.resetLogin(item.item_id);
    return { reset_login: true };
  });

  route('/sandbox/item/fire_webhook', async (request, body) => {
    onlyFields(body, ['client_id', 'secret', 'access_token', 'webhook_type', 'webhook_code']);
    const plaidClientId = keys(request, body);
    requireFields(body, ['access_token', 'webhook_code']);
    const type = str(body, 'webhook_type') ?? 'ITEM';
    if (type !== 'ITEM') throw plaidErrors.invalidField('webhook_type must be ITEM: this sandbox fires item webhooks');
    const code = str(body, 'webhook_code')! as WebhookJob['code'];
    if (!WEBHOOK_CODES.includes(code))
      throw plaidErrors.invalidField(`webhook_code must be one of ${WEBHOOK_CODES.join(', ')}`);
    const item = await sandbox.item(plaidClientId, str(body, 'access_token')!);
    if (!item.webhook)
      throw new PlaidSandboxError(400, 'INVALID_REQUEST', 'SANDBOX_WEBHOOK_INVALID', 'the Item has no webhook set');
    await sandbox.fireWebhook(item.item_id, code);
    return { webhook_fired: true };
  });
}

/** The public keys that verify Plaid-Verification webhook JWTs. */
function registerWebhookKeyRoutes({ route, keys }: PlaidApi, sandbox: PlaidSandbox): void {
  route('/webhook_verification_key/get', async (request, body) => {
    onlyFields(body, ['client_id', 'secret', 'key_id']);
    keys(request, body);
    requireFields(body, ['key_id']);
    const key = await sandbox.verificationKey(str(body, 'key_id')!);
    if (!key) throw plaidErrors.invalidWebhookKeyId();
    return { key };
  });
}
