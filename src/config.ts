// One typed configuration object, read from environment variables and validated at start.
// A bad value stops the server with a message naming the variable and what is allowed.
import path from 'node:path';
import { readSecretsConfig } from './runtime-secrets.ts';
import { type UsdCents, usdCents } from './lib/money.ts';
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
import { type DashboardConfig, readDashboardConfig } from './modules/dashboard/config.ts';
import { type OnboardingConfig, readOnboardingConfig } from './modules/kyc/config.ts';
import { type OpsConfig, readOpsConfig } from './modules/ops/config.ts';
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
  dashboard: DashboardConfig;
  /** Process role, the metrics endpoint, readiness checks (src/modules/ops/config.ts). */
  ops: OpsConfig;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

/** What the reference says about a variable, beside what the reader knows (type, range, default). */
export interface VarInfo {
  /** What it means and does, for docs/configuration.md. */
  doc?: string;
  /** A value for the production .env.example; the variables that have one are the production set-up. */
  example?: string;
  /** Shown instead of the default the reader computed, when it derives from other values. */
  defaultText?: string;
}

export type VarKind = 'text' | 'secret' | 'integer' | 'decimal' | 'usd' | 'boolean' | 'enum' | 'url';

/** One variable as the reader saw it in one reading: the source of the generated reference. */
export interface VarDeclaration extends VarInfo {
  name: string;
  /** The section (module) that reads it. */
  section: string;
  kind: VarKind;
  /** The rule a value must follow, as the reference shows it ("1 to 100", "one of a, b"). */
  rule: string;
  /** The default in this reading's mode, as text; undefined when there is none. */
  fallback: string | undefined;
  /** Why it is required, for each `require` made in this reading. */
  required: string[];
}

type Info = VarInfo | string;

/**
 * Reads typed values from the environment, collecting every problem instead of stopping at the first,
 * and declaring each variable it reads (`declarations`), from which the configuration reference is
 * generated (`npm run docs:config`). `raw` reads without declaring, for cross-checks.
 */
export class EnvReader {
  readonly problems: string[] = [];
  readonly declarations = new Map<string, VarDeclaration>();
  private currentSection = 'Server';
  constructor(private readonly env: Env) {}

  /** Reads the variables of one section (one module's config.ts). */
  section<T>(title: string, read: () => T): T {
    const outer = this.currentSection;
    this.currentSection = title;
    try {
      return read();
    } finally {
      this.currentSection = outer;
    }
  }

  private declare(name: string, kind: VarKind, rule: string, fallback: unknown, info: Info | undefined): void {
    const given = typeof info === 'string' ? { doc: info } : (info ?? {});
    const existing = this.declarations.get(name);
    if (existing) return;
    this.declarations.set(name, {
      ...given,
      name,
      section: this.currentSection,
      kind,
      rule,
      fallback: fallback === undefined ? undefined : String(fallback),
      required: [],
    });
  }

  /** Whether the variable was given a (non-blank) value. */
  given(name: string): boolean {
    return this.raw(name) !== undefined;
  }

  raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  string(name: string, fallback: string, info: (VarInfo & { maxLength?: number }) | string = {}): string {
    const maxLength = typeof info === 'string' ? undefined : info.maxLength;
    this.declare(
      name,
      'text',
      maxLength === undefined ? 'text' : `text, at most ${maxLength} characters`,
      fallback,
      info,
    );
    const value = this.raw(name) ?? fallback;
    if (maxLength !== undefined && value.length > maxLength) {
      this.problems.push(`${name}: must be at most ${maxLength} characters`);
    }
    return value;
  }

  optional(name: string, info?: Info): string | undefined {
    this.declare(name, 'text', 'text', undefined, info);
    return this.raw(name);
  }

  /** A credential: read like `optional`, but the reference and every message keep its value out. */
  secret(name: string, info?: Info, rule = 'secret'): string | undefined {
    this.declare(name, 'secret', rule, undefined, info);
    return this.raw(name);
  }

  int(name: string, fallback: number, min: number, max: number, info?: Info): number {
    this.declare(name, 'integer', `integer, ${min} to ${max}`, fallback, info);
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!/^-?\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      this.problems.push(`${name}: must be an integer from ${min} to ${max} (got "${value}")`);
      return fallback;
    }
    return Number(value);
  }

  /** An integer with no default: undefined when unset. */
  optionalInt(name: string, min: number, max: number, info?: Info): number | undefined {
    this.declare(name, 'integer', `integer, ${min} to ${max}`, undefined, info);
    if (this.raw(name) === undefined) return undefined;
    return this.int(name, min, min, max);
  }

  decimal(name: string, fallback: string, pattern = /^\d+(\.\d+)?$/, info?: Info): string {
    this.declare(name, 'decimal', 'non-negative decimal number', fallback, info);
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!pattern.test(value)) {
      this.problems.push(`${name}: must be a non-negative decimal number such as ${fallback} (got "${value}")`);
      return fallback;
    }
    return value;
  }

  /** A USD amount such as 3000 or 0.50, as cents. */
  usdCents(name: string, fallback: string, info?: Info): UsdCents {
    this.declare(name, 'usd', 'US dollars, up to 2 decimals', fallback, info);
    const text = this.decimal(name, fallback, /^\d{1,9}(\.\d{1,2})?$/);
    const [whole, fraction = ''] = text.split('.');
    return usdCents(BigInt(whole!) * 100n + BigInt(fraction.padEnd(2, '0')));
  }

  bool(name: string, fallback: boolean, info?: Info): boolean {
    this.declare(name, 'boolean', 'true or false', fallback, info);
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (['true', '1', 'yes'].includes(value.toLowerCase())) return true;
    if (['false', '0', 'no'].includes(value.toLowerCase())) return false;
    this.problems.push(`${name}: must be true or false (got "${value}")`);
    return fallback;
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[], info?: Info): T {
    this.declare(name, 'enum', `one of ${allowed.join(', ')}`, allowed.includes(fallback) ? fallback : undefined, info);
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      this.problems.push(`${name}: must be one of ${allowed.join(', ')} (got "${value}")`);
      return fallback;
    }
    return value as T;
  }

  url(name: string, fallback: string | undefined, protocols: string[], info?: Info): string | undefined {
    this.declare(name, 'url', `URL (${protocols.map((p) => `${p}//`).join(' or ')})`, fallback, info);
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

  /**
   * Reports `name` as missing when it has no value. A variable that was given a value is never also
   * reported missing: if that value was refused, its own problem already says why.
   */
  require(name: string, value: unknown, why: string): void {
    this.declarations.get(name)?.required.push(why);
    if (this.given(name)) return;
    if (value === undefined || value === '') this.problems.push(`${name}: is required ${why}`);
  }
}

function redactUrl(value: string): string {
  return value.replace(/\/\/([^@/]*)@/, '//***@');
}

/** Builds the configuration from `env`; throws ConfigError listing every invalid variable. */
export function loadConfig(env: Env = process.env): Config {
  const { config, reader } = readConfig(env);
  if (reader.problems.length > 0) throw new ConfigError(reader.problems);
  return config;
}

/**
 * Reads every section, collecting problems instead of throwing: loadConfig's core, and the generated
 * reference's source (the reader's declarations). With problems, `config` holds fallbacks: do not use it.
 */
export function readConfig(env: Env): { config: Config; reader: EnvReader } {
  const r = new EnvReader(env);
  const mode = r.oneOf<Mode>('ONRAMP_MODE', 'sandbox', ['sandbox', 'production'], {
    doc: '`sandbox`: embedded database, in-process chains, built-in Plaid sandbox, sandbox inbox and a demo client; `production`: a PostgreSQL server and real providers, each of which must be configured (the server refuses to start otherwise)',
    example: 'production',
  });
  const server = readServerConfig(r, mode);
  const { publicUrl } = server.http;
  // Read before onboarding, whose Identity Verification template depends on the Plaid environment.
  const plaid = r.section('Plaid', () => readPlaidConfig(r, mode));
  const config: Config = {
    mode,
    ...server,
    demoClient: r.section('Partner clients', () => readDemoClientConfig(r)),
    clients: r.section('Partner clients', () => readClientsConfig(r, publicUrl)),
    rateLimit: readRateLimitConfig(r),
    product: r.section('Fees and limits', () => readProductConfig(r)),
    auth: r.section('Sign-in', () => readAuthConfig(r, publicUrl)),
    messaging: r.section('SMS and email', () => readMessagingConfig(r, mode, publicUrl)),
    chains: r.section('Chains', () => readChainsConfig(r, mode)),
    onboarding: r.section('Users, wallets and KYC', () => readOnboardingConfig(r, mode, plaid.baseUrl)),
    payout: r.section('Payouts', () => readPayoutsConfig(r)),
    plaid,
    prices: r.section('Prices', () => readPricesConfig(r, mode)),
    ach: r.section('ACH', () => readAchConfig(r, mode)),
    webhooks: r.section('Webhooks', () => readWebhooksConfig(r, mode)),
    dashboard: r.section('Partner dashboard', () => readDashboardConfig(r, mode, publicUrl)),
    ops: r.section('Processes and monitoring', () => readOpsConfig(r, mode, server.db.url)),
  };
  checkDemoClientConfig(r, config.demoClient, mode);
  if (mode === 'production') checkProductionServer(r, config);
  return { config, reader: r };
}

type ServerConfig = Pick<Config, 'http' | 'db' | 'stateDir' | 'log' | 'secrets'>;

/** The server's own section: where it listens, its database, logs and the keys it holds. */
function readServerConfig(r: EnvReader, mode: Mode): ServerConfig {
  const host = r.string('HOST', '127.0.0.1', {
    doc: 'the address the API listens on (`0.0.0.0` for every interface, as in a container)',
    example: '0.0.0.0',
  });
  const port = r.int('PORT', 3000, 0, 65535, 'the port the API listens on');
  const displayHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const publicUrl = r.url('ONRAMP_PUBLIC_URL', `http://${displayHost}:${port}`, ['http:', 'https:'], {
    doc: 'the URL partners and users reach this server at (behind your TLS proxy): used in links, the sign-in message domain, Plaid webhooks and sandbox URLs. Must be `https://` in production',
    defaultText: 'http://HOST:PORT',
    example: 'https://onramp.example.com',
  })!;
  const stateDir = path.resolve(
    r.string('ONRAMP_STATE_DIR', './.onramp', {
      doc: "sandbox state: the embedded database, generated keys, the demo client's credentials and compiled sandbox contracts",
    }),
  );
  return {
    http: {
      host,
      port,
      publicUrl,
      bodyLimitBytes: r.int(
        'ONRAMP_BODY_LIMIT_BYTES',
        100 * 1024,
        1024,
        10 * 1024 * 1024,
        'largest request body, bytes (413 beyond)',
      ),
      shutdownGraceMs: r.int(
        'ONRAMP_SHUTDOWN_GRACE_MS',
        10_000,
        0,
        600_000,
        'how long SIGTERM waits for in-flight requests before closing anyway',
      ),
      trustProxy: r.bool('ONRAMP_TRUST_PROXY', false, {
        doc: 'trust `X-Forwarded-For` and `X-Forwarded-Proto` from the proxy in front (set it behind a load balancer, never when clients reach the server directly)',
        example: 'true',
      }),
    },
    db: readDbConfig(r, stateDir),
    stateDir,
    log: {
      level: r.oneOf('LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        doc: 'log level; logs are JSON lines on stdout, secrets redacted',
      }),
    },
    secrets: r.section('Keys', () => readSecretsConfig(r, mode)),
  };
}

function readDbConfig(r: EnvReader, stateDir: string): Config['db'] {
  return r.section('Database', () => ({
    url: r.url('DATABASE_URL', undefined, ['postgres:', 'postgresql:'], {
      doc: 'the PostgreSQL server (`postgres://user:password@host:5432/db`); without it the embedded PGlite database is used (sandbox only). Migrations run at start',
      example: 'postgres://onramp:CHANGE_ME@127.0.0.1:5432/onramp',
    }),
    dataDir: path.resolve(
      r.string('ONRAMP_DATA_DIR', path.join(stateDir, 'data'), {
        doc: 'the embedded database directory (without DATABASE_URL)',
        defaultText: '$ONRAMP_STATE_DIR/data',
      }),
    ),
    poolMax: r.int('ONRAMP_DB_POOL_MAX', 10, 1, 200, 'connections per process to the PostgreSQL server'),
    statementTimeoutMs: r.int(
      'ONRAMP_DB_STATEMENT_TIMEOUT_MS',
      15_000,
      100,
      600_000,
      'statement timeout on the PostgreSQL server',
    ),
  }));
}

function readRateLimitConfig(r: EnvReader): Config['rateLimit'] {
  return r.section('Rate limits', () => ({
    enabled: r.bool(
      'ONRAMP_RATE_LIMIT_ENABLED',
      true,
      'per-IP and per-client rate limits (429 with Retry-After beyond)',
    ),
    perClientPerMinute: r.int(
      'ONRAMP_RATE_LIMIT_PER_CLIENT_PER_MINUTE',
      1200,
      1,
      1_000_000,
      'requests per partner client per minute',
    ),
    perIpPerMinute: r.int(
      'ONRAMP_RATE_LIMIT_PER_IP_PER_MINUTE',
      600,
      1,
      1_000_000,
      'requests per IP address per minute, counted before authentication',
    ),
  }));
}

/** Production's own rules for the server section: a PostgreSQL server and an https URL. */
function checkProductionServer(r: EnvReader, config: Config): void {
  r.require('DATABASE_URL', config.db.url, 'in production mode (the embedded database is for sandbox use)');
  if (!config.http.publicUrl.startsWith('https://'))
    r.problems.push('ONRAMP_PUBLIC_URL: must be an https:// URL in production mode');
}

/** @deprecated import UUID_RE from lib/ids.ts; kept so code written against the old place still builds. */
export { UUID_RE } from './lib/ids.ts';
