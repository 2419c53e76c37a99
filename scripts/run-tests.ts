// `npm test`: type-check, build a migrated database template once, then run every *.test.ts with
// node's test runner. Each test file clones the template into its own fresh database: an in-memory
// PGlite by default, or, with DATABASE_URL set, a new database on that PostgreSQL server.
//
//   npm test                          whole suite
//   npm test -- src/modules/clients   only test files under these paths
//   npm test -- --no-typecheck        skip tsc
//   npm test -- --no-coverage         skip the coverage figure (V8 coverage of src/, printed at the end)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { prepareTemplates } from '../test/templates.ts';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith('--')));
const filters = args.filter((a) => !a.startsWith('--')).map((a) => path.resolve(a));

function findTests(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) findTests(full, out);
    else if (entry.name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

const files = ['src', 'test', 'scripts', 'bench']
  .map((d) => path.join(root, d))
  .filter((d) => fs.existsSync(d))
  .flatMap((d) => findTests(d))
  .filter((f) => filters.length === 0 || filters.some((p) => f === p || f.startsWith(`${p}${path.sep}`)))
  .sort();

if (files.length === 0) {
  process.stderr.write(`no test files match ${filters.join(' ')}\n`);
  process.exit(1);
}

if (!flags.has('--no-typecheck')) {
  const started = Date.now();
  // The server and scripts, the dashboard's front end (dashboard/: DOM and JSX) and the SDK (sdk/: no Node types).
  for (const project of ['tsconfig.json', 'dashboard/tsconfig.json', 'sdk/tsconfig.json']) {
    const tsc = spawnSync(
      process.execPath,
      [path.join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', path.join(root, project)],
      { stdio: 'inherit' },
    );
    if (tsc.status !== 0) {
      process.stderr.write(`type check failed (${project})\n`);
      process.exit(tsc.status ?? 1);
    }
  }
  process.stdout.write(`type check passed in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

const templates = await prepareTemplates(root);
process.stdout.write(`database template: ${templates.description}\n`);

const concurrency = Number(process.env.ONRAMP_TEST_CONCURRENCY ?? Math.max(1, Math.min(os.availableParallelism(), 4)));
const coverage = !flags.has('--no-coverage');
const lcovFile = path.join(os.tmpdir(), `onramp-lcov-${process.pid}.info`);
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    ...(coverage
      ? [
          '--enable-source-maps',
          '--experimental-test-coverage',
          '--test-coverage-include=src/**',
          '--test-coverage-exclude=**/*.test.ts',
          '--test-reporter=lcov',
          `--test-reporter-destination=${lcovFile}`,
        ]
      : []),
    '--test',
    `--test-reporter=${path.join(root, 'scripts/test-reporter.mjs')}`,
    '--test-reporter-destination=stdout',
    `--test-concurrency=${concurrency}`,
    // A bound on each test file against hangs, not a speed check: every wait inside a test has its own
    // bound. Beside another copy of the suite on 2 cores the Chromium dashboard file took over 300 s.
    '--test-timeout=900000',
    ...files,
  ],
  {
    stdio: 'inherit',
    cwd: root,
    // onramp-source: tests import the SDK (onramp-sdk) from its TypeScript source, not a build.
    env: {
      ...process.env,
      ...templates.env,
      ONRAMP_TEST: '1',
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --conditions=onramp-source`.trim(),
    },
  },
);
if (coverage && fs.existsSync(lcovFile)) {
  process.stdout.write(`${coverageSummary(fs.readFileSync(lcovFile, 'utf8'))}\n`);
  fs.rmSync(lcovFile, { force: true });
}
process.exit(result.status ?? 1);

/** One line from an lcov report: lines, branches and functions hit in src/, and the files no test loads. */
function coverageSummary(lcov: string): string {
  const totals = { LF: 0, LH: 0, BRF: 0, BRH: 0, FNF: 0, FNH: 0 };
  const loaded = new Set<string>();
  for (const line of lcov.split('\n')) {
    if (line.startsWith('SF:')) loaded.add(path.relative(root, path.resolve(root, line.slice(3))));
    const [key, value] = line.split(':');
    if (key && key in totals) totals[key as keyof typeof totals] += Number(value);
  }
  const all = sourceFilesUnder(path.join(root, 'src'));
  const never = all.filter((f) => !loaded.has(path.relative(root, f)));
  const pct = (hit: number, found: number) => (found === 0 ? 'n/a' : `${((100 * hit) / found).toFixed(1)}%`);
  return (
    `coverage of src/: lines ${pct(totals.LH, totals.LF)} (${totals.LH}/${totals.LF}), ` +
    `branches ${pct(totals.BRH, totals.BRF)}, functions ${pct(totals.FNH, totals.FNF)}; ` +
    `${never.length} of ${all.length} source files loaded by no test`
  );
}

function sourceFilesUnder(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) sourceFilesUnder(full, out);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}
