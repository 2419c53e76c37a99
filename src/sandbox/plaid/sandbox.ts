// The state and behaviour of the built-in Plaid sandbox: link tokens, logins, items and accounts,
// public-token exchange, item errors and signed item webhooks. Everything lives in the database, so
// several server processes share one sandbox. Routes (routes.ts) only parse requests and render.
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import type { Logger } from 'pino';
import type { Db } from '../../db/index.ts';
import type { Row } from '../../db/schema.ts';
import type { Jobs } from '../../jobs/index.ts';
import { type Clock, wallClock } from '../../lib/clock.ts';
import { safeEqual, sha256, type KeyRing } from '../../lib/crypto.ts';
import { newRequestId, plaidErrors, PlaidSandboxError, randomAlphanumeric } from './errors.ts';
import {
  ACCOUNT_TEMPLATES,
  findInstitution,
  login,
  PLAID_DEFAULT_OWNER,
  type SandboxInstitution,
  type TestUser,
} from './institutions.ts';

export const LINK_TOKEN_TTL_MS = 4 * 3600_000;
export const PUBLIC_TOKEN_TTL_MS = 30 * 60_000;
export const WEBHOOK_QUEUE = 'sandbox-plaid-webhook';
const WEBHOOK_TIMEOUT_MS = 5_000;

/** Plaid item and account ids: 37 alphanumerics. */
const plaidId = () => randomAlphanumeric(37);

const hash = (token: string) => sha256(token);

export interface SandboxCredentials {
  clientId: string;
  secret: string;
}

export type ItemRow = Row<'sandbox_plaid_items'>;
export type AccountRow = Row<'sandbox_plaid_accounts'>;
export type LinkTokenRow = Row<'sandbox_plaid_link_tokens'>;

export interface LinkTokenInput {
  plaidClientId: string;
  clientName: string;
  clientUserId: string;
  legalName: string | null;
  products: string[];
  redirectUri: string | null;
  androidPackageName: string | null;
  webhook: string | null;
  /** Update mode: the item to repair. */
  itemId: string | null;
}

export interface LinkLoginInput {
  linkToken: string;
  institutionId: string;
  username: string;
  password: string;
  mfaCode?: string | undefined;
}

export interface WebhookJob {
  itemId: string;
  code: 'ERROR' | 'PENDING_EXPIRATION' | 'PENDING_DISCONNECT' | 'LOGIN_REPAIRED';
}

export class PlaidSandbox {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly keyring: KeyRing,
    private readonly jobs: Jobs,
    private readonly credentials: SandboxCredentials,
    private readonly log: Logger,
  ) {
    jobs.define<WebhookJob>({
      name: WEBHOOK_QUEUE,
      retryLimit: 3,
      retryDelaySeconds: 2,
      handler: (job) => this.deliverWebhook(job.data),
    });
  }

  /** Plaid keys are checked in constant time; either missing is MISSING_FIELDS, as Plaid answers. */
  checkKeys(clientId: string | undefined, secret: string | undefined): string {
    const missing = [...(clientId ? [] : ['client_id']), ...(secret ? [] : ['secret'])];
    if (missing.length > 0) throw plaidErrors.missingFields(missing);
    const ok = safeEqual(clientId!, this.credentials.clientId) && safeEqual(secret!, this.credentials.secret);
    if (!ok) throw plaidErrors.invalidApiKeys();
    return clientId!;
  }

  get clientId(): string {
    return this.credentials.clientId;
  }

  // ---- link tokens ----

  async createLinkToken(input: LinkTokenInput): Promise<{ linkToken: string; expiration: Date }> {
    const now = this.clock.now();
    const linkToken = `link-sandbox-${randomUUID()}`;
    const expiration = new Date(now.getTime() + LINK_TOKEN_TTL_MS);
    await this.db
      .insertInto('sandbox_plaid_link_tokens')
      .values({
        token_hash: hash(linkToken),
        plaid_client_id: input.plaidClientId,
        client_name: input.clientName,
        client_user_id: input.clientUserId,
        legal_name: input.legalName,
        products: input.products,
        redirect_uri: input.redirectUri,
        android_package_name: input.androidPackageName,
        webhook: input.webhook,
        item_id: input.itemId,
        created_at: now,
        expires_at: expiration,
      })
      .execute();
    return { linkToken, expiration };
  }

  /** A live link token, or INVALID_LINK_TOKEN. */
  async linkToken(token: string): Promise<LinkTokenRow> {
    if (!/^link-sandbox-[0-9a-f-]{36}$/.test(token))
      throw plaidErrors.invalidLinkToken(
        'link token is in an invalid format. expected format: link-sandbox-<identifier>',
      );
    const row = await this.db
      .selectFrom('sandbox_plaid_link_tokens')
      .selectAll()
      .where('token_hash', '=', hash(token))
      .executeTakeFirst();
    if (!row) throw plaidErrors.invalidLinkToken('link token not found');
    if (row.expires_at.getTime() <= this.clock.now().getTime())
      throw plaidErrors.invalidLinkToken('link token has expired');
    return row;
  }

  /** For update mode: the item a link token repairs (and its institution). */
  async linkTokenItem(row: LinkTokenRow): Promise<ItemRow | undefined> {
    if (!row.item_id) return undefined;
    return this.db
      .selectFrom('sandbox_plaid_items')
      .selectAll()
      .where('item_id', '=', row.item_id)
      .where('removed_at', 'is', null)
      .executeTakeFirst();
  }

  /**
   * The Link login step: the link token, the institution (fixed in update mode), the credentials and,
   * for OAuth institutions, the one-time code (any number). Throws Plaid's error for each failure.
   */
  async checkLinkLogin(
    input: LinkLoginInput,
  ): Promise<{ token: LinkTokenRow; existing: ItemRow | undefined; institution: SandboxInstitution; user: TestUser }> {
    const token = await this.linkToken(input.linkToken);
    const existing = await this.linkTokenItem(token);
    if (token.item_id && !existing) throw plaidErrors.itemNotFound();
    const institutionId = existing ? existing.institution_id : input.institutionId;
    const institution = findInstitution(institutionId);
    if (!institution) throw plaidErrors.invalidInstitution(institutionId);
    const result = login(institution, input.username, input.password);
    if (!result.ok) throw result.error;
    if (institution.oauth && !/^\d{1,12}$/.test(input.mfaCode ?? '')) throw plaidErrors.invalidMfa();
    if (existing && existing.username !== input.username) throw plaidErrors.invalidCredentials();
    return { token, existing, institution, user: result.user };
  }

  /**
   * What Plaid Link does when the user finishes: the login again (the page is not trusted), then a
   * new item with the chosen account — or, in update mode, the repaired item — and a public token.
   */
  async completeLink(input: LinkLoginInput & { accountSubtype?: string | undefined }): Promise<{
    publicToken: string;
    itemId: string;
    institution: SandboxInstitution;
    accounts: AccountRow[];
    redirectUri: string | null;
    updateMode: boolean;
  }> {
    const { token, existing, institution, user } = await this.checkLinkLogin(input);
    if (existing) {
      await this.repairItem(existing.item_id);
      const publicToken = await this.issuePublicToken(existing.item_id);
      return {
        publicToken,
        itemId: existing.item_id,
        institution,
        accounts: await this.accounts(existing.item_id),
        redirectUri: token.redirect_uri,
        updateMode: true,
      };
    }
    const templates = input.accountSubtype
      ? ACCOUNT_TEMPLATES.filter((t) => t.subtype === input.accountSubtype)
      : ACCOUNT_TEMPLATES;
    if (templates.length === 0) throw plaidErrors.invalidField('account_subtype must be checking or savings');
    const ownerName = user.owner.kind === 'LINK_USER' ? (token.legal_name ?? PLAID_DEFAULT_OWNER) : user.owner.name;
    const created = await this.createItem({
      plaidClientId: token.plaid_client_id,
      institution,
      user,
      ownerName,
      products: token.products,
      webhook: token.webhook,
      templates,
    });
    return {
      publicToken: created.publicToken,
      itemId: created.itemId,
      institution,
      accounts: await this.accounts(created.itemId),
      redirectUri: token.redirect_uri,
      updateMode: false,
    };
  }

  /**
   * /sandbox/public_token/create: an item without Link. With `clientUserId` (Plaid's `user_id`
   * field), the newest link token this Plaid client created for that user stands in for the Link
   * session: a `custom_ratio_good` item is owned by its legal name and gets its webhook, so scripts
   * reach the same outcome as the Link page.
   */
  async createPublicTokenDirect(input: {
    plaidClientId: string;
    institutionId: string;
    products: string[];
    username: string;
    password: string;
    webhook: string | null;
    clientUserId: string | null;
  }): Promise<{ publicToken: string; itemId: string }> {
    const institution = findInstitution(input.institutionId);
    if (!institution) throw plaidErrors.invalidInstitution(input.institutionId);
    const result = login(institution, input.username, input.password);
    if (!result.ok) throw result.error;
    // The user's latest link token stands in for the Link session: its legal name and webhook.
    const latest = input.clientUserId
      ? await this.db
          .selectFrom('sandbox_plaid_link_tokens')
          .select(['legal_name', 'webhook'])
          .where('plaid_client_id', '=', input.plaidClientId)
          .where('client_user_id', '=', input.clientUserId)
          .orderBy('created_at', 'desc')
          .limit(1)
          .executeTakeFirst()
      : undefined;
    const ownerName =
      result.user.owner.kind === 'FIXED' ? result.user.owner.name : (latest?.legal_name ?? PLAID_DEFAULT_OWNER);
    const webhook = input.webhook ?? latest?.webhook ?? null;
    return this.createItem({
      plaidClientId: input.plaidClientId,
      institution,
      user: result.user,
      ownerName,
      products: input.products,
      webhook,
      templates: ACCOUNT_TEMPLATES,
    });
  }

  private async createItem(input: {
    plaidClientId: string;
    institution: SandboxInstitution;
    user: TestUser;
    ownerName: string;
    products: string[];
    webhook: string | null;
    templates: typeof ACCOUNT_TEMPLATES;
  }): Promise<{ publicToken: string; itemId: string }> {
    const now = this.clock.now();
    const itemId = plaidId();
    const publicToken = `public-sandbox-${randomUUID()}`;
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('sandbox_plaid_items')
        .values({
          item_id: itemId,
          plaid_client_id: input.plaidClientId,
          // Unusable until the public token is exchanged (then replaced by the access token's digest).
          access_token_hash: sha256(`unexchanged:${itemId}`),
          institution_id: input.institution.id,
          username: input.user.username,
          products: input.products,
          webhook: input.webhook,
          error_code: null,
          consent_expiration_time: null,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await trx
        .insertInto('sandbox_plaid_accounts')
        .values(
          input.templates.map((t, position) => ({
            account_id: plaidId(),
            item_id: itemId,
            position,
            name: t.name,
            official_name: t.officialName,
            type: 'depository',
            subtype: t.subtype,
            mask: t.mask,
            account_number: t.accountNumber,
            routing_number: input.institution.routingNumbers[0]!,
            wire_routing_number: t.wireRouting,
            available_cents: t.availableCents,
            current_cents: t.currentCents,
            owner_names: [input.ownerName],
          })),
        )
        .execute();
      await trx
        .insertInto('sandbox_plaid_public_tokens')
        .values({
          token_hash: hash(publicToken),
          item_id: itemId,
          created_at: now,
          expires_at: new Date(now.getTime() + PUBLIC_TOKEN_TTL_MS),
        })
        .execute();
    });
    return { publicToken, itemId };
  }

  private async issuePublicToken(itemId: string): Promise<string> {
    const now = this.clock.now();
    const publicToken = `public-sandbox-${randomUUID()}`;
    await this.db
      .insertInto('sandbox_plaid_public_tokens')
      .values({
        token_hash: hash(publicToken),
        item_id: itemId,
        created_at: now,
        expires_at: new Date(now.getTime() + PUBLIC_TOKEN_TTL_MS),
      })
      .execute();
    return publicToken;
  }

  // ---- exchange and access ----

  /** One-time exchange of a live public token for the item's access token. */
  async exchange(plaidClientId: string, publicToken: string): Promise<{ accessToken: string; itemId: string }> {
    if (!/^public-sandbox-[0-9a-f-]{36}$/.test(publicToken)) {
      throw plaidErrors.invalidPublicToken(
        'provided public token is in an invalid format. expected format: public-<environment>-<identifier>',
      );
    }
    const now = this.clock.now();
    const accessToken = `access-sandbox-${randomUUID()}`;
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('sandbox_plaid_public_tokens')
        .set({ exchanged_at: now })
        .where('token_hash', '=', hash(publicToken))
        .where('exchanged_at', 'is', null)
        .where('expires_at', '>', now)
        .returning('item_id')
        .executeTakeFirst();
      if (!row) throw plaidErrors.invalidPublicToken();
      const item = await trx
        .updateTable('sandbox_plaid_items')
        .set({ access_token_hash: hash(accessToken), updated_at: now })
        .where('item_id', '=', row.item_id)
        .where('plaid_client_id', '=', plaidClientId)
        .where('removed_at', 'is', null)
        .returning('item_id')
        .executeTakeFirst();
      if (!item)
        throw plaidErrors.invalidPublicToken('provided public token belongs to another client or a removed item');
      return { accessToken, itemId: row.item_id };
    });
  }

  /** The item behind an access token of this Plaid client, or INVALID_ACCESS_TOKEN / ITEM_NOT_FOUND. */
  async item(plaidClientId: string, accessToken: string): Promise<ItemRow> {
    if (!/^access-sandbox-[0-9a-f-]{36}$/.test(accessToken)) throw plaidErrors.invalidAccessToken();
    const row = await this.db
      .selectFrom('sandbox_plaid_items')
      .selectAll()
      .where('access_token_hash', '=', hash(accessToken))
      .executeTakeFirst();
    if (!row || row.plaid_client_id !== plaidClientId) {
      throw new PlaidSandboxError(400, 'INVALID_INPUT', 'INVALID_ACCESS_TOKEN', 'could not find matching access token');
    }
    if (row.removed_at !== null) throw plaidErrors.itemNotFound();
    return row;
  }

  /** As item(), and refuses items in an error state (data endpoints). */
  async healthyItem(plaidClientId: string, accessToken: string): Promise<ItemRow> {
    const row = await this.item(plaidClientId, accessToken);
    if (row.error_code === 'ITEM_LOGIN_REQUIRED') throw plaidErrors.itemLoginRequired();
    const institution = findInstitution(row.institution_id);
    if (institution?.health === 'DOWN') throw plaidErrors.institutionDown();
    return row;
  }

  async accounts(itemId: string, accountIds?: string[]): Promise<AccountRow[]> {
    let query = this.db.selectFrom('sandbox_plaid_accounts').selectAll().where('item_id', '=', itemId);
    if (accountIds && accountIds.length > 0) query = query.where('account_id', 'in', accountIds);
    return query.orderBy('position').execute();
  }

  async removeItem(itemId: string): Promise<void> {
    const now = this.clock.now();
    await this.db
      .updateTable('sandbox_plaid_items')
      .set({ removed_at: now, updated_at: now })
      .where('item_id', '=', itemId)
      .where('removed_at', 'is', null)
      .execute();
  }

  /** /sandbox/item/reset_login: the item now needs its user to log in again; an ERROR webhook follows. */
  async resetLogin(itemId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('sandbox_plaid_items')
        .set({ error_code: 'ITEM_LOGIN_REQUIRED', updated_at: this.clock.now() })
        .where('item_id', '=', itemId)
        .execute();
      await this.jobs.send<WebhookJob>(WEBHOOK_QUEUE, { itemId, code: 'ERROR' }, { trx });
    });
  }

  /** Update mode succeeded: the error clears and a LOGIN_REPAIRED webhook follows. */
  private async repairItem(itemId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const repaired = await trx
        .updateTable('sandbox_plaid_items')
        .set({ error_code: null, consent_expiration_time: null, updated_at: this.clock.now() })
        .where('item_id', '=', itemId)
        .where((eb) => eb.or([eb('error_code', 'is not', null), eb('consent_expiration_time', 'is not', null)]))
        .executeTakeFirst();
      if (Number(repaired.numUpdatedRows) > 0)
        await this.jobs.send<WebhookJob>(WEBHOOK_QUEUE, { itemId, code: 'LOGIN_REPAIRED' }, { trx });
    });
  }

  /** /sandbox/item/fire_webhook. PENDING_EXPIRATION sets a consent expiry 7 days out; ERROR behaves as reset_login. */
  async fireWebhook(itemId: string, code: WebhookJob['code']): Promise<void> {
    if (code === 'ERROR') return this.resetLogin(itemId);
    await this.db.transaction().execute(async (trx) => {
      if (code === 'PENDING_EXPIRATION' || code === 'PENDING_DISCONNECT') {
        await trx
          .updateTable('sandbox_plaid_items')
          .set({
            consent_expiration_time: new Date(this.clock.now().getTime() + 7 * 86400_000),
            updated_at: this.clock.now(),
          })
          .where('item_id', '=', itemId)
          .execute();
      }
      await this.jobs.send<WebhookJob>(WEBHOOK_QUEUE, { itemId, code }, { trx });
    });
  }

  async setWebhook(itemId: string, webhook: string | null): Promise<void> {
    await this.db
      .updateTable('sandbox_plaid_items')
      .set({ webhook, updated_at: this.clock.now() })
      .where('item_id', '=', itemId)
      .execute();
  }

  // ---- webhooks ----

  /** The public key for /webhook_verification_key/get, in Plaid's JWK shape. */
  async verificationKey(kid: string): Promise<Record<string, unknown> | undefined> {
    const row = await this.db
      .selectFrom('sandbox_plaid_webhook_keys')
      .selectAll()
      .where('kid', '=', kid)
      .executeTakeFirst();
    if (!row) return undefined;
    const jwk = row.public_jwk as Record<string, unknown>;
    return {
      alg: 'ES256',
      created_at: Math.floor(row.created_at.getTime() / 1000),
      crv: jwk.crv,
      expired_at: row.expired_at ? Math.floor(row.expired_at.getTime() / 1000) : null,
      kid: row.kid,
      kty: jwk.kty,
      use: 'sig',
      x: jwk.x,
      y: jwk.y,
    };
  }

  /** Body (as sent, pretty-printed like Plaid's) and its Plaid-Verification JWT. */
  signedWebhook(payload: Record<string, unknown>): Promise<{ body: string; jwt: string }> {
    // Wall time, as Plaid's: a receiver checks `iat` against its own clock, not the sandbox's.
    return signWebhook({ db: this.db, keyring: this.keyring, clock: wallClock(this.clock) }, payload);
  }

  webhookPayload(item: ItemRow, code: WebhookJob['code']): Record<string, unknown> {
    const base = { webhook_type: 'ITEM', webhook_code: code, item_id: item.item_id };
    switch (code) {
      case 'ERROR':
        return { ...base, error: plaidErrors.itemLoginRequired().body(newRequestId(), true), environment: 'sandbox' };
      case 'PENDING_EXPIRATION':
        return {
          ...base,
          consent_expiration_time: (
            item.consent_expiration_time ?? new Date(this.clock.now().getTime() + 7 * 86400_000)
          ).toISOString(),
          environment: 'sandbox',
        };
      default:
        return { ...base, environment: 'sandbox' };
    }
  }

  /** Job: POST the signed webhook to the item's webhook URL (bounded by a timeout; the queue retries). */
  async deliverWebhook(job: WebhookJob): Promise<void> {
    const item = await this.db
      .selectFrom('sandbox_plaid_items')
      .selectAll()
      .where('item_id', '=', job.itemId)
      .executeTakeFirst();
    if (!item?.webhook || item.removed_at !== null) return;
    const { body, jwt } = await this.signedWebhook(this.webhookPayload(item, job.code));
    const response = await fetch(item.webhook, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'plaid-verification': jwt },
      body,
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
    if (!response.ok) {
      this.log.warn(
        { itemId: item.item_id, code: job.code, status: response.status },
        'sandbox Plaid webhook was refused; the queue retries',
      );
      throw new Error(`webhook receiver answered ${response.status}`);
    }
  }
}

export interface SigningDeps {
  db: Db;
  keyring: KeyRing;
  clock: Clock;
}

/** The signing key: the oldest unexpired one, created on first use (private JWK encrypted at rest). */
async function signingKey(deps: SigningDeps): Promise<{ kid: string; privateJwk: JWK }> {
  const find = () =>
    deps.db
      .selectFrom('sandbox_plaid_webhook_keys')
      .selectAll()
      .where('expired_at', 'is', null)
      .orderBy('created_at')
      .orderBy('kid')
      .limit(1)
      .executeTakeFirst();
  let row = await find();
  if (!row) {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const kid = randomUUID();
    const publicJwk = { ...(await exportJWK(publicKey)), alg: 'ES256', use: 'sig', kid };
    const encrypted = deps.keyring.encrypt(
      JSON.stringify(await exportJWK(privateKey)),
      `sandbox-plaid-webhook-key:${kid}`,
    );
    await deps.db
      .insertInto('sandbox_plaid_webhook_keys')
      .values({
        kid,
        public_jwk: JSON.stringify(publicJwk),
        private_key_id: encrypted.keyId,
        private_key_ciphertext: encrypted.ciphertext,
        created_at: deps.clock.now(),
      })
      .execute();
    row = await find();
  }
  const privateJwk = JSON.parse(
    deps.keyring.decrypt(
      { keyId: row!.private_key_id, ciphertext: row!.private_key_ciphertext },
      `sandbox-plaid-webhook-key:${row!.kid}`,
    ),
  ) as JWK;
  return { kid: row!.kid, privateJwk };
}

/** A webhook body (pretty-printed like Plaid's) and its Plaid-Verification JWT (ES256, iat, request_body_sha256). */
export async function signWebhook(
  deps: SigningDeps,
  payload: Record<string, unknown>,
): Promise<{ body: string; jwt: string }> {
  const body = JSON.stringify(payload, null, 2);
  const { kid, privateJwk } = await signingKey(deps);
  const key = await importJWK(privateJwk, 'ES256');
  const jwt = await new SignJWT({ request_body_sha256: sha256(body).toString('hex') })
    .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
    .setIssuedAt(Math.floor(deps.clock.now().getTime() / 1000))
    .sign(key);
  return { body, jwt };
}
