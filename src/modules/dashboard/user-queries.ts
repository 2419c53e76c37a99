// SQL for the dashboard's users list and user page. Every query is scoped to the member's client
// through user_clients (the users the client onboarded or that linked through it).
import { sql } from 'kysely';
import type { Executor } from '../../db/index.ts';

export type UserSearch =
  | { kind: 'id'; value: string }
  | { kind: 'wallet'; value: string }
  | { kind: 'email'; value: string }
  | { kind: 'phone'; value: string };

export interface UserListRow {
  id: string;
  first_name: string;
  last_name: string;
  email: string;
  phone: string;
  joined_at: Date;
  joined_at_text: string;
  kyc_status: string | null;
  bank_link_status: string | null;
  bank_verification_status: string | null;
  bank_verified: boolean;
  flags: string[] | null;
  transactions: string;
  last_activity_at: Date | null;
}

export interface UserCursor {
  joinedAt: string;
  id: string;
}

export async function pageUsers(
  db: Executor,
  clientId: string,
  opts: { search?: UserSearch; after?: UserCursor; limit: number },
): Promise<UserListRow[]> {
  const s = opts.search;
  const match = !s
    ? sql`true`
    : s.kind === 'id'
      ? sql`u.id = ${s.value}::uuid`
      : s.kind === 'email'
        ? sql`u.email_normalized = ${s.value}`
        : s.kind === 'phone'
          ? sql`u.phone = ${s.value}`
          : sql`(u.id in (select user_id from signing_wallets where address = ${s.value})
                 or u.id in (select user_id from wallets where address = ${s.value}))`;
  const after = opts.after
    ? sql`(uc.created_at, uc.user_id) < (${opts.after.joinedAt}::timestamptz, ${opts.after.id}::uuid)`
    : sql`true`;
  const rows = await sql<UserListRow>`
    select u.id, u.first_name, u.last_name, u.email, u.phone, uc.created_at as joined_at,
           uc.created_at::text as joined_at_text, k.status as kyc_status,
           b.link_status as bank_link_status, b.verification_status as bank_verification_status,
           exists (select 1 from banks v where v.user_id = u.id and v.verification_status = 'APPROVED'
                   and v.verified_at is not null) as bank_verified,
           (select array_agg(f.code order by f.code) from user_flags f
             where f.user_id = u.id and f.cleared_at is null) as flags,
           (select coalesce(sum(d.transactions), 0)::text from dashboard_daily_users d
             where d.client_id = uc.client_id and d.user_id = u.id) as transactions,
           (select max(a.created_at) from activity_items a where a.user_id = u.id) as last_activity_at
      from user_clients uc
      join users u on u.id = uc.user_id
      left join kyc_submissions k on k.user_id = u.id
      left join lateral (
        select link_status, verification_status from banks
         where banks.user_id = u.id and deleted_at is null order by created_at desc limit 1
      ) b on true
     where uc.client_id = ${clientId} and ${match} and ${after}
     order by uc.created_at desc, uc.user_id desc
     limit ${opts.limit}`.execute(db);
  return rows.rows;
}

export async function userOfClient(db: Executor, clientId: string, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('user_clients')
    .select('user_id')
    .where('client_id', '=', clientId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row !== undefined;
}

export async function userDetailRows(db: Executor, clientId: string, userId: string) {
  const user = await db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirstOrThrow();
  const joined = await db
    .selectFrom('user_clients')
    .select('created_at')
    .where('client_id', '=', clientId)
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  const kyc = await db
    .selectFrom('kyc_submissions')
    .select(['status', 'submitted_at', 'decided_at', 'updated_at'])
    .where('user_id', '=', userId)
    .executeTakeFirst();
  const banks = await db
    .selectFrom('banks')
    .select([
      'id',
      'institution_name',
      'account_name',
      'mask',
      'link_status',
      'verification_status',
      'verified_at',
      'created_at',
      'deleted_at',
    ])
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .limit(20)
    .execute();
  const signing = await db
    .selectFrom('signing_wallets')
    .select(['wallet_type', 'address', 'created_at'])
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .limit(50)
    .execute();
  const deposit = await db
    .selectFrom('wallets')
    .select(['id', 'type', 'address', 'name', 'created_at'])
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .limit(50)
    .execute();
  const flags = await db
    .selectFrom('user_flags')
    .select(['code', 'set_at', 'cleared_at'])
    .where('user_id', '=', userId)
    .orderBy('set_at', 'desc')
    .limit(50)
    .execute();
  const totals = await sql<{ n: string }>`
    select coalesce(sum(transactions), 0)::text as n from dashboard_daily_users
     where client_id = ${clientId} and user_id = ${userId}`.execute(db);
  return { user, joinedAt: joined.created_at, kyc, banks, signing, deposit, flags, transactions: totals.rows[0]!.n };
}
