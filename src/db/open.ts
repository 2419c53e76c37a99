// The database as the app (and a CLI command run on the database alone) starts on it: the configured
// one, a fresh embedded one unpacked from the template, checked reachable, migrated, and of this mode.
import type { Config } from '../config.ts';
import type { DbHandle } from './index.ts';
import { migrate } from './migrate.ts';
import { checkDatabaseMode, checkDatabaseReachable } from './startup.ts';
import { openDatabaseFromTemplate } from './template.ts';

export async function openCheckedDatabase(
  config: Config,
  options: { dbHandle?: DbHandle | undefined; migrate: boolean },
): Promise<DbHandle> {
  const dbHandle =
    options.dbHandle ??
    (await openDatabaseFromTemplate({
      url: config.db.url,
      dataDir: config.db.dataDir,
      poolMax: config.db.poolMax,
      statementTimeoutMs: config.db.statementTimeoutMs,
    }));
  await checkDatabaseReachable(dbHandle.db, config.db.url);
  if (options.migrate) await migrate(dbHandle.db);
  await checkDatabaseMode(dbHandle.db, config.mode);
  return dbHandle;
}
