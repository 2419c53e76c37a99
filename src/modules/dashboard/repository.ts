// SQL for dashboard members, sign-in codes and links, and browser sessions.
import type { Executor } from '../../db/index.ts';
import type { NewRow, Row } from '../../db/schema.ts';
import type { MemberRole } from './tables.ts';

export type MemberRow = Row<'dashboard_members'>;
export type SessionRow = Row<'dashboard_sessions'>;
export type SignInCodeRow = Row<'dashboard_sign_in_codes'>;

export async function insertMember(db: Executor, row: NewRow<'dashboard_members'>): Promise<MemberRow | undefined> {
  return db
    .insertInto('dashboard_members')
    .values(row)
    .onConflict((oc) => oc.columns(['client_id', 'email']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function findMember(db: Executor, clientId: string, id: string): Promise<MemberRow | undefined> {
  return db
    .selectFrom('dashboard_members')
    .selectAll()
    .where('client_id', '=', clientId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function findMemberByEmail(db: Executor, clientId: string, email: string): Promise<MemberRow | undefined> {
  return db
    .selectFrom('dashboard_members')
    .selectAll()
    .where('client_id', '=', clientId)
    .where('email', '=', email)
    .executeTakeFirst();
}

export async function listMembers(db: Executor, clientId: string): Promise<MemberRow[]> {
  return db
    .selectFrom('dashboard_members')
    .selectAll()
    .where('client_id', '=', clientId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** Every membership of an email, on active clients, most recently used first. */
export async function membershipsOf(db: Executor, email: string): Promise<Array<MemberRow & { client_name: string }>> {
  return db
    .selectFrom('dashboard_members as m')
    .innerJoin('clients as c', 'c.id', 'm.client_id')
    .selectAll('m')
    .select('c.name as client_name')
    .where('m.email', '=', email)
    .where('c.status', '=', 'ACTIVE')
    .orderBy('m.last_sign_in_at', (ob) => ob.desc().nullsLast())
    .orderBy('m.created_at')
    .execute();
}

export async function setMemberRole(
  db: Executor,
  clientId: string,
  id: string,
  role: MemberRole,
  now: Date,
): Promise<MemberRow | undefined> {
  return db
    .updateTable('dashboard_members')
    .set({ role, updated_at: now })
    .where('client_id', '=', clientId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteMember(db: Executor, clientId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('dashboard_members')
    .where('client_id', '=', clientId)
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function insertSession(db: Executor, row: NewRow<'dashboard_sessions'>): Promise<void> {
  await db.insertInto('dashboard_sessions').values(row).execute();
}

export interface SessionWithMember {
  session: SessionRow;
  member: MemberRow;
  clientName: string;
  clientStatus: 'ACTIVE' | 'DISABLED';
}

export async function findSession(db: Executor, idHash: Buffer): Promise<SessionWithMember | undefined> {
  const row = await db
    .selectFrom('dashboard_sessions as s')
    .innerJoin('dashboard_members as m', 'm.id', 's.member_id')
    .innerJoin('clients as c', 'c.id', 'm.client_id')
    .select([
      's.id_hash',
      's.member_id',
      's.created_at as s_created_at',
      's.last_seen_at',
      's.expires_at',
      's.revoked_at',
      's.ip',
      's.user_agent',
      'm.id',
      'm.client_id',
      'm.email',
      'm.role',
      'm.invited_by',
      'm.created_at',
      'm.updated_at',
      'm.last_sign_in_at',
      'c.name as client_name',
      'c.status as client_status',
    ])
    .where('s.id_hash', '=', idHash)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    session: {
      id_hash: row.id_hash,
      member_id: row.member_id,
      created_at: row.s_created_at,
      last_seen_at: row.last_seen_at,
      expires_at: row.expires_at,
      revoked_at: row.revoked_at,
      ip: row.ip,
      user_agent: row.user_agent,
    },
    member: {
      id: row.id,
      client_id: row.client_id,
      email: row.email,
      role: row.role,
      invited_by: row.invited_by,
      created_at: row.created_at,
      updated_at: row.updated_at,
      last_sign_in_at: row.last_sign_in_at,
    },
    clientName: row.client_name,
    clientStatus: row.client_status,
  };
}

/** Records activity at most once a minute per session (a write per request would cost more than it tells). */
export async function touchSession(db: Executor, idHash: Buffer, now: Date): Promise<void> {
  await db
    .updateTable('dashboard_sessions')
    .set({ last_seen_at: now })
    .where('id_hash', '=', idHash)
    .where('last_seen_at', '<', new Date(now.getTime() - 60_000))
    .execute();
}

export async function revokeSession(db: Executor, idHash: Buffer, now: Date): Promise<void> {
  await db
    .updateTable('dashboard_sessions')
    .set({ revoked_at: now })
    .where('id_hash', '=', idHash)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Sessions that ended more than a day ago (expired, idle or revoked). */
export async function deleteOldSessions(db: Executor, before: Date, idleBefore: Date): Promise<number> {
  const result = await db
    .deleteFrom('dashboard_sessions')
    .where((eb) =>
      eb.or([eb('expires_at', '<', before), eb('revoked_at', '<', before), eb('last_seen_at', '<', idleBefore)]),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function markSignedIn(db: Executor, memberId: string, now: Date): Promise<void> {
  await db.updateTable('dashboard_members').set({ last_sign_in_at: now }).where('id', '=', memberId).execute();
}

export async function insertSignInCode(db: Executor, row: NewRow<'dashboard_sign_in_codes'>): Promise<void> {
  await db.insertInto('dashboard_sign_in_codes').values(row).execute();
}

export async function lockSignInCode(db: Executor, id: string): Promise<SignInCodeRow | undefined> {
  return db.selectFrom('dashboard_sign_in_codes').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function countCodeAttempt(db: Executor, id: string): Promise<void> {
  await db
    .updateTable('dashboard_sign_in_codes')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .execute();
}

export async function consumeSignInCode(db: Executor, id: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('dashboard_sign_in_codes')
    .set({ consumed_at: now })
    .where('id', '=', id)
    .where('consumed_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function deleteOldSignInCodes(db: Executor, before: Date): Promise<void> {
  await db.deleteFrom('dashboard_sign_in_codes').where('expires_at', '<', before).execute();
  await db.deleteFrom('dashboard_sign_in_links').where('expires_at', '<', before).execute();
}

export async function insertSignInLink(db: Executor, row: NewRow<'dashboard_sign_in_links'>): Promise<void> {
  await db.insertInto('dashboard_sign_in_links').values(row).execute();
}

/** Uses a link once: returns its member when it was unused and unexpired. */
export async function useSignInLink(db: Executor, tokenHash: Buffer, now: Date): Promise<string | undefined> {
  const row = await db
    .updateTable('dashboard_sign_in_links')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning('member_id')
    .executeTakeFirst();
  return row?.member_id;
}

export async function findMemberById(db: Executor, id: string): Promise<MemberRow | undefined> {
  return db.selectFrom('dashboard_members').selectAll().where('id', '=', id).executeTakeFirst();
}
