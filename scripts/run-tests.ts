// `npm test`: build a migrated database template once, then run every *.test.ts with node's test
// runner, type-checking meanwhile. Each test file clones the template into its own fresh database: an
// in-memory PGlite by default, or, with DATABASE_URL set, a new database on that PostgreSQL server.
//
//   npm test                          whole suite
//   npm test -- src/modules/clients   only test files under these paths
//   npm test -- --no-typecheck        skip tsc
//   npm test -- --no-coverage         skip the coverage figure (V8 coverage of src/, printed at the end)
import { spawn } from 'node:child_process';
import { once } from 'node:events';
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

// The type check (tsc, one core, ~20 s of CPU) runs beside the tests rather than before them: test
// files spend much of their time waiting (on timers, the database, child processes), so it costs the
// run little; its verdict is printed, and fails the run, at the end.
const typecheck = flags.has('--no-typecheck') ? undefined : startTypecheck();

const templates = await prepareTemplates(root);
process.stdout.write(`database template: ${templates.description}\n`);

// One more test file at a time than there are cores: at one per core, the suite kept 2 cores ~57% busy
// (user + system time over wall time, PostgreSQL run), since a file often waits rather than computes.
const concurrency = Number(
  process.env.ONRAMP_TEST_CONCURRENCY ?? Math.max(2, Math.min(os.availableParallelism() + 1, 4)),
);
const coverage = !flags.has('--no-coverage');
const lcovFile = path.join(os.tmpdir(), `onramp-lcov-${process.pid}.info`);
// Not spawnSync: the type check's children run in this process's event loop meanwhile.
const runner = spawn(
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
const [testStatus] = (await once(runner, 'close')) as [number | null];
if (coverage && fs.existsSync(lcovFile)) {
  process.stdout.write(`${coverageSummary(fs.readFileSync(lcovFile, 'utf8'))}\n`);
  fs.rmSync(lcovFile, { force: true });
}
const typecheckPassed = (await typecheck) ?? true;
process.exit(typecheckPassed ? (testStatus ?? 1) : 1);

/** tsc on the server and scripts, the dashboard's front end (DOM, JSX) and the SDK (no Node types), one after another. */
async function startTypecheck(): Promise<boolean> {
  const started = Date.now();
  for (const project of ['tsconfig.json', 'dashboard/tsconfig.json', 'sdk/tsconfig.json']) {
    const child = spawn(
      process.execPath,
      [
        path.join(root, 'node_modules/typescript/bin/tsc'),
        '--noEmit',
        '--pretty',
        'false',
        '-p',
        path.join(root, project),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const [code] = (await once(child, 'close')) as [number | null];
    if (code !== 0) {
      process.stderr.write(`${output}type check failed (${project})\n`);
      return false;
    }
  }
  process.stdout.write(`type check passed in ${((Date.now() - started) / 1000).toFixed(1)} s (beside the tests)\n`);
  return true;
}

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
