// npm run bench — every benchmark in bench/, one after another (they would skew each other side by
// side), then one summary table: bench:startup's figures against its bare-Fastify baseline (the rows
// it records through BENCH_SUMMARY_FILE) and each other benchmark's headline, the lines where it
// prints its ratio to the baseline it measured in the same run. Each benchmark's full report is
// printed as it runs. Sizes and durations are each benchmark's own environment variables; BENCH_ONLY
// (comma-separated names: read,journey,…) runs a subset. DATABASE_URL=… runs them on PostgreSQL.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SummaryRow } from '../bench/summary.ts';

const ALL = ['startup', 'read', 'auth', 'journey', 'webhooks', 'activity', 'ledger', 'chain', 'payouts', 'dashboard'];
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
const names = only ? ALL.filter((n) => only.includes(n)) : ALL;
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const summaryFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'onramp-bench-')), 'summary.jsonl');

/** Runs one benchmark, echoing its output; resolves with its exit code and what it printed. */
function run(name: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `bench/${name}.ts`], {
      cwd: root,
      env: { ...process.env, BENCH_SUMMARY_FILE: summaryFile },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      process.stdout.write(chunk);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

const headlines: Array<{ bench: string; line: string }> = [];
const failed: string[] = [];
for (const name of names) {
  process.stdout.write(`\n━━ bench:${name}\n`);
  const { code, output } = await run(name);
  if (code !== 0) failed.push(name);
  if (name === 'startup') continue; // its rows come through the summary file
  for (const line of output.split('\n')) if (/\bratio/.test(line)) headlines.push({ bench: name, line: line.trim() });
}

const rows: SummaryRow[] = fs.existsSync(summaryFile)
  ? fs
      .readFileSync(summaryFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as SummaryRow)
  : [];
const out = [
  '',
  '━━ summary',
  `Node ${process.version}, ${os.cpus().length} CPUs, load ${os.loadavg()[0]!.toFixed(1)}`,
];
for (const r of rows)
  out.push(
    `${r.bench.padEnd(10)} ${r.figure.padEnd(48)} ${r.value.toFixed(0).padStart(7)} ${r.unit}` +
      `${r.baseline === undefined ? '' : `  baseline ${r.baseline.toFixed(0)} ${r.unit}`}` +
      `${r.ratio === undefined ? '' : `  ×${r.ratio.toFixed(2)}`}${r.goal ? `  goal ${r.goal}` : ''}`,
  );
for (const h of headlines) out.push(`${h.bench.padEnd(10)} ${h.line}`);
if (failed.length) out.push(`failed: ${failed.join(', ')}`);
process.stdout.write(`${out.join('\n')}\n`);
process.exitCode = failed.length ? 1 : 0;
