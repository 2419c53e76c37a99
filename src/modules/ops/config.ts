// Process roles, the metrics endpoint and readiness checks (docs/operations.md, docs/scaling.md), read
// with the shared EnvReader so bad values are reported with every other configuration problem at start.
import type { EnvReader, Mode } from '../../config.ts';

/** `api` answers HTTP and enqueues jobs; `worker` runs jobs and periodic tasks; `all` does both. */
export type Role = 'api' | 'worker' | 'all';
export const ROLES: readonly Role[] = ['api', 'worker', 'all'];

export interface OpsConfig {
  role: Role;
  /**
   * Sandbox mode on a PostgreSQL server with several processes: the base URL of the one process that
   * runs the in-process sandbox chains. This process then uses those chains over their JSON-RPC.
   */
  sandboxUrl: string | undefined;
  metrics: {
    /** Bearer token /metrics asks for; undefined: none (then only loopback clients, or the metrics port). */
    token: string | undefined;
    /** A separate listener for /metrics (and the probes); undefined: /metrics on the main port. */
    port: number | undefined;
    host: string;
    /** How often the business gauges (queues, payouts, webhooks…) are read from the database. */
    refreshMs: number;
  };
  readiness: {
    /** Per provider check of `/readyz?full=1`. */
    timeoutMs: number;
  };
}

export function readOpsConfig(r: EnvReader, mode: Mode, databaseUrl: string | undefined): OpsConfig {
  const role = r.oneOf<Role>('ONRAMP_ROLE', 'all', ROLES, {
    doc: '`api` answers HTTP and enqueues jobs, `worker` runs jobs and periodic tasks and serves only `/healthz`, `/readyz` and `/metrics`, `all` does both (also `onramp serve --role …`). Sandbox mode on the embedded database is one `all` process (docs/scaling.md)',
  });
  const sandboxUrl = r.url('ONRAMP_SANDBOX_URL', undefined, ['http:', 'https:'], {
    doc: 'sandbox mode on a PostgreSQL server with several processes: the URL of the one `api` or `all` process that runs the sandbox chains; this process then uses them over its JSON-RPC (required for a sandbox worker; docs/scaling.md)',
  });
  const token = r.secret(
    'ONRAMP_METRICS_TOKEN',
    {
      doc: 'bearer token `GET /metrics` and `/readyz?full=1` ask for, at least 32 characters (`openssl rand -hex 32`). Without it and without `ONRAMP_METRICS_PORT`, sandbox mode answers loopback clients only and production serves no metrics',
      example: '',
    },
    'secret, at least 32 characters',
  );
  const port = r.optionalInt(
    'ONRAMP_METRICS_PORT',
    1,
    65535,
    'serve `/metrics` on this separate port (on `ONRAMP_METRICS_HOST`) instead of the API port',
  );
  const config: OpsConfig = {
    role,
    sandboxUrl,
    metrics: {
      token,
      port,
      host: r.string('ONRAMP_METRICS_HOST', '127.0.0.1', 'the address the metrics port listens on'),
      refreshMs: r.int(
        'ONRAMP_METRICS_REFRESH_MS',
        10_000,
        1_000,
        600_000,
        'how often workers read the business gauges of `/metrics` (queues, payouts, hot wallets, webhooks, ACH, KYC) from the database and the chains',
      ),
    },
    readiness: {
      timeoutMs: r.int(
        'ONRAMP_READINESS_TIMEOUT_MS',
        3_000,
        100,
        30_000,
        'per provider check of `/readyz?full=1` (chain RPC, Plaid, SMS, email, prices)',
      ),
    },
  };
  if (token !== undefined && token.length < 32)
    r.problems.push('ONRAMP_METRICS_TOKEN: must be at least 32 characters (it guards /metrics)');
  checkRoleFits(r, config, mode, databaseUrl);
  return config;
}

/**
 * Sandbox chains run inside one process (docs/chains.md). On the embedded database that is the only
 * process; on a PostgreSQL server the other processes reach that one's chains through ONRAMP_SANDBOX_URL.
 */
function checkRoleFits(r: EnvReader, config: OpsConfig, mode: Mode, databaseUrl: string | undefined): void {
  const { role, sandboxUrl } = config;
  if (mode === 'production') {
    if (sandboxUrl !== undefined)
      r.problems.push('ONRAMP_SANDBOX_URL: is used only in sandbox mode (production uses ONRAMP_*_RPC_URL)');
    return;
  }
  if (databaseUrl === undefined) {
    if (role !== 'all')
      r.problems.push(
        `ONRAMP_ROLE: sandbox mode on the embedded database runs as one process (role all, got "${role}"); set DATABASE_URL to a PostgreSQL server to run api and worker processes (docs/scaling.md)`,
      );
    if (sandboxUrl !== undefined)
      r.problems.push(
        'ONRAMP_SANDBOX_URL: needs DATABASE_URL (processes share the sandbox through one PostgreSQL database)',
      );
    return;
  }
  if (role === 'worker' && sandboxUrl === undefined)
    r.problems.push(
      'ONRAMP_SANDBOX_URL: is required for a sandbox worker (ONRAMP_ROLE=worker): the sandbox chains run in one api or all process, which serves their JSON-RPC; set it to that process’s URL (docs/scaling.md)',
    );
}
