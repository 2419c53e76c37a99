// Tidy: rules about the code itself that a linter does not hold, checked on every `npm test`
// (TigerBeetle's tidy.zig is the model). Each allow-list is a ratchet: an entry that no longer
// applies fails the test too, so the lists only shrink.
//
//   - no function over 100 lines (Biome's noExcessiveLinesPerFunction, counted on the formatted code); biome.json
//     holds the same rule for src, scripts, bench, dashboard and sdk, and this check covers test/ helpers too
//   - no wall-clock reads (Date.now(), new Date()) in domain code: time comes from ctx.clock
//   - no `any` outside tests and scripts but the suppressions listed here (Biome refuses the rest)
//   - under 1% of lines wider than 120 characters (the formatter wraps code; strings it cannot)
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const SOURCE_DIRS = ['src', 'scripts', 'bench', 'test', 'sdk/src', 'dashboard/src'].filter((d) =>
  fs.existsSync(path.join(root, d)),
);
const GENERATED = [/^sdk\/src\/generated\//, /\/dist\//];

/**
 * Domain code that reads the wall clock, and why it may. Everything else takes time from ctx.clock
 * (the sandbox clock moves it; tests pin it).
 */
const WALL_CLOCK: Record<string, string> = {
  'src/plugins/idempotency.ts': 'key retention runs on wall time, so the sandbox clock cannot expire keys early',
  'src/plugins/rate-limit.ts': 'rate-limit windows are wall time by nature',
  'src/providers/prices/coinbase.ts': "when the exchange's answer was observed (wall time)",
  'src/errors/app-error.ts': 'createTime of an error body: when the server answered',
  'src/sandbox/clock/clock.ts': 'the sandbox clock itself is built on the wall clock',
  'src/sandbox/clock/routes.ts': 'shows the real time beside the sandbox time',
  'src/runtime-secrets.ts': 'the date in the id of a freshly generated key (`onramp keys generate`)',
  'src/server.ts': 'process start time for the instance record',
  'src/modules/webhooks/delivery.ts':
    'how long decrypted secrets and unrecorded outcomes stay in memory: bounds in real time, whatever the sandbox clock does',
};
const WALL_CLOCK_SCOPE = [/^src\//];
const WALL_CLOCK_EXEMPT = [/\.test\.ts$/, /test-support\.ts$/, /crash-child\.ts$/, /^src\/lib\/clock\.ts$/];

// Spelled in two parts so this file does not match itself.
const ANY_SUPPRESSION = ['biome-ignore', 'lint/suspicious/noExplicitAny'].join(' ');
/** Files allowed that suppression, and why. */
const ANY_SUPPRESSIONS: Record<string, string> = {
  'src/db/pglite-dialect.ts': "Kysely's Dialect interface is declared with Kysely<any>",
  'src/plugins/openapi-document.ts': 'walks the generated OpenAPI document, arbitrary JSON',
};

function sourceFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const rel = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (/\.(ts|tsx|mts|mjs)$/.test(entry.name) && !GENERATED.some((g) => g.test(rel))) out.push(rel);
    }
  };
  for (const dir of SOURCE_DIRS) walk(dir);
  return out.sort();
}

const read = (rel: string) => fs.readFileSync(path.join(root, rel), 'utf8');

/** Strips comments and string contents well enough to find code tokens (not a parser: no false negatives matter here). */
function codeOnly(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:])\/\/.*$/gm, '$1')
    .replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"/g, "''");
}

function longFunctions(): Map<string, number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onramp-tidy-'));
  const config = path.join(dir, 'biome.json');
  fs.writeFileSync(
    config,
    JSON.stringify({
      root: true,
      vcs: { enabled: false },
      files: { includes: ['**', '!**/node_modules', '!**/*.test.ts', '!**/dist', '!sdk/src/generated'] },
      formatter: { enabled: false },
      assist: { enabled: false },
      linter: {
        rules: {
          preset: 'none',
          complexity: {
            noExcessiveLinesPerFunction: { level: 'error', options: { maxLines: 100, skipBlankLines: false } },
          },
        },
      },
    }),
  );
  let output: string;
  try {
    output = execFileSync(
      path.join(root, 'node_modules/.bin/biome'),
      ['lint', `--config-path=${config}`, '--reporter=json', '--max-diagnostics=none', ...SOURCE_DIRS],
      { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
  } catch (error) {
    // Biome exits 1 when it found something; the report is still on stdout.
    output = (error as { stdout?: string }).stdout ?? '';
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const report = JSON.parse(output) as {
    diagnostics: Array<{ category: string; message: string; location: { path: string } }>;
  };
  const found = new Map<string, number>();
  for (const d of report.diagnostics) {
    if (d.category !== 'lint/complexity/noExcessiveLinesPerFunction') continue;
    const lines = Number(/\((\d+)\)/.exec(d.message)?.[1] ?? 0);
    if (GENERATED.some((g) => g.test(d.location.path))) continue;
    found.set(d.location.path, Math.max(found.get(d.location.path) ?? 0, lines));
  }
  return found;
}

describe('tidy', () => {
  const files = sourceFiles();

  it('has no function over 100 lines', () => {
    const problems = [...longFunctions()].map(
      ([file, lines]) => `${file}: a function of ${lines} lines (split it under 100)`,
    );
    assert.deepEqual(problems, []);
  });

  it('reads the wall clock in domain code only where the allow-list says why', () => {
    const problems: string[] = [];
    const readers = new Set<string>();
    for (const file of files) {
      if (!WALL_CLOCK_SCOPE.some((s) => s.test(file)) || WALL_CLOCK_EXEMPT.some((e) => e.test(file))) continue;
      if (!/Date\.now\(\)|new Date\(\)/.test(codeOnly(read(file)))) continue;
      readers.add(file);
      if (!WALL_CLOCK[file])
        problems.push(`${file}: reads the wall clock; take time from ctx.clock (or allow it, saying why)`);
    }
    for (const file of Object.keys(WALL_CLOCK))
      if (!readers.has(file)) problems.push(`${file}: no longer reads the wall clock: remove it from WALL_CLOCK`);
    assert.deepEqual(problems, []);
  });

  it('suppresses the no-`any` rule only where the allow-list says why', () => {
    const problems: string[] = [];
    const users = new Set<string>();
    for (const file of files) {
      if (!read(file).includes(ANY_SUPPRESSION)) continue;
      users.add(file);
      if (!ANY_SUPPRESSIONS[file])
        problems.push(`${file}: suppresses noExplicitAny; type it (or allow it, saying why)`);
    }
    for (const file of Object.keys(ANY_SUPPRESSIONS))
      if (!users.has(file))
        problems.push(`${file}: no longer suppresses noExplicitAny: remove it from ANY_SUPPRESSIONS`);
    assert.deepEqual(problems, []);
  });

  it('keeps lines over 120 characters under 1% of all lines', () => {
    let total = 0;
    let wide = 0;
    for (const file of files) {
      for (const line of read(file).split('\n')) {
        total++;
        if ([...line].length > 120) wide++;
      }
    }
    const percent = (100 * wide) / total;
    assert.ok(percent < 1, `${wide} of ${total} lines (${percent.toFixed(2)}%) are over 120 characters`);
  });
});
