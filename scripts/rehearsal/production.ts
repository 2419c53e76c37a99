// The production onramp of the rehearsal, run as an operator runs it: `node src/main.ts` with a
// production environment, its operator CLI a separate process on the same database.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');

export function log(text: string): void {
  process.stdout.write(`${text}\n`);
}

export interface Production {
  env: Record<string, string>;
  child: ChildProcess;
  base: string;
  direct: string;
}

/** The production onramp, as an operator would run it: `node src/main.ts` with a production environment. */
export async function startProduction(
  dir: string,
  env: Record<string, string>,
  port: number,
  front: number,
): Promise<Production> {
  const out = fs.openSync(path.join(dir, 'production.log'), 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src', 'main.ts')], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', out, out],
  });
  const direct = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`the production onramp exited with ${child.exitCode}: see ${dir}/production.log`);
    const ready = await fetch(`${direct}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline)
      throw new Error(`the production onramp was not ready in 120 s: see ${dir}/production.log`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return { env, child, base: `https://localhost:${front}`, direct };
}

/** The production onramp's operator CLI (a separate process on the same database). JSON out. */
export async function cli(production: Production, ...args: string[]): Promise<any> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src', 'cli', 'index.ts'), ...args], {
    cwd: root,
    env: { ...process.env, ...production.env, LOG_LEVEL: 'warn' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`onramp ${args.join(' ')} exited ${code}: ${stderr || stdout}`);
  return JSON.parse(stdout);
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}
