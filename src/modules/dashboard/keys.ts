// API keys on the dashboard: the client id, the live secrets (hints only), rotation (the new secret
// shown once; the previous one keeps working for ONRAMP_CLIENT_SECRET_OVERLAP_SECONDS, as with
// `onramp clients rotate-secret`), and the allowed origins and redirect URIs.
import type { AppContext } from '../../context.ts';
import { AppError } from '../../errors/app-error.ts';
import { type ClientChanges, findClient, findLiveSecrets, updateClient } from '../clients/repository.ts';
import { checkClientList, checkClientUrl } from '../clients/uris.ts';
import { secretHints } from '../clients/view.ts';
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
    secrets: secretHints(secrets, now),
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

export async function updateUris(
  ctx: AppContext,
  actor: MemberActor,
  input: { allowedOrigins?: string[]; redirectUris?: string[] },
) {
  const mode = ctx.config.mode;
  const set: ClientChanges = {};
  if (input.allowedOrigins)
    set.allowed_origins = checkClientList(input.allowedOrigins, (o) =>
      checkClientUrl(mode, o, 'allowedOrigins', 'origin'),
    );
  if (input.redirectUris)
    set.redirect_uris = checkClientList(input.redirectUris, (u) => checkClientUrl(mode, u, 'redirectUris', 'uri'));
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await updateClient(trx, actor.clientId, set, now))) throw new AppError('NOT_FOUND_CLIENT');
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
