// Real onramp processes for tests and benchmarks that need more than one (test/multi-process.test.ts,
// bench/scale.ts): `onramp serve --role …` as child processes sharing one PostgreSQL database, a demo
// client and the secrets, each on its own port and state directory; a first process (role api) runs
// the sandbox chains and the others use them through ONRAMP_SANDBOX_URL (docs/scaling.md).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { generateSecrets } from '../src/runtime-secrets.ts';
import { until } from '../scripts/partner-api.ts';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

export interface Proc {
  name: string;
  role: 'api' | 'worker' | 'all';
  base: string;
  child: ChildProcess;
  /** The last 30 kB of its output. */
  log: string;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once('exit', () => resolve()));
}

export class Cluster {
  readonly procs: Proc[] = [];
  readonly client = { id: randomUUID(), secret: `cluster-${randomUUID()}-${randomUUID()}` };
  readonly env: Record<string, string>;
  private readonly stateRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'onramp-cluster-'));

  /** `databaseUrl`: a database of its own (migrated by the first process). `extra`: env for every process. */
  constructor(databaseUrl: string, extra: Record<string, string> = {}) {
    const secrets = generateSecrets();
    this.env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      DATABASE_URL: databaseUrl,
      ONRAMP_ENCRYPTION_KEYS: secrets.encryptionKeys,
      ONRAMP_JWT_SIGNING_KEY: secrets.jwtSigningKeyPem,
      ONRAMP_DEMO_CLIENT_ID: this.client.id,
      ONRAMP_DEMO_CLIENT_SECRET: this.client.secret,
      // One public URL for every process, as behind a load balancer: sign-in challenges name it.
      ONRAMP_PUBLIC_URL: 'http://onramp.localhost',
      ONRAMP_RATE_LIMIT_ENABLED: 'false',
      ONRAMP_OTP_SENDS_PER_IP_PER_HOUR: '1000000',
      LOG_LEVEL: 'warn',
      ...extra,
    };
  }

  /** Starts a process; `ready()` waits for it. */
  async start(name: string, role: Proc['role'], extra: Record<string, string> = {}): Promise<Proc> {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'serve', '--role', role], {
      cwd: root,
      env: { ...this.env, PORT: String(port), ONRAMP_STATE_DIR: path.join(this.stateRoot, name), ...extra },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const proc: Proc = { name, role, base: `http://127.0.0.1:${port}`, child, log: '' };
    const keep = (d: Buffer) => (proc.log = (proc.log + d.toString()).slice(-30_000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    this.procs.push(proc);
    return proc;
  }

  async ready(proc: Proc): Promise<void> {
    await until(
      `${proc.name} ready`,
      async () => {
        if (proc.child.exitCode !== null) throw new Error(`${proc.name} exited (${proc.child.exitCode}):\n${proc.log}`);
        const res = await fetch(`${proc.base}/readyz`, { signal: AbortSignal.timeout(2_000) }).catch(() => undefined);
        return res?.ok ? true : undefined;
      },
      240_000,
      250,
    );
  }

  /** The process that runs the sandbox chains (role api), started and ready; the others point at it. */
  async startChains(): Promise<Proc> {
    const chains = await this.start('chains', 'api');
    await this.ready(chains);
    return chains;
  }

  /** Starts `roles` (named role1, role2 …) against the chains' process, all at once, and waits for them. */
  async startMany(roles: Array<Proc['role']>): Promise<Proc[]> {
    const chains = this.proc('chains');
    const counts: Record<string, number> = {};
    const started: Proc[] = [];
    for (const role of roles) {
      counts[role] = (counts[role] ?? 0) + 1;
      started.push(await this.start(`${role}${counts[role]}`, role, { ONRAMP_SANDBOX_URL: chains.base }));
    }
    await Promise.all(started.map((p) => this.ready(p)));
    return started;
  }

  proc(name: string): Proc {
    const found = this.procs.find((p) => p.name === name);
    if (!found) throw new Error(`no process ${name}`);
    return found;
  }

  /** SIGTERM to every process still running (a paused one is resumed first); waits for all to exit. */
  async stop(procs: Proc[] = this.procs): Promise<void> {
    for (const p of procs) {
      p.child.kill('SIGCONT');
      p.child.kill('SIGTERM');
    }
    await Promise.all(procs.map((p) => exited(p.child)));
  }

  async close(): Promise<void> {
    await this.stop();
    fs.rmSync(this.stateRoot, { recursive: true, force: true });
  }
}
