// Authenticates partner clients on every /v1 call. A client row and its live secret hashes are
// cached for a few seconds so an authenticated read costs no database round trip; disabling or
// rotating on this process invalidates the entry at once, on other processes within the TTL.
// Client sessions are cached the same way, by the hash of their id: what the principal carries of a
// session (its client, addresses and expiry) never changes once it is created, nothing revokes one,
// and its expiry is checked on every request; only the client it belongs to (disabled or not) comes
// from the client cache above.
import type { Db } from '../../db/index.ts';
import { AppError } from '../../errors/app-error.ts';
import type { Clock } from '../../lib/clock.ts';
import { digestsEqual, sha256 } from '../../lib/crypto.ts';
import { UUID_RE } from '../../lib/ids.ts';
import type { ClientPrincipal, ClientSessionPrincipal } from '../../plugins/types.ts';
import type { Mode } from '../../config.ts';
import { secretPrefix } from './create-client.ts';
import { findClient, findClientSession, findLiveSecrets, type ClientRow, type ClientSecretRow } from './repository.ts';

interface CacheEntry {
  client: ClientRow | undefined;
  secrets: ClientSecretRow[];
  loadedAt: number;
}

// Compared against when the client id is unknown, so both paths do the same work.
const DUMMY_HASH = sha256('onramp-unknown-client');
const MAX_CACHE_ENTRIES = 10_000;

/** What a client session authenticates with: fields fixed when the session was created. */
interface SessionEntry {
  clientId: string;
  principal: ClientSessionPrincipal;
  loadedAt: number;
}

export class ClientAuthenticator {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly sessions = new Map<string, SessionEntry>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly cacheTtlMs: number,
    private readonly mode: Mode,
  ) {}

  invalidate(clientId: string): void {
    this.cache.delete(clientId);
  }

  /** The cached entry while it is fresh, else undefined. */
  private cached(clientId: string, now: number): CacheEntry | undefined {
    const hit = this.cache.get(clientId);
    return hit && now - hit.loadedAt < this.cacheTtlMs ? hit : undefined;
  }

  private async load(clientId: string): Promise<CacheEntry> {
    const now = this.clock.now();
    const hit = this.cached(clientId, now.getTime());
    if (hit) return hit;
    const client = await findClient(this.db, clientId);
    const secrets = client ? await findLiveSecrets(this.db, clientId, now) : [];
    const entry = { client, secrets, loadedAt: now.getTime() };
    if (this.cacheTtlMs > 0) {
      if (this.cache.size >= MAX_CACHE_ENTRIES) this.cache.clear();
      this.cache.set(clientId, entry);
    }
    return entry;
  }

  /**
   * The client of a `ratio-client-id` and `ratio-client-secret`. Without a promise when the client's
   * entry is cached (most requests): the request hook then finishes synchronously. Throws (or
   * rejects) when they are not valid.
   */
  authenticateSecret(
    clientId: string | undefined,
    secret: string | undefined,
  ): ClientPrincipal | Promise<ClientPrincipal> {
    if (clientId === undefined) throw new AppError('MISSING_CLIENT_ID');
    if (!UUID_RE.test(clientId))
      throw new AppError('INVALID_CLIENT_ID', { message: 'The ratio-client-id header must be a client id (UUID)' });
    if (secret === undefined) throw new AppError('MISSING_CLIENT_SECRET');
    checkSecretMode(secret, this.mode);
    const id = clientId.toLowerCase();
    const hit = this.cached(id, this.clock.now().getTime());
    if (hit) return this.checkSecret(hit, secret);
    return this.load(id).then((entry) => this.checkSecret(entry, secret));
  }

  private checkSecret({ client, secrets }: CacheEntry, secret: string): ClientPrincipal {
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

  /**
   * The client of a `ratio-client-session-id`, with the session. Without a promise when both the
   * session and its client are cached (most requests). Throws (or rejects) when it is not valid.
   */
  withSession(sessionId: string, clientIdHeader: string | undefined): ClientPrincipal | Promise<ClientPrincipal> {
    if (sessionId.length < 16 || sessionId.length > 128)
      throw new AppError('INVALID_SESSION_ID', {
        status: 401,
        message: 'The ratio-client-session-id header is not a client session id',
      });
    const idHash = sha256(sessionId);
    const key = idHash.toString('hex');
    const now = this.clock.now().getTime();
    const hit = this.sessions.get(key);
    if (hit && now - hit.loadedAt < this.cacheTtlMs) {
      const client = this.cached(hit.clientId, now);
      if (client) return this.checkSession(hit, clientIdHeader, client);
    }
    return this.loadSession(key, idHash).then(async (entry) => {
      // Checked before the client is loaded, as before the cache: an unknown or foreign session
      // reveals nothing of its client.
      this.checkSessionOwner(entry, clientIdHeader);
      return this.checkSession(entry, clientIdHeader, await this.load(entry.clientId));
    });
  }

  private async loadSession(key: string, idHash: Buffer): Promise<SessionEntry> {
    const row = await findClientSession(this.db, idHash);
    if (!row)
      throw new AppError('NOT_FOUND_SESSION', {
        status: 401,
        message: 'The ratio-client-session-id does not match a client session',
      });
    const entry: SessionEntry = {
      clientId: row.client_id,
      principal: {
        idHash: Buffer.from(row.id_hash),
        signingAddress: row.signing_address,
        signingType: row.signing_type,
        depositAddress: row.deposit_address,
        depositType: row.deposit_type,
        expiresAt: row.expires_at,
      },
      loadedAt: this.clock.now().getTime(),
    };
    if (this.cacheTtlMs > 0) {
      if (this.sessions.size >= MAX_CACHE_ENTRIES) this.sessions.clear();
      this.sessions.set(key, entry);
    }
    return entry;
  }

  private checkSessionOwner(entry: SessionEntry, clientIdHeader: string | undefined): void {
    if (clientIdHeader !== undefined && clientIdHeader.toLowerCase() !== entry.clientId) {
      throw new AppError('INVALID_CLIENT_ID', { message: 'The client session belongs to another client' });
    }
    if (entry.principal.expiresAt.getTime() <= this.clock.now().getTime()) throw new AppError('EXPIRED_SESSION_ID');
  }

  private checkSession(
    entry: SessionEntry,
    clientIdHeader: string | undefined,
    { client }: CacheEntry,
  ): ClientPrincipal {
    this.checkSessionOwner(entry, clientIdHeader);
    if (!client) throw new AppError('NOT_FOUND_SESSION', { status: 401 });
    if (client.status !== 'ACTIVE') throw new AppError('CLIENT_DISABLED');
    // A copy of the session: a handler never changes the cached one.
    return { ...principal(client, 'session'), session: { ...entry.principal } };
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

/**
 * A secret carries its mode in its prefix, and only works in that mode: a sandbox secret never
 * authenticates against a production server, nor a production one against a sandbox. The prefix is
 * public, so refusing on it early reveals nothing about the secret.
 */
function checkSecretMode(secret: string, mode: Mode): void {
  const live = secretPrefix('production');
  if (mode === 'production' ? secret.startsWith(live) : !secret.startsWith(live)) return;
  throw new AppError('INVALID_CLIENT_SECRET', {
    message:
      mode === 'production'
        ? `This is a production server: its client secrets start with ${live}; a sandbox secret does not work here`
        : `This is a sandbox server: a production client secret (${live}…) does not work here`,
  });
}
