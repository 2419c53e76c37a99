// Authenticates partner clients on every /v1 call. A client row and its live secret hashes are
// cached for a few seconds so an authenticated read costs no database round trip; disabling or
// rotating on this process invalidates the entry at once, on other processes within the TTL.
import type { Db } from '../../db/index.ts';
import { AppError } from '../../errors/app-error.ts';
import type { Clock } from '../../lib/clock.ts';
import { digestsEqual, sha256 } from '../../lib/crypto.ts';
import { UUID_RE } from '../../lib/ids.ts';
import type { ClientPrincipal } from '../../plugins/types.ts';
import { findClient, findClientSession, findLiveSecrets, type ClientRow, type ClientSecretRow } from './repository.ts';

interface CacheEntry {
  client: ClientRow | undefined;
  secrets: ClientSecretRow[];
  loadedAt: number;
}

// Compared against when the client id is unknown, so both paths do the same work.
const DUMMY_HASH = sha256('onramp-unknown-client');
const MAX_CACHE_ENTRIES = 10_000;

export class ClientAuthenticator {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly cacheTtlMs: number,
  ) {}

  invalidate(clientId: string): void {
    this.cache.delete(clientId);
  }

  private async load(clientId: string): Promise<CacheEntry> {
    const now = this.clock.now();
    const hit = this.cache.get(clientId);
    if (hit && now.getTime() - hit.loadedAt < this.cacheTtlMs) return hit;
    const client = await findClient(this.db, clientId);
    const secrets = client ? await findLiveSecrets(this.db, clientId, now) : [];
    const entry = { client, secrets, loadedAt: now.getTime() };
    if (this.cacheTtlMs > 0) {
      if (this.cache.size >= MAX_CACHE_ENTRIES) this.cache.clear();
      this.cache.set(clientId, entry);
    }
    return entry;
  }

  async withSecret(clientId: string | undefined, secret: string | undefined): Promise<ClientPrincipal> {
    if (clientId === undefined) throw new AppError('MISSING_CLIENT_ID');
    if (!UUID_RE.test(clientId))
      throw new AppError('INVALID_CLIENT_ID', { message: 'The ratio-client-id header must be a client id (UUID)' });
    if (secret === undefined) throw new AppError('MISSING_CLIENT_SECRET');
    const { client, secrets } = await this.load(clientId.toLowerCase());
    const presented = sha256(secret);
    const now = this.clock.now().getTime();
    // Every candidate (at most two live secrets, or a dummy) is compared, without an early exit.
    const candidates = secrets.filter((s) => s.expires_at === null || s.expires_at.getTime() > now);
    let match = false;
    for (const s of candidates.length > 0 ? candidates : [{ secret_hash: DUMMY_HASH }]) {
      if (digestsEqual(presented, Buffer.from(s.secret_hash))) match = true;
    }
    match = match && candidates.length > 0;
    if (!client || !match)
      throw new AppError('INVALID_CLIENT_SECRET', {
        message: 'The ratio-client-id and ratio-client-secret do not match an active client',
      });
    if (client.status !== 'ACTIVE') throw new AppError('CLIENT_DISABLED');
    return principal(client, 'secret');
  }

  async withSession(sessionId: string, clientIdHeader: string | undefined): Promise<ClientPrincipal> {
    if (sessionId.length < 16 || sessionId.length > 128)
      throw new AppError('INVALID_SESSION_ID', {
        status: 401,
        message: 'The ratio-client-session-id header is not a client session id',
      });
    const session = await findClientSession(this.db, sha256(sessionId));
    if (!session)
      throw new AppError('NOT_FOUND_SESSION', {
        status: 401,
        message: 'The ratio-client-session-id does not match a client session',
      });
    if (clientIdHeader !== undefined && clientIdHeader.toLowerCase() !== session.client_id) {
      throw new AppError('INVALID_CLIENT_ID', { message: 'The client session belongs to another client' });
    }
    if (session.expires_at.getTime() <= this.clock.now().getTime()) throw new AppError('EXPIRED_SESSION_ID');
    const { client } = await this.load(session.client_id);
    if (!client) throw new AppError('NOT_FOUND_SESSION', { status: 401 });
    if (client.status !== 'ACTIVE') throw new AppError('CLIENT_DISABLED');
    return {
      ...principal(client, 'session'),
      session: {
        idHash: Buffer.from(session.id_hash),
        signingAddress: session.signing_address,
        signingType: session.signing_type,
        depositAddress: session.deposit_address,
        depositType: session.deposit_type,
        userId: session.user_id,
        expiresAt: session.expires_at,
      },
    };
  }
}

function principal(client: ClientRow, via: 'secret' | 'session'): ClientPrincipal {
  return {
    id: client.id,
    name: client.name,
    isDemo: client.is_demo,
    via,
    redirectUris: client.redirect_uris,
    androidPackageNames: client.android_package_names,
  };
}
