import type { Db } from '../../db/index.ts';
import { AppError } from '../../errors/app-error.ts';
import type { Clock } from '../../lib/clock.ts';
import { lastChars, newId, newSecret, sha256 } from '../../lib/crypto.ts';
import type { Mode } from '../../config.ts';
import { secretPrefix } from './create-client.ts';
import { expireCurrentSecrets, findClient, insertSecret, revokeAllSecrets } from './repository.ts';

export interface RotatedSecret {
  clientId: string;
  clientSecret: string;
  /** Until when the previous secret keeps working. */
  previousSecretExpiresAt: string;
}

/**
 * Issues a new secret. The previous one keeps working for `overlapSeconds` so a partner can deploy
 * the new one without downtime; a secret rotated out earlier stops at once (at most two are live).
 */
export async function rotateClientSecret(
  db: Db,
  clock: Clock,
  mode: Mode,
  clientId: string,
  overlapSeconds: number,
  fixedSecret?: string,
): Promise<RotatedSecret> {
  const now = clock.now();
  const expiresAt = new Date(now.getTime() + overlapSeconds * 1000);
  const clientSecret = fixedSecret ?? newSecret(secretPrefix(mode));
  await db.transaction().execute(async (trx) => {
    const client = await findClient(trx, clientId);
    if (!client) throw new AppError('NOT_FOUND_CLIENT');
    // Secrets already in their overlap end now; the current one starts its overlap.
    await trx
      .updateTable('client_secrets')
      .set({ expires_at: now })
      .where('client_id', '=', clientId)
      .where('expires_at', '>', now)
      .execute();
    if (overlapSeconds > 0) await expireCurrentSecrets(trx, clientId, expiresAt);
    else await revokeAllSecrets(trx, clientId, now);
    await insertSecret(trx, {
      id: newId(),
      client_id: clientId,
      secret_hash: sha256(clientSecret),
      hint: lastChars(clientSecret),
    });
  });
  return { clientId, clientSecret, previousSecretExpiresAt: (overlapSeconds > 0 ? expiresAt : now).toISOString() };
}
