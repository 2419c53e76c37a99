// Mode safety: a database belongs to one mode. The first process to run against it records its
// ONRAMP_MODE (migration 0002); every later one — server or CLI — must be in the same mode.
import { sql } from 'kysely';
import type { Mode } from '../config.ts';
import type { Db } from './index.ts';

export class DatabaseModeError extends Error {
  constructor(
    readonly recorded: Mode,
    readonly running: Mode,
    recordedAt: Date,
  ) {
    super(
      `This database belongs to ${recorded} mode (recorded ${recordedAt.toISOString()}), but onramp is running in ` +
        `${running} mode. Set ONRAMP_MODE=${recorded} to use it, or point DATABASE_URL at a ${running} database.`,
    );
    this.name = 'DatabaseModeError';
  }
}

/** Records `mode` if the database has none yet; throws DatabaseModeError if it has the other one. */
export async function checkDatabaseMode(db: Db, mode: Mode): Promise<void> {
  await sql`insert into database_mode (mode) values (${mode}) on conflict (singleton) do nothing`.execute(db);
  const row = await sql<{ mode: Mode; recorded_at: Date }>`select mode, recorded_at from database_mode`.execute(db);
  const recorded = row.rows[0]!;
  if (recorded.mode !== mode) throw new DatabaseModeError(recorded.mode, mode, new Date(recorded.recorded_at));
}
