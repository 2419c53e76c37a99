// `npm run build` (also run by `prepare` at `npm ci` / `npm install`, and by bin/launch.mjs when src/
// changed since the last build): compiles src/**/*.ts to plain JavaScript in dist/, one file per source
// file in the same layout, and copies the other files src/ holds (migrations, contract sources and
// artifacts) beside them, so paths relative to a module stay the same. `npm start` and the CLI then run
// dist/ with no transpiler in the process (tsx transpiled ~20k lines at every start).
//
// Nothing is downloaded: esbuild's binary comes from its platform package, installed by npm.
// The two entry points, the server (src/main.ts) and the CLI (src/cli/index.ts), are also bundled into
// dist/bundle/ with most of their packages (bundleEntries() below): loading ~2,100 module files, each
// resolved, read and compiled on its own, took over a second of every start and ~30 MB; one file per
// entry point, sharing chunks, takes a fraction of that. Dynamic imports stay chunks loaded on first
// use, and the packages named in BUNDLE_EXTERNAL stay where npm put them.
// It then builds the embedded database's template (src/db/template.ts), which a first start unpacks
// instead of running initdb. dist/.build.json records a fingerprint of src/ (paths, sizes, modification times); isBuildFresh()
// compares it with the tree as it is now.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SRC = path.join(ROOT, 'src');
export const DIST = path.join(ROOT, 'dist');
const STAMP = '.build.json';
// Bump when the output format changes, so an older dist/ is rebuilt.
const FORMAT = 2;
export const BUNDLE_DIR = path.join(DIST, 'bundle');

/** The bundled entry points, by the name bin/launch.mjs gives them, and the file each lands in under dist/bundle/. */
export const BUNDLE_ENTRIES = { main: 'main', 'cli/index': 'cli' };

/**
 * Packages the bundle leaves to Node: PGlite loads its WebAssembly and data files from beside its own
 * module; Hardhat/EDR (native code), plaid, nodemailer, the docs renderer and marked are loaded on
 * first use (test/lazy-loading.test.ts); pino's transports and @fastify/swagger find files by their
 * own paths; pg-native is pg's optional native driver; the build tools are never loaded by the server.
 */
const BUNDLE_EXTERNAL = [
  '@electric-sql/pglite',
  'hardhat',
  '@nomicfoundation/*',
  'plaid',
  'nodemailer',
  '@scalar/*',
  'marked',
  'pino',
  '@fastify/swagger',
  'pg-native',
  'solc',
  'esbuild',
  'vite',
  'tsx',
];

function walk(dir, out = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else out.push(full);
  }
  return out;
}

/** Source files that go into dist/: every file under src/ but the tests. */
function sourceFiles() {
  return walk(SRC)
    .filter((f) => !f.endsWith('.test.ts'))
    .sort();
}

export function sourceFingerprint() {
  const hash = createHash('sha256').update(`format ${FORMAT}\n`);
  for (const file of sourceFiles()) {
    const st = fs.statSync(file);
    hash.update(`${path.relative(SRC, file)}\t${st.size}\t${st.mtimeMs}\n`);
  }
  return hash.digest('hex').slice(0, 24);
}

/** True when dist/ was built from src/ exactly as it is now. */
export function isBuildFresh() {
  try {
    const stamp = JSON.parse(fs.readFileSync(path.join(DIST, STAMP), 'utf8'));
    return stamp.fingerprint === sourceFingerprint();
  } catch {
    return false;
  }
}

/** Builds dist/ from src/: into a temporary directory first, then swapped in whole. */
export async function build({ quiet = false } = {}) {
  const started = performance.now();
  const fingerprint = sourceFingerprint();
  const { build: esbuild } = await import('esbuild');
  const files = sourceFiles();
  const tmp = `${DIST}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  const typescript = files.filter((f) => f.endsWith('.ts'));
  await esbuild({
    entryPoints: typescript,
    outdir: tmp,
    outbase: SRC,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    // Bundling is on only so that esbuild rewrites import paths: every import stays external, and
    // `./x.ts` becomes `./x.js`. Each source file is its own output file.
    bundle: true,
    packages: 'external',
    plugins: [
      {
        name: 'relative-imports-stay-files',
        setup(b) {
          b.onResolve({ filter: /^\.\.?\// }, (args) => ({
            path: args.path.replace(/\.ts$/, '.js'),
            external: true,
          }));
        },
      },
    ],
    sourcemap: 'linked',
    sourcesContent: false,
    logLevel: 'warning',
  });
  await bundleEntries(esbuild, path.join(tmp, 'bundle'));
  for (const file of files.filter((f) => !f.endsWith('.ts'))) {
    const target = path.join(tmp, path.relative(SRC, file));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(file, target);
  }
  fs.writeFileSync(path.join(tmp, STAMP), `${JSON.stringify({ fingerprint, builtAt: new Date().toISOString() })}\n`);
  fs.writeFileSync(path.join(tmp, 'package.json'), '{ "type": "module" }\n');
  const old = `${DIST}.old-${process.pid}`;
  if (fs.existsSync(DIST)) fs.renameSync(DIST, old);
  try {
    fs.renameSync(tmp, DIST);
  } catch (error) {
    // Another process built at the same moment and swapped its dist/ in first: keep that one.
    fs.rmSync(tmp, { recursive: true, force: true });
    if (!isBuildFresh()) throw error;
  }
  fs.rmSync(old, { recursive: true, force: true });
  if (!quiet) {
    const ms = Math.round(performance.now() - started);
    process.stderr.write(`onramp: compiled ${typescript.length} files from src/ to dist/ in ${ms} ms\n`);
  }
}

/**
 * dist/bundle/: each entry point with everything it imports but BUNDLE_EXTERNAL, in one directory
 * (code shared by both, and each dynamic import, in chunk files beside them). A module that finds its
 * files through import.meta.url (migrations, contract artifacts, the package root) is given the URL
 * of its own file in dist/ instead of the bundle's, so those paths stay what they are unbundled.
 */
async function bundleEntries(esbuild, outdir) {
  const entryPoints = Object.fromEntries(
    Object.entries(BUNDLE_ENTRIES).map(([entry, name]) => [name, path.join(SRC, `${entry}.ts`)]),
  );
  const result = await esbuild({
    entryPoints,
    outdir,
    absWorkingDir: ROOT,
    // meta.json: which sources and packages went into each chunk (src/cli/cli.test.ts reads it).
    metafile: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    bundle: true,
    splitting: true,
    chunkNames: 'chunk-[hash]',
    external: BUNDLE_EXTERNAL,
    // CommonJS packages inside an ES module bundle call require() for Node's built-ins.
    banner: {
      js: "import { createRequire as __onrampCreateRequire } from 'node:module';\nconst require = __onrampCreateRequire(import.meta.url);",
    },
    plugins: [
      {
        name: 'own-file-urls',
        setup(b) {
          b.onLoad({ filter: /\.ts$/ }, (args) => {
            let contents = fs.readFileSync(args.path, 'utf8');
            if (args.path.startsWith(SRC) && contents.includes('import.meta.url')) {
              const own = `../${path.relative(SRC, args.path).split(path.sep).join('/').replace(/\.ts$/, '.js')}`;
              contents = contents.replaceAll(
                'import.meta.url',
                `new URL(${JSON.stringify(own)}, import.meta.url).href`,
              );
            }
            return { contents, loader: 'ts' };
          });
        },
      },
    ],
    sourcemap: 'linked',
    sourcesContent: false,
    logLevel: 'warning',
  });
  fs.writeFileSync(path.join(outdir, 'meta.json'), JSON.stringify(result.metafile));
}

/** The embedded database's template (src/db/template.ts), so that a first start does not run initdb. */
async function buildDatabaseTemplate() {
  const started = performance.now();
  const { ensurePgliteTemplate } = await import(pathToFileURL(path.join(DIST, 'db', 'template.js')).href);
  const file = await ensurePgliteTemplate();
  const ms = Math.round(performance.now() - started);
  process.stderr.write(`onramp: embedded database template ${path.relative(ROOT, file)} ready in ${ms} ms\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await build();
  try {
    await buildDatabaseTemplate();
  } catch (error) {
    // Not fatal: the first start builds it instead.
    process.stderr.write(`onramp: could not build the embedded database template: ${error?.message ?? error}\n`);
  }
}
