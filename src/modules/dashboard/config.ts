// Partner dashboard settings (ONRAMP_DASHBOARD_*), read with the shared EnvReader so bad values are
// reported with every other configuration problem at start.
import type { EnvReader } from '../../config.ts';

export interface DashboardConfig {
  /** A dashboard session unused for this long ends. */
  sessionIdleSeconds: number;
  /** A dashboard session ends this long after sign-in however active it is. */
  sessionMaxSeconds: number;
  /** How long an emailed sign-in code works. */
  codeTtlSeconds: number;
  /** How long a one-time sign-in link (the sandbox banner's) works. */
  signInLinkTtlSeconds: number;
  /** The session cookie carries `Secure` (always in production mode; http://localhost needs it off). */
  secureCookie: boolean;
  requestLog: {
    /** Requests older than this are deleted. */
    retentionHours: number;
    /** Buffered rows are written at least this often… */
    flushIntervalMs: number;
    /** …or as soon as this many are waiting. */
    batchSize: number;
    /** Rows a process keeps waiting at most; beyond this, rows are dropped (and counted) rather than slow the API. */
    bufferMax: number;
  };
}

export function readDashboardConfig(r: EnvReader, mode: 'sandbox' | 'production', publicUrl: string): DashboardConfig {
  const config: DashboardConfig = {
    sessionIdleSeconds: r.int(
      'ONRAMP_DASHBOARD_SESSION_IDLE_SECONDS',
      30 * 60,
      60,
      24 * 3600,
      'a dashboard session unused for this long ends',
    ),
    sessionMaxSeconds: r.int(
      'ONRAMP_DASHBOARD_SESSION_MAX_SECONDS',
      12 * 3600,
      300,
      30 * 24 * 3600,
      'a dashboard session ends this long after sign-in, however active',
    ),
    codeTtlSeconds: r.int(
      'ONRAMP_DASHBOARD_CODE_TTL_SECONDS',
      600,
      60,
      3600,
      'how long an emailed dashboard sign-in code works',
    ),
    signInLinkTtlSeconds: r.int(
      'ONRAMP_DASHBOARD_SIGN_IN_LINK_TTL_SECONDS',
      900,
      60,
      24 * 3600,
      "how long a one-time dashboard sign-in link (the sandbox banner's) works",
    ),
    secureCookie: mode === 'production' || publicUrl.startsWith('https://'),
    requestLog: {
      retentionHours: r.int(
        'ONRAMP_DASHBOARD_REQUEST_LOG_RETENTION_HOURS',
        7 * 24,
        1,
        90 * 24,
        'how long the request log the dashboard shows keeps a request',
      ),
      flushIntervalMs: r.int(
        'ONRAMP_DASHBOARD_REQUEST_LOG_FLUSH_MS',
        1000,
        50,
        60_000,
        'buffered request-log rows are written at least this often',
      ),
      batchSize: r.int(
        'ONRAMP_DASHBOARD_REQUEST_LOG_BATCH',
        500,
        1,
        10_000,
        'buffered request-log rows are also written as soon as this many wait',
      ),
      bufferMax: r.int(
        'ONRAMP_DASHBOARD_REQUEST_LOG_BUFFER_MAX',
        20_000,
        100,
        1_000_000,
        'request-log rows a process keeps waiting at most; beyond, rows are dropped (and counted) rather than slow the API',
      ),
    },
  };
  if (config.sessionIdleSeconds > config.sessionMaxSeconds)
    r.problems.push('ONRAMP_DASHBOARD_SESSION_IDLE_SECONDS: must not exceed ONRAMP_DASHBOARD_SESSION_MAX_SECONDS');
  return config;
}
