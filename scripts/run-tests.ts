// `npm test`: type-check, build a migrated database template once, then run every *.test.ts with
// node's test runner. Each test file clones the template into its own fresh database: an in-memory
// PGlite by default, or, with DATABASE_URL set, a new database on that PostgreSQL server.
//
//   npm test                          whole suite
//   npm test -- src/modules/clients   only test files under these paths
//   npm test -- --no-typecheck        skip tsc
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
  // The server and the dashboard's front end (dashboard/, its own tsconfig: DOM and JSX).
  for (const project of ['tsconfig.json', 'dashboard/tsconfig.json']) {
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
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-reporter=spec',
    `--test-concurrency=${concurrency}`,
    '--test-timeout=300000',
    ...files,
  ],
  {
    stdio: 'inherit',
    cwd: root,
    env: { ...process.env, ...templates.env, ONRAMP_TEST: '1' },
  },
);
process.exit(result.status ?? 1);
