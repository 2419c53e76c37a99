// npm run bench:startup — what starting onramp costs, each figure against a bare Fastify server started
// the same way (`npm start` in a package of its own, bench/startup/bare-server.mjs) in the same run:
//   cold start   `npm start` on a fresh state directory (and, with DATABASE_URL, a fresh database)
//                until GET /readyz answers 200
//   restart      the same on the state the first start left
//   idle RSS     the server process's resident memory BENCH_IDLE_SECONDS after it became ready
//   CLI          `npm run cli -- clients list` until it exits: with the server running and stopped
// Each figure is the median of BENCH_STARTUP_RUNS runs.
//   BENCH_STARTUP_RUNS=3 BENCH_IDLE_SECONDS=10 npm run bench:startup   (DATABASE_URL=… for a PostgreSQL server)
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { scratchDatabase } from './scratch.ts';
import { machineLine, recordSummary, type SummaryRow } from './summary.ts';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const runs = Number(process.env.BENCH_STARTUP_RUNS ?? 3);
const idleSeconds = Number(process.env.BENCH_IDLE_SECONDS ?? 10);
const database = process.env.DATABASE_URL ? 'PostgreSQL server' : 'PGlite (embedded)';

// The bare package: `npm start` and `npm run cli` there run the baseline scripts.
const barePackage = fs.mkdtempSync(path.join(os.tmpdir(), 'onramp-bench-bare-'));
fs.writeFileSync(
  path.join(barePackage, 'package.json'),
  JSON.stringify({
    name: 'bare-fastify',
    private: true,
    type: 'module',
    scripts: {
      start: `node ${path.join(root, 'bench/startup/bare-server.mjs')}`,
      cli: `node ${path.join(root, 'bench/startup/bare-cli.mjs')}`,
    },
  }),
);

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Running {
  proc: ChildProcess;
  exited: Promise<number | null>;
  stderr: () => string;
}

function npm(cwd: string, args: string[], env: NodeJS.ProcessEnv): Running {
  // Its own process group, so stopping it reaches npm's child (the server) too.
  const proc = spawn('npm', args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => {
    out = (out + d.toString()).slice(-20_000);
  });
  proc.stderr!.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { proc, exited, stderr: () => `${err}\n${out.slice(-2000)}` };
}

async function ready(port: number, server: Running, timeoutMs = 300_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void server.exited.then((code) => {
    exitCode = code;
  });
  for (;;) {
    if (exitCode !== undefined)
      throw new Error(`the server exited (${exitCode}) before it was ready:\n${server.stderr()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
    } catch {
      // Not listening yet.
    }
    if (performance.now() > deadline) throw new Error(`not ready after ${timeoutMs} ms:\n${server.stderr()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Started {
  server: Running;
  ms: number;
  pid: number;
}

async function start(cwd: string, env: NodeJS.ProcessEnv): Promise<Started> {
  const port = await freePort();
  const t0 = performance.now();
  const server = npm(cwd, ['start'], { ...env, PORT: String(port) });
  await ready(port, server);
  const ms = performance.now() - t0;
  const info = JSON.parse(fs.readFileSync(path.join(env.ONRAMP_STATE_DIR!, 'server.json'), 'utf8')) as {
    pid: number;
  };
  return { server, ms, pid: info.pid };
}

async function stop(started: Started): Promise<void> {
  process.kill(-started.server.proc.pid!, 'SIGTERM');
  const timer = setTimeout(() => process.kill(-started.server.proc.pid!, 'SIGKILL'), 30_000);
  await started.server.exited;
  clearTimeout(timer);
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  return kb / 1024;
}

async function cli(cwd: string, env: NodeJS.ProcessEnv): Promise<number> {
  const t0 = performance.now();
  const run = npm(cwd, ['run', 'cli', '--', 'clients', 'list'], env);
  const code = await run.exited;
  const ms = performance.now() - t0;
  if (code !== 0) throw new Error(`npm run cli -- clients list exited ${code}:\n${run.stderr()}`);
  return ms;
}

interface Sample {
  coldMs: number;
  warmMs: number;
  rssMb: number;
  cliRunningMs: number;
  cliStoppedMs: number;
}

async function sample(cwd: string, databaseUrl: string | undefined): Promise<Sample> {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onramp-bench-startup-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ONRAMP_STATE_DIR: stateDir,
    LOG_LEVEL: 'warn',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  };
  delete env.BENCH_SUMMARY_FILE;
  try {
    const cold = await start(cwd, env);
    await new Promise((r) => setTimeout(r, idleSeconds * 1000));
    const rss = rssMb(cold.pid);
    const cliRunningMs = await cli(cwd, env);
    await stop(cold);
    const warm = await start(cwd, env);
    await stop(warm);
    const cliStoppedMs = await cli(cwd, env);
    return { coldMs: cold.ms, warmMs: warm.ms, rssMb: rss, cliRunningMs, cliStoppedMs };
  } finally {
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const ours: Sample[] = [];
const bare: Sample[] = [];
for (let i = 0; i < runs; i++) {
  bare.push(await sample(barePackage, undefined));
  const scratch = await scratchDatabase();
  try {
    ours.push(await sample(root, scratch.url));
  } finally {
    await scratch.drop();
  }
}
fs.rmSync(barePackage, { recursive: true, force: true });

const FIGURES: Array<{ key: keyof Sample; figure: string; unit: string; goal: string }> = [
  { key: 'coldMs', figure: 'npm start → /readyz, first start', unit: 'ms', goal: '< 4000 ms' },
  { key: 'warmMs', figure: 'npm start → /readyz, restart', unit: 'ms', goal: '< 2000 ms' },
  { key: 'rssMb', figure: `idle RSS after ${idleSeconds} s`, unit: 'MB', goal: '< 250 MB' },
  { key: 'cliRunningMs', figure: 'npm run cli -- clients list, server running', unit: 'ms', goal: '< 500 ms' },
  { key: 'cliStoppedMs', figure: 'npm run cli -- clients list, no server', unit: 'ms', goal: '< 500 ms' },
];
const rows: SummaryRow[] = FIGURES.map(({ key, figure, unit, goal }) => {
  const value = median(ours.map((s) => s[key]));
  const baseline = median(bare.map((s) => s[key]));
  return { bench: 'startup', figure, value, unit, baseline, ratio: value / baseline, goal };
});
recordSummary(rows);
process.stdout.write(
  [
    `bench:startup — median of ${runs} runs, ${machineLine(database)}`,
    `${'figure'.padEnd(46)} ${'onramp'.padStart(9)} ${'bare'.padStart(9)}  ratio   goal`,
    ...rows.map(
      (r) =>
        `${r.figure.padEnd(46)} ${`${r.value.toFixed(0)} ${r.unit}`.padStart(9)} ${`${r.baseline!.toFixed(0)} ${r.unit}`.padStart(9)}  ${r.ratio!.toFixed(1).padStart(5)}×  ${r.goal}`,
    ),
    `every run (onramp): ${ours.map((s) => `cold ${s.coldMs.toFixed(0)} warm ${s.warmMs.toFixed(0)} rss ${s.rssMb.toFixed(0)}`).join(' | ')}`,
    '',
  ].join('\n'),
);
