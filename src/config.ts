// One typed configuration object, read from environment variables and validated at start.
// A bad value stops the server with a message naming the variable and what is allowed.
import path from 'node:path';
import { type ChainsConfig, readChainsConfig } from './chains/config.ts';
import { type AchConfig, readAchConfig } from './modules/ach/config.ts';
import { type AuthConfig, readAuthConfig } from './modules/auth/config.ts';
import {
  type ClientsConfig,
  checkDemoClientConfig,
  type DemoClientConfig,
  readClientsConfig,
  readDemoClientConfig,
} from './modules/clients/config.ts';
import { type OnboardingConfig, readOnboardingConfig } from './modules/kyc/config.ts';
import { type PayoutsConfig, readPayoutsConfig } from './modules/payouts/config.ts';
import { type ProductConfig, readProductConfig } from './modules/purchases/config.ts';
import { readWebhooksConfig, type WebhooksConfig } from './modules/webhooks/config.ts';
import { type MessagingConfig, readMessagingConfig } from './providers/messaging/config.ts';
import { type PlaidConfig, readPlaidConfig } from './providers/plaid/config.ts';
import { type PricesConfig, readPricesConfig } from './providers/prices/config.ts';

export type Mode = 'sandbox' | 'production';

export interface Config {
  mode: Mode;
  http: {
    host: string;
    port: number;
    /** The URL partners reach this server at; used in links, the SIWE domain and sandbox URLs. */
    publicUrl: string;
    bodyLimitBytes: number;
    /** How long a graceful shutdown waits for in-flight requests before closing anyway. */
    shutdownGraceMs: number;
    trustProxy: boolean;
  };
  db: {
    /** PostgreSQL server URL; when absent the embedded PGlite database is used. */
    url: string | undefined;
    /** PGlite data directory (embedded mode only). */
    dataDir: string;
    poolMax: number;
    statementTimeoutMs: number;
  };
  /** Where sandbox mode keeps generated keys and the demo client's secret between restarts. */
  stateDir: string;
  log: { level: string };
  secrets: {
    /** AES-256-GCM keys for data at rest, `kid:base64` comma-separated; the first one encrypts. */
    encryptionKeys: string | undefined;
    /** Ed25519 private key (PKCS#8 PEM or JWK JSON) that signs session JWTs. */
    jwtSigningKey: string | undefined;
  };
  demoClient: DemoClientConfig;
  clients: ClientsConfig;
  rateLimit: {
    enabled: boolean;
    perClientPerMinute: number;
    perIpPerMinute: number;
  };
  product: ProductConfig;
  auth: AuthConfig;
  messaging: MessagingConfig;
  chains: ChainsConfig;
  onboarding: OnboardingConfig;
  payout: PayoutsConfig;
  plaid: PlaidConfig;
  prices: PricesConfig;
  ach: AchConfig;
  webhooks: WebhooksConfig;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Reads typed values from the environment, collecting every problem instead of stopping at the first. */
export class EnvReader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  string(name: string, fallback: string, opts: { maxLength?: number } = {}): string {
    const value = this.raw(name) ?? fallback;
    if (opts.maxLength !== undefined && value.length > opts.maxLength) {
      this.problems.push(`${name}: must be at most ${opts.maxLength} characters`);
    }
    return value;
  }

  optional(name: string): string | undefined {
    return this.raw(name);
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!/^-?\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      this.problems.push(`${name}: must be an integer from ${min} to ${max} (got "${value}")`);
      return fallback;
    }
    return Number(value);
  }

  decimal(name: string, fallback: string, pattern = /^\d+(\.\d+)?$/): string {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!pattern.test(value)) {
      this.problems.push(`${name}: must be a non-negative decimal number such as ${fallback} (got "${value}")`);
      return fallback;
    }
    return value;
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (['true', '1', 'yes'].includes(value.toLowerCase())) return true;
    if (['false', '0', 'no'].includes(value.toLowerCase())) return false;
    this.problems.push(`${name}: must be true or false (got "${value}")`);
    return fallback;
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      this.problems.push(`${name}: must be one of ${allowed.join(', ')} (got "${value}")`);
      return fallback;
    }
    return value as T;
  }

  /** A USD amount such as 3000 or 0.50, as cents. */
  usdCents(name: string, fallback: string): bigint {
    const text = this.decimal(name, fallback, /^\d{1,9}(\.\d{1,2})?$/);
    const [whole, fraction = ''] = text.split('.');
    return BigInt(whole!) * 100n + BigInt(fraction.padEnd(2, '0'));
  }

  url(name: string, fallback: string | undefined, protocols: string[]): string | undefined {
    const value = this.raw(name) ?? fallback;
    if (value === undefined) return undefined;
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol)) throw new Error('protocol');
      return value.replace(/\/+$/, '');
    } catch {
      this.problems.push(
        `${name}: must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')} (got "${redactUrl(value)}")`,
      );
      return fallback;
    }
  }

  require(name: string, value: unknown, why: string): void {
    if (value === undefined || value === '') this.problems.push(`${name}: is required ${why}`);
  }
}

function redactUrl(value: string): string {
  return value.replace(/\/\/([^@/]*)@/, '//***@');
}

/** Builds the configuration from `env`; throws ConfigError listing every invalid variable. */
export function loadConfig(env: Env = process.env): Config {
  const r = new EnvReader(env);
  const mode = r.oneOf<Mode>('ONRAMP_MODE', 'sandbox', ['sandbox', 'production']);
  const server = readServerConfig(r);
  const { publicUrl } = server.http;
  const config: Config = {
    mode,
    ...server,
    demoClient: readDemoClientConfig(r),
    clients: readClientsConfig(r),
    rateLimit: readRateLimitConfig(r),
    product: readProductConfig(r),
    auth: readAuthConfig(r, publicUrl),
    messaging: readMessagingConfig(r, mode, publicUrl),
    chains: readChainsConfig(r, mode, server.stateDir),
    onboarding: readOnboardingConfig(r, mode),
    payout: readPayoutsConfig(r),
    plaid: readPlaidConfig(r, mode),
    prices: readPricesConfig(r, mode),
    ach: readAchConfig(r, mode),
    webhooks: readWebhooksConfig(r, mode),
  };
  checkDemoClientConfig(r, config.demoClient, mode);
  if (mode === 'production') checkProductionServer(r, config);
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}

type ServerConfig = Pick<Config, 'http' | 'db' | 'stateDir' | 'log' | 'secrets'>;

/** The server's own section: where it listens, its database, logs and the keys it holds. */
function readServerConfig(r: EnvReader): ServerConfig {
  const host = r.string('HOST', '127.0.0.1');
  const port = r.int('PORT', 3000, 0, 65535);
  const displayHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const publicUrl = r.url('ONRAMP_PUBLIC_URL', `http://${displayHost}:${port}`, ['http:', 'https:'])!;
  const stateDir = path.resolve(r.string('ONRAMP_STATE_DIR', './.onramp'));
  return {
    http: {
      host,
      port,
      publicUrl,
      bodyLimitBytes: r.int('ONRAMP_BODY_LIMIT_BYTES', 100 * 1024, 1024, 10 * 1024 * 1024),
      shutdownGraceMs: r.int('ONRAMP_SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
      trustProxy: r.bool('ONRAMP_TRUST_PROXY', false),
    },
    db: {
      url: r.url('DATABASE_URL', undefined, ['postgres:', 'postgresql:']),
      dataDir: path.resolve(r.string('ONRAMP_DATA_DIR', path.join(stateDir, 'data'))),
      poolMax: r.int('ONRAMP_DB_POOL_MAX', 10, 1, 200),
      statementTimeoutMs: r.int('ONRAMP_DB_STATEMENT_TIMEOUT_MS', 15_000, 100, 600_000),
    },
    stateDir,
    log: { level: r.oneOf('LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) },
    secrets: {
      encryptionKeys: r.optional('ONRAMP_ENCRYPTION_KEYS'),
      jwtSigningKey: r.optional('ONRAMP_JWT_SIGNING_KEY'),
    },
  };
}

function readRateLimitConfig(r: EnvReader): Config['rateLimit'] {
  return {
    enabled: r.bool('ONRAMP_RATE_LIMIT_ENABLED', true),
    perClientPerMinute: r.int('ONRAMP_RATE_LIMIT_PER_CLIENT_PER_MINUTE', 1200, 1, 1_000_000),
    perIpPerMinute: r.int('ONRAMP_RATE_LIMIT_PER_IP_PER_MINUTE', 600, 1, 1_000_000),
  };
}

/** Production's own rules for the server section: real keys, a PostgreSQL server, an https URL. */
function checkProductionServer(r: EnvReader, config: Config): void {
  const why = 'in production mode (sandbox mode generates one and keeps it under ONRAMP_STATE_DIR)';
  r.require('ONRAMP_ENCRYPTION_KEYS', config.secrets.encryptionKeys, why);
  r.require('ONRAMP_JWT_SIGNING_KEY', config.secrets.jwtSigningKey, why);
  r.require('DATABASE_URL', config.db.url, 'in production mode (the embedded database is for sandbox use)');
  if (!config.http.publicUrl.startsWith('https://'))
    r.problems.push('ONRAMP_PUBLIC_URL: must be an https:// URL in production mode');
}

/** @deprecated import UUID_RE from lib/ids.ts; kept so code written against the old place still builds. */
export { UUID_RE } from './lib/ids.ts';
