// One database handle for both engines: embedded PGlite (sandbox default) and a PostgreSQL server
// through `pg`. Same migrations, same Kysely queries.
import fs from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import { PGliteDialect } from './pglite-dialect.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Either the root handle or a transaction: repository functions accept both. */
export type Executor = Kysely<Database> | Transaction<Database>;

export interface DbHandle {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** The PostgreSQL server URL when kind is 'postgres'. */
  url?: string;
  /** PGlite only: the database as a data-dir tarball (tests clone a migrated template from it). */
  dump?: () => Promise<Blob>;
  /**
   * PGlite only: LISTEN on `channel` in the one session (NOTIFYs arrive when their transaction
   * commits). Returns the UNLISTEN. On a server, pg-boss keeps its own listening connection.
   */
  listen?: (channel: string, onNotification: (payload: string) => void) => Promise<() => Promise<void>>;
  /** The pool's size and use now (for /metrics); PGlite is one connection, with no idle or waiting count. */
  poolCounts?: () => { max: number; total: number; idle?: number; waiting?: number };
  close(): Promise<void>;
}

// PostgreSQL's default shared_buffers (128 MB) is allocated and zeroed in PGlite's WebAssembly memory
// at open, so all of it counts in the process's resident memory: ~125 MB more than 16 MB does. The
// embedded database is a sandbox's (tens of MB); pages that do not fit are read from the data
// directory's files, which the OS keeps cached.
const PGLITE_SHARED_BUFFERS = '16MB';

const INT8_OID = 20;
const INT8_ARRAY_OID = 1016;

export interface OpenOptions {
  url?: string;
  /** PGlite data directory, or 'memory://' */
  dataDir?: string;
  /** A PGlite data-dir tarball to start from (tests clone a migrated template this way). */
  loadDataDir?: Blob;
  poolMax?: number;
  statementTimeoutMs?: number;
  applicationName?: string;
}

export async function openDatabase(opts: OpenOptions): Promise<DbHandle> {
  if (opts.url) return openPostgres(opts.url, opts);
  return openPglite(opts.dataDir ?? 'memory://', opts.loadDataDir);
}

// Each engine's package is imported when that engine is opened: a CLI command on one loads neither the
// other nor its cost (~60 ms each).
async function openPglite(dataDir: string, loadDataDir?: Blob): Promise<DbHandle> {
  const { PGlite } = await import('@electric-sql/pglite');
  if (!dataDir.startsWith('memory://')) fs.mkdirSync(path.dirname(path.resolve(dataDir)), { recursive: true });
  const pglite = new PGlite(dataDir, {
    ...(loadDataDir ? { loadDataDir } : {}),
    startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${PGLITE_SHARED_BUFFERS}`],
    parsers: {
      [INT8_OID]: (value: string) => BigInt(value),
      [INT8_ARRAY_OID]: (value: string) => parseIntArray(value),
    },
  });
  await pglite.waitReady;
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  let closed = false;
  return {
    db,
    kind: 'pglite',
    dump: () => pglite.dumpDataDir('none'),
    listen: (channel, onNotification) => pglite.listen(channel, onNotification),
    poolCounts: () => ({ max: 1, total: 1 }),
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
      await pglite.close();
    },
  };
}

function parseIntArray(value: string): bigint[] {
  const inner = value.replace(/^\{|\}$/g, '');
  return inner === '' ? [] : inner.split(',').map((v) => BigInt(v));
}

async function openPostgres(url: string, opts: OpenOptions): Promise<DbHandle> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolMax ?? 10,
    statement_timeout: opts.statementTimeoutMs ?? 15_000,
    connectionTimeoutMillis: 10_000,
    application_name: opts.applicationName ?? 'onramp',
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
        if (oid === INT8_OID) return (v: string) => BigInt(v);
        if (oid === INT8_ARRAY_OID) return parseIntArray;
        return pg.types.getTypeParser(oid, format);
      }) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client's error (server restart) must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  let closed = false;
  return {
    db,
    kind: 'postgres',
    url,
    poolCounts: () => ({
      max: pool.options.max ?? 10,
      total: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
    }),
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}
