// The embedded database's template: a fresh PGlite database with every migration and pg-boss's schema
// applied, kept as a data-dir tarball per installation (node_modules/.cache/onramp), keyed by the
// migrations and the PGlite and pg-boss versions. Creating a PGlite data directory runs initdb in
// WebAssembly (~3 s of CPU, most of a first start); unpacking this tarball instead takes a fraction of
// that. `npm ci` builds it (`prepare`); a first start builds it when it is missing. The test runner
// clones every test file's database from the same file.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { openDatabase, type DbHandle, type OpenOptions } from './index.ts';
import { migrate, migrationsFingerprint } from './migrate.ts';

const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CACHE_DIR = path.join(PACKAGE_ROOT, 'node_modules', '.cache', 'onramp');

function packageVersion(name: string): string {
  const file = path.join(PACKAGE_ROOT, 'node_modules', name, 'package.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}

/** What the template depends on: the migrations, and the versions that write its files and schema. */
export function templateFingerprint(): string {
  return `${migrationsFingerprint()}-pglite${packageVersion('@electric-sql/pglite')}-pgboss${packageVersion('pg-boss')}`;
}

export function pgliteTemplateFile(): string {
  return path.join(CACHE_DIR, `pglite-template-${templateFingerprint()}.tar`);
}

/** Migrations and pg-boss's own schema (created by its first start), as every server start would. */
export async function initialiseDatabase(handle: DbHandle): Promise<void> {
  await migrate(handle.db);
  const { Jobs } = await import('../jobs/index.ts');
  const jobs = new Jobs(handle, { pollingIntervalSeconds: 1, log: pino({ level: 'silent' }) });
  await jobs.start({ workers: false });
  await jobs.stop();
}

let building: Promise<string> | undefined;

/** The template file, built first if this installation has none for the current migrations. */
export function ensurePgliteTemplate(): Promise<string> {
  const file = pgliteTemplateFile();
  if (fs.existsSync(file)) return Promise.resolve(file);
  building ??= buildTemplate(file).finally(() => {
    building = undefined;
  });
  return building;
}

async function buildTemplate(file: string): Promise<string> {
  const handle = await openDatabase({ dataDir: 'memory://' });
  try {
    await initialiseDatabase(handle);
    const blob = await handle.dump!();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Write then rename: processes building at once never read a half-written file.
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, Buffer.from(await blob.arrayBuffer()));
    fs.renameSync(tmp, file);
  } finally {
    await handle.close();
  }
  for (const old of fs.readdirSync(path.dirname(file))) {
    if (old.startsWith('pglite-template-') && old !== path.basename(file))
      fs.rmSync(path.join(path.dirname(file), old), { force: true });
  }
  return file;
}

/** True when `dataDir` holds no database yet (missing or empty). */
function isFresh(dataDir: string): boolean {
  try {
    return fs.readdirSync(dataDir).length === 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
}

/**
 * Writes the files of a data-dir tarball (ustar, as PGlite's dumpDataDir writes it) into `dir`.
 * Done here with plain file writes rather than by PGlite's loadDataDir, which unpacks through its
 * WebAssembly memory and leaves it ~80 MB larger for the life of the process.
 */
export function unpackDataDir(tar: Buffer, dir: string): void {
  const root = path.resolve(dir);
  fs.mkdirSync(root, { recursive: true, mode: 0o700 });
  let offset = 0;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start: number, length: number) =>
      header.toString('utf8', start, start + length).replace(/\0[\s\S]*$/, '');
    const prefix = field(345, 155);
    const name = prefix ? `${prefix}/${field(0, 100)}` : field(0, 100);
    const size = Number.parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1) || '0';
    const target = path.resolve(root, `.${path.posix.normalize(`/${name}`)}`);
    if (target !== root && !target.startsWith(`${root}${path.sep}`))
      throw new Error(`tar entry outside the data dir: ${name}`);
    if (type === '5') fs.mkdirSync(target, { recursive: true, mode: 0o700 });
    else if (type === '0') {
      fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
      fs.writeFileSync(target, tar.subarray(offset + 512, offset + 512 + size), { mode: 0o600 });
    } else throw new Error(`unexpected entry type ${JSON.stringify(type)} in the database template`);
    offset += 512 + Math.ceil(size / 512) * 512;
  }
}

/**
 * openDatabase(), except that a fresh embedded data directory starts as a copy of the template
 * instead of running initdb and every migration. A start that fails half-way through unpacking
 * removes the directory it created, so the next start begins afresh.
 */
export async function openDatabaseFromTemplate(opts: OpenOptions): Promise<DbHandle> {
  const dataDir = opts.dataDir;
  if (opts.url || opts.loadDataDir || !dataDir || dataDir.startsWith('memory://') || !isFresh(dataDir))
    return openDatabase(opts);
  const template = await ensurePgliteTemplate();
  try {
    unpackDataDir(fs.readFileSync(template), dataDir);
    return await openDatabase(opts);
  } catch (error) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}
