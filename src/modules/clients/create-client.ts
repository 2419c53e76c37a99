import type { Db } from '../../db/index.ts';
import { lastChars, newId, newSecret, sha256 } from '../../lib/crypto.ts';
import type { Mode } from '../../config.ts';
import { insertClient, insertSecret } from './repository.ts';

export interface CreateClientInput {
  name: string;
  redirectUris?: string[];
  allowedOrigins?: string[];
  androidPackageNames?: string[];
  /** Fixed credentials (sandbox demo client from ONRAMP_DEMO_CLIENT_ID/SECRET). */
  id?: string;
  secret?: string;
  isDemo?: boolean;
}

export interface CreatedClient {
  clientId: string;
  clientSecret: string;
  name: string;
}

/** Client secrets carry the mode, so a sandbox secret is recognisable in logs and secret scanners. */
export function secretPrefix(mode: Mode): string {
  return mode === 'production' ? 'sk_live_' : 'sk_sandbox_';
}

export async function createClient(db: Db, mode: Mode, input: CreateClientInput): Promise<CreatedClient> {
  const clientId = input.id ?? newId();
  const clientSecret = input.secret ?? newSecret(secretPrefix(mode));
  await db.transaction().execute(async (trx) => {
    await insertClient(trx, {
      id: clientId,
      name: input.name,
      is_demo: input.isDemo ?? false,
      redirect_uris: input.redirectUris ?? [],
      allowed_origins: input.allowedOrigins ?? [],
      android_package_names: input.androidPackageNames ?? [],
    });
    await insertSecret(trx, {
      id: newId(),
      client_id: clientId,
      secret_hash: sha256(clientSecret),
      hint: lastChars(clientSecret),
    });
  });
  return { clientId, clientSecret, name: input.name };
}
