// API keys on the dashboard: the client id, the live secrets (hints only), rotation (the new secret
// shown once; the previous one keeps working for ONRAMP_CLIENT_SECRET_OVERLAP_SECONDS, as with
// `onramp clients rotate-secret`), and the allowed origins and redirect URIs.
import type { AppContext } from '../../context.ts';
import { AppError } from '../../errors/app-error.ts';
import { findClient, findLiveSecrets, updateClientUris } from '../clients/repository.ts';
import { rotateClientSecret } from '../clients/rotate-client-secret.ts';
import { auditMember, type MemberActor } from './audit.ts';

export const MAX_URIS = 20;

export async function apiKeys(ctx: AppContext, clientId: string) {
  const client = await findClient(ctx.db, clientId);
  if (!client) throw new AppError('NOT_FOUND_CLIENT');
  const now = ctx.clock.now();
  const secrets = await findLiveSecrets(ctx.db, clientId, now);
  return {
    clientId,
    name: client.name,
    mode: ctx.config.mode,
    secrets: secrets
      .sort((a, b) => b.created_at.getTime() - a.created_at.getTime())
      .map((s) => ({
        hint: `…${s.hint}`,
        createTime: s.created_at.toISOString(),
        ...(s.expires_at ? { expireTime: s.expires_at.toISOString() } : {}),
      })),
    secretOverlapSeconds: ctx.config.clients.secretOverlapSeconds,
    allowedOrigins: client.allowed_origins,
    redirectUris: client.redirect_uris,
  };
}

export async function rotateSecret(ctx: AppContext, actor: MemberActor) {
  const overlap = ctx.config.clients.secretOverlapSeconds;
  const rotated = await rotateClientSecret(ctx.db, ctx.clock, ctx.config.mode, actor.clientId, overlap);
  ctx.clientAuth.invalidate(actor.clientId);
  await auditMember(ctx.db, actor, {
    action: 'dashboard.client_secret.rotate',
    subjectType: 'CLIENT',
    subjectId: actor.clientId,
    at: ctx.clock.now(),
    details: { overlapSeconds: overlap },
  });
  return { clientSecret: rotated.clientSecret, previousSecretExpireTime: rotated.previousSecretExpiresAt };
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function checkUrl(ctx: AppContext, value: string, field: string, kind: 'origin' | 'uri'): string {
  const fail = (rule: string, message: string) => new AppError('INVALID_BODY', { message, data: { field, rule } });
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw fail('url', `\`${field}\` must hold absolute URLs (got ${JSON.stringify(value)})`);
  }
  const httpOk = ctx.config.mode === 'sandbox' || LOCAL_HOSTS.has(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && httpOk))
    throw fail('https', `\`${field}\` must use https:// (http:// only in sandbox mode or for localhost)`);
  if (url.username || url.password || url.hash)
    throw fail('plain', `\`${field}\` must not carry credentials or a #fragment`);
  if (kind === 'origin') {
    if (url.pathname !== '/' || url.search || value.endsWith('/'))
      throw fail('origin', `\`${field}\` must hold origins only, such as https://app.example.com (no path)`);
    return url.origin;
  }
  return value;
}

export async function updateUris(
  ctx: AppContext,
  actor: MemberActor,
  input: { allowedOrigins?: string[]; redirectUris?: string[] },
) {
  const set: { allowed_origins?: string[]; redirect_uris?: string[] } = {};
  if (input.allowedOrigins)
    set.allowed_origins = [...new Set(input.allowedOrigins.map((o) => checkUrl(ctx, o, 'allowedOrigins', 'origin')))];
  if (input.redirectUris)
    set.redirect_uris = [...new Set(input.redirectUris.map((u) => checkUrl(ctx, u, 'redirectUris', 'uri')))];
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await updateClientUris(trx, actor.clientId, set, now))) throw new AppError('NOT_FOUND_CLIENT');
    await auditMember(trx, actor, {
      action: 'dashboard.client_uris.update',
      subjectType: 'CLIENT',
      subjectId: actor.clientId,
      at: now,
      details: { allowedOrigins: set.allowed_origins, redirectUris: set.redirect_uris },
    });
  });
  ctx.clientAuth.invalidate(actor.clientId);
  return apiKeys(ctx, actor.clientId);
}
