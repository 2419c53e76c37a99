// Plaid webhooks at /webhooks/plaid: verified as Plaid documents (the Plaid-Verification header is an
// ES256 JWT whose key comes from /webhook_verification_key/get through the official client; its iat
// must be recent and its request_body_sha256 must be the SHA-256 of the raw body), then dispatched by
// webhook_type to the module that registered a handler (ctx.plaid.onWebhook). This module handles ITEM webhooks, applied to the
// bank: ERROR ITEM_LOGIN_REQUIRED, PENDING_EXPIRATION and PENDING_DISCONNECT → LOGIN_REQUIRED;
// LOGIN_REPAIRED → ACTIVE. Each change is written with its BANK_UPDATED event.
import { decodeProtectedHeader, importJWK, type JWK, type JWTPayload, jwtVerify } from 'jose';
import type { JWKPublicKey } from 'plaid';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../errors/app-error.ts';
import { wallClock } from '../../lib/clock.ts';
import { digestsEqual, sha256 } from '../../lib/crypto.ts';
import { PlaidCallError, plaidCall } from './plaid-call.ts';
import { findBankByItem, publishBankUpdated } from './repository.ts';
import type { LinkStatus } from './tables.ts';

// Verification keys by kid, per app. Plaid keys do not change once issued (they only expire), so
// keys are kept a day; a kid Plaid does not know is remembered as a miss for five minutes, so a flood
// of forged webhooks costs one upstream fetch per kid per five minutes, and at most
// MAX_FETCHES_PER_MINUTE fetches of new kids in all (past that, an unknown kid is refused without
// asking; Plaid retries a genuine webhook later). The cache holds at most MAX_ENTRIES kids.
const KEY_TTL_MS = 24 * 3600_000;
const MISS_TTL_MS = 5 * 60_000;
const MAX_ENTRIES = 1000;
const MAX_FETCHES_PER_MINUTE = 30;

interface CachedKey {
  key: JWKPublicKey | null;
  expiresAt: number;
}

class VerificationKeys {
  private entries = new Map<string, CachedKey>();
  private fetches: number[] = [];

  constructor(private readonly ctx: AppContext) {}

  /** The key for `kid`, null when Plaid does not know it (or too many new kids were asked for). */
  async get(kid: string): Promise<JWKPublicKey | null> {
    const now = this.ctx.clock.now().getTime();
    const cached = this.entries.get(kid);
    if (cached && cached.expiresAt > now) return cached.key;
    this.fetches = this.fetches.filter((at) => at > now - 60_000);
    if (this.fetches.length >= MAX_FETCHES_PER_MINUTE) return null;
    this.fetches.push(now);
    const key = await this.fetch(kid);
    this.remember(kid, { key, expiresAt: now + (key ? KEY_TTL_MS : MISS_TTL_MS) });
    return key;
  }

  private async fetch(kid: string): Promise<JWKPublicKey | null> {
    try {
      const result = await plaidCall(
        this.ctx.log,
        'webhook_verification_key/get',
        () => this.ctx.plaid.api().webhookVerificationKeyGet({ key_id: kid }),
        ['INVALID_WEBHOOK_VERIFICATION_KEY_ID'],
      );
      return result.key;
    } catch (error) {
      if (error instanceof PlaidCallError) return null;
      throw error; // Plaid unreachable: 503, not cached, so Plaid's retry can succeed
    }
  }

  private remember(kid: string, entry: CachedKey): void {
    this.entries.delete(kid);
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(kid, entry);
  }
}

// A cache of Plaid's verification keys per app (a WeakMap so it goes with the app), private to this file.
const keysByApp = new WeakMap<AppContext, VerificationKeys>();

function verificationKeys(ctx: AppContext): VerificationKeys {
  let keys = keysByApp.get(ctx);
  if (!keys) {
    keys = new VerificationKeys(ctx);
    keysByApp.set(ctx, keys);
  }
  return keys;
}

const refuse = (message: string) =>
  new AppError('INVALID_SIGNATURE', {
    message: `Plaid webhook refused: ${message}`,
    data: { field: 'plaid-verification' },
  });

export async function verifyPlaidWebhook(ctx: AppContext, rawBody: string, jwt: string | undefined): Promise<void> {
  if (!jwt) throw refuse('the Plaid-Verification header is missing');
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(jwt);
  } catch {
    throw refuse('the Plaid-Verification header is not a JWT');
  }
  if (header.alg !== 'ES256') throw refuse(`the JWT algorithm must be ES256 (got ${String(header.alg)})`);
  if (typeof header.kid !== 'string' || header.kid.length === 0 || header.kid.length > 200)
    throw refuse('the JWT has no key id');
  const key = await verificationKeys(ctx).get(header.kid);
  if (!key) throw refuse('the JWT names an unknown key id (kid)');
  if (key.expired_at !== null && key.expired_at !== undefined) throw refuse('the verification key has expired');
  let claims: JWTPayload;
  try {
    const publicKey = await importJWK({ kty: key.kty, crv: key.crv, x: key.x, y: key.y } as JWK, 'ES256');
    ({ payload: claims } = await jwtVerify(jwt, publicKey, {
      algorithms: ['ES256'],
      maxTokenAge: ctx.plaid.webhookMaxAgeSeconds,
      // Plaid stamps `iat` with its wall clock: compare with ours, not the sandbox's advanced one.
      currentDate: wallClock(ctx.clock).now(),
      clockTolerance: 5,
    }));
  } catch (error) {
    throw refuse(`the JWT does not verify (${error instanceof Error ? error.message : 'invalid'})`);
  }
  const claimed =
    typeof claims.request_body_sha256 === 'string' && /^[0-9a-f]{64}$/.test(claims.request_body_sha256)
      ? Buffer.from(claims.request_body_sha256, 'hex')
      : Buffer.alloc(0);
  if (!digestsEqual(claimed, sha256(rawBody))) throw refuse('request_body_sha256 does not match the body');
}

/** Applies a verified webhook through the handler of its webhook_type. */
export async function applyPlaidWebhook(ctx: AppContext, body: Record<string, unknown>): Promise<string> {
  const type = typeof body.webhook_type === 'string' ? body.webhook_type : '';
  if (type === 'ITEM') return applyItemWebhook(ctx, body);
  const handler = ctx.plaid.webhookHandler(type);
  return handler ? handler(body) : `ignored (no handler for ${type.slice(0, 40) || 'a webhook without webhook_type'})`;
}

interface ItemWebhook {
  webhook_type?: unknown;
  webhook_code?: unknown;
  item_id?: unknown;
  error?: { error_code?: unknown } | null;
}

async function applyItemWebhook(ctx: AppContext, body: ItemWebhook): Promise<string> {
  if (typeof body.item_id !== 'string') return 'ignored (an item webhook without item_id)';
  const code = String(body.webhook_code);
  let to: LinkStatus;
  let from: LinkStatus[];
  if (
    (code === 'ERROR' && body.error?.error_code === 'ITEM_LOGIN_REQUIRED') ||
    code === 'PENDING_EXPIRATION' ||
    code === 'PENDING_DISCONNECT'
  ) {
    to = 'LOGIN_REQUIRED';
    from = ['ACTIVE'];
  } else if (code === 'LOGIN_REPAIRED') {
    to = 'ACTIVE';
    from = ['LOGIN_REQUIRED'];
  } else {
    return `ignored (ITEM ${code})`;
  }
  const bank = await findBankByItem(ctx.db, body.item_id);
  if (!bank) return 'ignored (no bank for the item)';
  const changed = await ctx.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('banks')
      .set({ link_status: to, updated_at: ctx.clock.now() })
      .where('id', '=', bank.id)
      .where('deleted_at', 'is', null)
      .where('link_status', 'in', from)
      .returningAll()
      .executeTakeFirst();
    if (updated) await publishBankUpdated(ctx.events, trx, updated);
    return updated !== undefined;
  });
  return changed ? `bank ${bank.id} → ${to}` : `bank ${bank.id} already ${bank.link_status}`;
}
