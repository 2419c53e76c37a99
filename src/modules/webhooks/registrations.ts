// Webhook registration use cases: create, list, get, update, delete, rotate the signing secret.
// The secret is shown once (on create and on rotate) and kept encrypted, since every attempt signs with it.
import type { AppContext } from '../../context.ts';
import type { Db, Executor } from '../../db/index.ts';
import { AppError } from '../../errors/app-error.ts';
import type { Clock } from '../../lib/clock.ts';
import { newId, type KeyRing } from '../../lib/crypto.ts';
import type { WebhooksConfig } from './config.ts';
import { normaliseEvents, type WebhookEvent } from './event-names.ts';
import {
  countWebhooks,
  deleteWebhook,
  failPendingDeliveries,
  findClientWebhook,
  insertWebhook,
  listWebhooks,
  updateWebhook,
  type ClaimWebhook,
  type WebhookRow,
} from './repository.ts';
import { newWebhookSecret } from './signing.ts';
import { validateWebhookUrl, type TargetPolicy } from './targets.ts';

export interface WebhookDeps {
  db: Db;
  clock: Clock;
  keyring: KeyRing;
  config: WebhooksConfig;
  policy: TargetPolicy;
}

/** What the registration use cases need, from the app's context. */
export function webhookDeps(ctx: Pick<AppContext, 'db' | 'clock' | 'secrets' | 'config'>): WebhookDeps {
  return {
    db: ctx.db,
    clock: ctx.clock,
    keyring: ctx.secrets.keyring,
    config: ctx.config.webhooks,
    policy: { httpsOnly: ctx.config.mode === 'production', allowLoopback: ctx.config.webhooks.allowLoopback },
  };
}

/** The Webhook API object (glossary), plus onramp's `url`, `active`, `disabledReason`, `previousSecretExpireTime`. */
export interface WebhookView {
  id: string;
  createTime: string;
  updateTime: string;
  name?: string;
  url: string;
  events: WebhookEvent[];
  active: boolean;
  disabledReason?: string;
  previousSecretExpireTime?: string;
  secret?: string;
}

export function toWebhook(row: WebhookRow, now: Date, secret?: string): WebhookView {
  const view: WebhookView = {
    id: row.id,
    createTime: row.created_at.toISOString(),
    updateTime: row.updated_at.toISOString(),
    url: row.url,
    events: row.events as WebhookEvent[],
    active: row.status === 'ACTIVE',
  };
  if (row.name !== null) view.name = row.name;
  if (row.disabled_reason !== null && row.status === 'DISABLED') view.disabledReason = row.disabled_reason;
  if (row.previous_secret_expires_at && row.previous_secret_expires_at > now)
    view.previousSecretExpireTime = row.previous_secret_expires_at.toISOString();
  if (secret !== undefined) view.secret = secret;
  return view;
}

const secretAad = (webhookId: string) => `webhook-secret:${webhookId}`;

/** The secrets that sign at `now`, newest first. */
export function signingSecrets(row: ClaimWebhook, keyring: Pick<KeyRing, 'decrypt'>, now: Date): string[] {
  const secrets = [keyring.decrypt({ keyId: row.secret_key_id, ciphertext: row.secret_ciphertext }, secretAad(row.id))];
  if (
    row.previous_secret_ciphertext &&
    row.previous_secret_key_id &&
    row.previous_secret_expires_at &&
    row.previous_secret_expires_at > now
  ) {
    secrets.push(
      keyring.decrypt(
        { keyId: row.previous_secret_key_id, ciphertext: row.previous_secret_ciphertext },
        secretAad(row.id),
      ),
    );
  }
  return secrets;
}

export interface CreateWebhookInput {
  url: string;
  events: string[];
  name?: string;
}

export async function createWebhook(
  deps: WebhookDeps,
  clientId: string,
  input: CreateWebhookInput,
): Promise<WebhookView> {
  const url = validateWebhookUrl(input.url, deps.policy);
  const events = normaliseEvents(input.events);
  const id = newId();
  const secret = newWebhookSecret();
  const encrypted = deps.keyring.encrypt(secret, secretAad(id));
  const now = deps.clock.now();
  const row = await deps.db.transaction().execute(async (trx) => {
    // Serialises creations per client, so two concurrent requests cannot both pass the limit.
    await trx.selectFrom('clients').select('id').where('id', '=', clientId).forUpdate().executeTakeFirst();
    const count = await countWebhooks(trx, clientId);
    if (count >= deps.config.maxPerClient) {
      throw new AppError('EXCEEDS_LIMIT_WEBHOOKS', {
        message: `A client can have at most ${deps.config.maxPerClient} webhooks; delete one first (several events can share one webhook)`,
        data: { limit: deps.config.maxPerClient },
      });
    }
    return insertWebhook(trx, {
      id,
      client_id: clientId,
      name: input.name ?? null,
      url,
      events,
      secret_ciphertext: encrypted.ciphertext,
      secret_key_id: encrypted.keyId,
      status: 'ACTIVE',
      created_at: now,
      updated_at: now,
    });
  });
  return toWebhook(row, now, secret);
}

export async function listClientWebhooks(deps: WebhookDeps, clientId: string): Promise<{ items: WebhookView[] }> {
  const now = deps.clock.now();
  return { items: (await listWebhooks(deps.db, clientId)).map((r) => toWebhook(r, now)) };
}

export async function requireWebhook(
  db: Executor,
  clientId: string,
  webhookId: string,
  forUpdate = false,
): Promise<WebhookRow> {
  const row = await findClientWebhook(db, clientId, webhookId, forUpdate);
  // Another client's registration is indistinguishable from a missing one.
  if (!row) throw new AppError('NOT_FOUND_WEBHOOK', { data: { webhookId } });
  return row;
}

export async function getWebhook(deps: WebhookDeps, clientId: string, webhookId: string): Promise<WebhookView> {
  return toWebhook(await requireWebhook(deps.db, clientId, webhookId), deps.clock.now());
}

export interface UpdateWebhookInput {
  url?: string;
  events?: string[];
  name?: string;
  /** onramp extension: true re-enables a registration disabled by a 410 Gone; false pauses it. */
  active?: boolean;
}

export async function changeWebhook(
  deps: WebhookDeps,
  clientId: string,
  webhookId: string,
  input: UpdateWebhookInput,
): Promise<WebhookView> {
  const url = input.url === undefined ? undefined : validateWebhookUrl(input.url, deps.policy);
  const events = input.events === undefined ? undefined : normaliseEvents(input.events);
  const now = deps.clock.now();
  const row = await deps.db.transaction().execute(async (trx) => {
    await requireWebhook(trx, clientId, webhookId, true);
    const set: Parameters<typeof updateWebhook>[2] = { updated_at: now };
    if (url !== undefined) set.url = url;
    if (events !== undefined) set.events = events;
    if (input.name !== undefined) set.name = input.name;
    if (input.active === true) {
      set.status = 'ACTIVE';
      set.disabled_reason = null;
    } else if (input.active === false) {
      set.status = 'DISABLED';
      set.disabled_reason = 'Paused by the client';
      await failPendingDeliveries(trx, webhookId, 'The webhook was disabled', now);
    }
    return (await updateWebhook(trx, webhookId, set))!;
  });
  return toWebhook(row, now);
}

export async function removeWebhook(deps: WebhookDeps, clientId: string, webhookId: string): Promise<void> {
  // Deliveries and attempts go with it (on delete cascade); a queued job finds nothing and stops.
  if (!(await deleteWebhook(deps.db, clientId, webhookId)))
    throw new AppError('NOT_FOUND_WEBHOOK', { data: { webhookId } });
}

/**
 * A new secret, returned once. The previous one keeps signing for `secretOverlapSeconds` so the
 * partner can deploy the new one without rejecting anything; a secret rotated out earlier stops now.
 */
export async function rotateWebhookSecret(
  deps: WebhookDeps,
  clientId: string,
  webhookId: string,
): Promise<WebhookView> {
  const now = deps.clock.now();
  const secret = newWebhookSecret();
  const encrypted = deps.keyring.encrypt(secret, secretAad(webhookId));
  const overlap = deps.config.secretOverlapSeconds;
  const row = await deps.db.transaction().execute(async (trx) => {
    const current = await requireWebhook(trx, clientId, webhookId, true);
    return (await updateWebhook(trx, webhookId, {
      secret_ciphertext: encrypted.ciphertext,
      secret_key_id: encrypted.keyId,
      previous_secret_ciphertext: overlap > 0 ? current.secret_ciphertext : null,
      previous_secret_key_id: overlap > 0 ? current.secret_key_id : null,
      previous_secret_expires_at: overlap > 0 ? new Date(now.getTime() + overlap * 1000) : null,
      updated_at: now,
    }))!;
  });
  return toWebhook(row, now, secret);
}
