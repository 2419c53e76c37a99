// The database checks every process makes at start, each failing with a message the operator can act
// on: the server answers at DATABASE_URL, and the database belongs to this mode (mode safety: the
// first process to run against it records its ONRAMP_MODE, migration 0002; every later one — server or
// CLI — must be in the same mode).
import { sql } from 'kysely';
import type { Mode } from '../config.ts';
import { StartupError } from '../errors/startup-error.ts';
import type { Db } from './index.ts';

/** Fails with the server's own reason (no such role, database, host…) naming DATABASE_URL, never its password. */
export async function checkDatabaseReachable(db: Db, url: string | undefined): Promise<void> {
  if (url === undefined) return;
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    const where = url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
    const reason = (error as Error).message || (error as { code?: string }).code || String(error);
    throw new StartupError(`Cannot use the database at DATABASE_URL (${where}): ${reason}`);
  }
}

export class DatabaseModeError extends StartupError {
  constructor(
    readonly recorded: Mode,
    readonly running: Mode,
    recordedAt: Date,
  ) {
    super(
      `This database belongs to ${recorded} mode (recorded ${recordedAt.toISOString()}), but onramp is running in ` +
        `${running} mode. Set ONRAMP_MODE=${recorded} to use it, or point DATABASE_URL at a ${running} database.`,
    );
  }
}

/** Records `mode` if the database has none yet; throws DatabaseModeError if it has the other one. */
export async function checkDatabaseMode(db: Db, mode: Mode): Promise<void> {
  await sql`insert into database_mode (mode) values (${mode}) on conflict (singleton) do nothing`.execute(db);
  const row = await sql<{ mode: Mode; recorded_at: Date }>`select mode, recorded_at from database_mode`.execute(db);
  const recorded = row.rows[0]!;
  if (recorded.mode !== mode) throw new DatabaseModeError(recorded.mode, mode, new Date(recorded.recorded_at));
}
