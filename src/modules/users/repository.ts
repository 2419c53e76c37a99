// SQL for the users table (created in 0001).
import type { Executor } from '../../db/index.ts';
import type { Row } from '../../db/schema.ts';

export type UserRow = Row<'users'>;

export async function findUser(db: Executor, userId: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
}

export async function insertUser(
  db: Executor,
  row: Pick<
    UserRow,
    | 'id'
    | 'client_id'
    | 'first_name'
    | 'middle_name'
    | 'last_name'
    | 'email'
    | 'email_normalized'
    | 'phone'
    | 'country'
    | 'created_at'
    | 'updated_at'
  >,
): Promise<void> {
  await db.insertInto('users').values(row).execute();
}

export async function userIdByPhone(db: Executor, phone: string): Promise<string | undefined> {
  return (await db.selectFrom('users').select('id').where('phone', '=', phone).executeTakeFirst())?.id;
}

export async function userIdByEmail(db: Executor, emailNormalized: string): Promise<string | undefined> {
  return (await db.selectFrom('users').select('id').where('email_normalized', '=', emailNormalized).executeTakeFirst())
    ?.id;
}

export async function setUserProfile(
  db: Executor,
  userId: string,
  changes: { nationality: string | null; occupation: string | null; updated_at: Date },
): Promise<void> {
  await db.updateTable('users').set(changes).where('id', '=', userId).execute();
}
