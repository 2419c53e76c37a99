// SQL for clients, their secrets and client sessions.
import type { Db, Executor } from '../../db/index.ts';
import { newId } from '../../lib/crypto.ts';
import type { Row } from '../../db/schema.ts';

export type ClientRow = Row<'clients'>;
export type ClientSecretRow = Row<'client_secrets'>;
export type ClientSessionRow = Row<'client_sessions'>;

export async function findClient(db: Executor, id: string): Promise<ClientRow | undefined> {
  return db.selectFrom('clients').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Secrets that still authenticate at `now`: the current one and a rotated-out one inside its overlap. */
export async function findLiveSecrets(db: Executor, clientId: string, now: Date): Promise<ClientSecretRow[]> {
  return db
    .selectFrom('client_secrets')
    .selectAll()
    .where('client_id', '=', clientId)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .execute();
}

export async function insertClient(
  db: Executor,
  row: { id: string; name: string; is_demo?: boolean; redirect_uris?: string[]; android_package_names?: string[] },
): Promise<void> {
  await db.insertInto('clients').values(row).execute();
}

export async function insertSecret(
  db: Executor,
  row: { id: string; client_id: string; secret_hash: Buffer; hint: string },
): Promise<void> {
  await db.insertInto('client_secrets').values(row).execute();
}

/** Gives every current secret of the client an expiry (the overlap after a rotation). */
export async function expireCurrentSecrets(db: Executor, clientId: string, expiresAt: Date): Promise<void> {
  await db
    .updateTable('client_secrets')
    .set({ expires_at: expiresAt })
    .where('client_id', '=', clientId)
    .where('expires_at', 'is', null)
    .execute();
}

/** Ends every secret of the client at once (used when a secret is replaced without overlap). */
export async function revokeAllSecrets(db: Executor, clientId: string, now: Date): Promise<void> {
  await db
    .updateTable('client_secrets')
    .set({ expires_at: now })
    .where('client_id', '=', clientId)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .execute();
}

export async function setClientStatus(
  db: Executor,
  id: string,
  status: 'ACTIVE' | 'DISABLED',
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('clients')
    .set({ status, updated_at: now })
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function listClients(db: Executor): Promise<ClientRow[]> {
  return db.selectFrom('clients').selectAll().orderBy('created_at', 'asc').execute();
}

export async function findDemoClient(db: Executor): Promise<ClientRow | undefined> {
  return db.selectFrom('clients').selectAll().where('is_demo', '=', true).executeTakeFirst();
}

export async function insertClientSession(db: Executor, row: ClientSessionRow): Promise<ClientSessionRow> {
  return db.insertInto('client_sessions').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findClientSession(db: Executor, idHash: Buffer): Promise<ClientSessionRow | undefined> {
  return db.selectFrom('client_sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
}

export async function setClientSessionUser(db: Executor, idHash: Buffer, userId: string, now: Date): Promise<void> {
  await db
    .updateTable('client_sessions')
    .set({ user_id: userId, updated_at: now })
    .where('id_hash', '=', idHash)
    .execute();
}

/** Sets the partner revenue share and records who did it (the operator) in the audit log. */
export async function setRevenueShare(
  db: Db,
  id: string,
  bps: number,
  now: Date,
): Promise<{ id: string; name: string; revenue_share_bps: number } | undefined> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('clients')
      .set({ revenue_share_bps: bps, updated_at: now })
      .where('id', '=', id)
      .returning(['id', 'name', 'revenue_share_bps'])
      .executeTakeFirst();
    if (!row) return undefined;
    await trx
      .insertInto('audit_log')
      .values({
        id: newId(),
        at: now,
        actor_type: 'OPERATOR',
        actor_id: null,
        action: 'client.revenue_share.update',
        client_id: id,
        user_id: null,
        subject_type: 'CLIENT',
        subject_id: id,
        request_id: null,
        ip: null,
        device_fingerprint: null,
        details: JSON.stringify({ revenueShareBps: bps }),
      })
      .execute();
    return row;
  });
}

export async function updateClientUris(
  db: Executor,
  id: string,
  set: { allowed_origins?: string[]; redirect_uris?: string[] },
  now: Date,
): Promise<ClientRow | undefined> {
  return db
    .updateTable('clients')
    .set({ ...set, updated_at: now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}
