// One typed configuration object, read from environment variables and validated at start.
// A bad value stops the server with a message naming the variable and what is allowed.
import path from 'node:path';
import { getAddress, isAddress } from 'viem';
import { NETWORKS, type Network } from './chains/networks.ts';
import { readAchConfig, type AchConfig } from './modules/ach/config.ts';
import { readPayoutsConfig, type PayoutsConfig } from './modules/payouts/config.ts';

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
  demoClient: { id: string | undefined; secret: string | undefined };
  clients: {
    /** How long a rotated-out client secret keeps working. */
    secretOverlapSeconds: number;
    /** Lifetime of a client session (`ratio-client-session-id`). */
    sessionTtlSeconds: number;
    /** How long a client row is cached in memory; disabling takes effect across processes within this. */
    cacheTtlMs: number;
  };
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

/** Webhook registrations and delivery (src/modules/webhooks). */
export interface WebhooksConfig {
  /** Registrations per client (the Ratio docs say 10). */
  maxPerClient: number;
  /** A receiver must answer (status line, headers and body) within this. */
  timeoutMs: number;
  /** Attempts in flight at once to one registration (pg-boss group concurrency, across processes). */
  perWebhookConcurrency: number;
  /** Payout attempts in flight at once, per process. */
  globalConcurrency: number;
  /** How often retries that have become due (by ctx.clock) are queued, and stale claims recovered. */
  sweepIntervalMs: number;
  /** How long the previous signing secret keeps signing after a rotation. */
  secretOverlapSeconds: number;
  /**
   * Whether targets that resolve to loopback addresses may be called. Sandbox mode allows them so
   * local receivers work; private, link-local, multicast and metadata addresses are refused always.
   */
  allowLoopback: boolean;
}

/**
 * Plaid, always through the official `plaid` client. `baseUrl` undefined means the built-in
 * Plaid-compatible sandbox served by this server under /sandbox/plaid (sandbox mode only).
 */
export interface PlaidConfig {
  /** https://production.plaid.com, https://sandbox.plaid.com, or undefined for the built-in sandbox. */
  baseUrl: string | undefined;
  /** Plaid API keys; required with a real Plaid environment. The built-in sandbox derives its own when unset. */
  clientId: string | undefined;
  secret: string | undefined;
  /** Per Plaid request. */
  timeoutMs: number;
  /** The name Plaid Link shows the user (`client_name`). */
  clientName: string;
  /** Where Plaid sends item webhooks; by default this server's /webhooks/plaid. */
  webhookUrl: string | undefined;
  /** Oldest accepted `iat` of a Plaid webhook JWT. */
  webhookMaxAgeSeconds: number;
}

export type KycProviderName = 'sandbox' | 'manual';

/** Users, deposit wallets and KYC (issue 5). */
export interface OnboardingConfig {
  /** Deposit wallets a user may have. */
  walletsPerUser: number;
  /**
   * Who decides KYC: `sandbox` follows guides/sandbox-testing.md (SSN first digit 2-9 approved, 1 in
   * review, 0 declined); `manual` sends every submission to operator review (`onramp kyc approve|decline`).
   */
  kycProvider: KycProviderName;
}

export type PriceProviderName = 'sandbox' | 'coinbase';

/** Where asset prices come from (GET /v1/crypto/prices, estimates, purchases). */
export interface PricesConfig {
  provider: PriceProviderName;
  /** How long an external provider's answer is reused (the sandbox provider is never cached). */
  cacheMs: number;
  sandbox: {
    /** Base prices, USD cents per whole unit. */
    cents: { ETH: bigint; USDC: bigint; POL: bigint };
    /** Largest deviation of the seeded walk from the base prices, basis points; 0 keeps prices fixed. */
    walkBps: number;
    walkSeed: string;
    walkIntervalSeconds: number;
  };
  /** A public exchange ticker (Coinbase's `GET /v2/prices/{BASE}-USD/spot`). */
  coinbase: { baseUrl: string; timeoutMs: number; retries: number };
}

export type { AchConfig };

/** User authentication: session JWTs, server-side sessions, wallet challenges and one-time codes. */
export interface AuthConfig {
  jwt: {
    /** `iss` of every session JWT (the public URL). */
    issuer: string;
    ttlSeconds: number;
    /** A JWT with less than this left is replaced through the `ratio-authentication-refresh` header. */
    refreshWithinSeconds: number;
  };
  session: {
    /** A session unused for this long ends (10 minutes, as the Ratio docs say). */
    idleSeconds: number;
    /** A session ends this long after sign-in however active it is. */
    maxSeconds: number;
  };
  /** The EIP-4361 (Sign-In with Ethereum) challenge; Solana wallets sign the same shape of message. */
  challenge: {
    domain: string;
    uri: string;
    statement: string;
    /** The `Chain ID` in EVM challenges; by default the ETHEREUM chain's (where smart wallets are checked). */
    evmChainId: number | undefined;
    solanaChainId: string;
    ttlSeconds: number;
  };
  otp: {
    ttlSeconds: number;
    /** Wrong tries allowed per code. */
    maxAttempts: number;
    /** Consecutive wrong codes per phone or email (across codes) that lock it out… */
    lockoutFailures: number;
    /** …for this long. */
    lockoutSeconds: number;
    /** Shortest time between two codes sent to one phone or email. */
    resendIntervalSeconds: number;
    sendsPerDestinationPerHour: number;
    sendsPerIpPerHour: number;
  };
}

export type SmsProviderName = 'sandbox' | 'twilio';
export type EmailProviderName = 'sandbox' | 'smtp';

/** Where SMS and email go. Sandbox providers write to the sandbox inbox; production refuses them. */
export interface MessagingConfig {
  /** The name users see in codes and emails. */
  brandName: string;
  sms: {
    provider: SmsProviderName;
    timeoutMs: number;
    twilio: {
      accountSid: string | undefined;
      authToken: string | undefined;
      from: string | undefined;
      messagingServiceSid: string | undefined;
      baseUrl: string;
    };
  };
  email: {
    provider: EmailProviderName;
    timeoutMs: number;
    /** smtp:// or smtps:// URL with credentials, for the smtp provider. */
    smtpUrl: string | undefined;
    from: string;
  };
}

/** One production network: where to reach it and what to expect there. */
export interface ChainNetworkConfig {
  /** JSON-RPC endpoint; often carries an API key, so it is never logged whole. */
  rpcUrl: string;
  chainId: number;
  /** The USDC contract on this network. */
  usdcAddress: `0x${string}`;
  /** Blocks (the transaction's own included) before a payout counts as final. */
  confirmations: number;
}

export interface ChainsConfig {
  /** Production only, every network required; sandbox mode runs its own chains instead. */
  networks: Record<Network, ChainNetworkConfig> | undefined;
  /** Production only: the hot wallet that signs payouts. A secret: never logged. */
  hotWallet: { privateKey: `0x${string}` } | undefined;
  /** Per JSON-RPC request. */
  rpcTimeoutMs: number;
  /** Retries of a failed JSON-RPC request (viem backs off exponentially between them). */
  rpcRetryCount: number;
  /** Sandbox: where compiled sandbox contracts are cached, keyed by a hash of their source. */
  sandboxCacheDir: string;
}

/** What a partner's front end needs to present purchases; exposed at GET /v1/config. */
export interface ProductConfig {
  termsOfUseUrl: string;
  /** Ratio fee in basis points of the fiat amount. */
  feeBps: { INSTANT: number; STANDARD: number };
  /** Smallest purchase per network, in USD cents. */
  minimumCents: { ETHEREUM: bigint; POLYGON: bigint };
  limits: {
    /** INSTANT purchases per rolling 24 hours, USD cents. */
    instantDailyCents: bigint;
    /** All purchases per rolling 24 hours, USD cents. */
    dailyCents: bigint;
    /** All purchases per rolling 7 days, USD cents. */
    weeklyCents: bigint;
    /** Purchases per rolling 24 hours. */
    transactionsPerDay: number;
  };
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
  const host = r.string('HOST', '127.0.0.1');
  const port = r.int('PORT', 3000, 0, 65535);
  const displayHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const publicUrl = r.url('ONRAMP_PUBLIC_URL', `http://${displayHost}:${port}`, ['http:', 'https:'])!;
  const stateDir = path.resolve(r.string('ONRAMP_STATE_DIR', './.onramp'));

  const config: Config = {
    mode,
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
    demoClient: { id: r.optional('ONRAMP_DEMO_CLIENT_ID'), secret: r.optional('ONRAMP_DEMO_CLIENT_SECRET') },
    clients: {
      secretOverlapSeconds: r.int('ONRAMP_CLIENT_SECRET_OVERLAP_SECONDS', 24 * 3600, 0, 30 * 24 * 3600),
      sessionTtlSeconds: r.int('ONRAMP_CLIENT_SESSION_TTL_SECONDS', 30 * 60, 60, 24 * 3600),
      cacheTtlMs: r.int('ONRAMP_CLIENT_CACHE_TTL_MS', 5_000, 0, 300_000),
    },
    rateLimit: {
      enabled: r.bool('ONRAMP_RATE_LIMIT_ENABLED', true),
      perClientPerMinute: r.int('ONRAMP_RATE_LIMIT_PER_CLIENT_PER_MINUTE', 1200, 1, 1_000_000),
      perIpPerMinute: r.int('ONRAMP_RATE_LIMIT_PER_IP_PER_MINUTE', 600, 1, 1_000_000),
    },
    product: readProductConfig(r),
    auth: readAuthConfig(r, publicUrl),
    messaging: readMessagingConfig(r, mode, publicUrl),
    chains: readChainsConfig(r, mode, stateDir),
    onboarding: readOnboardingConfig(r, mode),
    payout: readPayoutsConfig(r),
    plaid: readPlaidConfig(r, mode),
    prices: readPricesConfig(r, mode),
    ach: readAchConfig(r, mode),
    webhooks: readWebhooksConfig(r, mode),
  };

  if (config.demoClient.id !== undefined && !UUID_RE.test(config.demoClient.id)) {
    r.problems.push('ONRAMP_DEMO_CLIENT_ID: must be a UUID such as 00000000-0000-4000-8000-000000000000');
  }
  if ((config.demoClient.id === undefined) !== (config.demoClient.secret === undefined)) {
    r.problems.push('ONRAMP_DEMO_CLIENT_ID and ONRAMP_DEMO_CLIENT_SECRET: set both or neither');
  }
  if (config.demoClient.secret !== undefined && config.demoClient.secret.length < 32) {
    r.problems.push('ONRAMP_DEMO_CLIENT_SECRET: must be at least 32 characters');
  }
  if (mode === 'production') {
    const why = 'in production mode (sandbox mode generates one and keeps it under ONRAMP_STATE_DIR)';
    r.require('ONRAMP_ENCRYPTION_KEYS', config.secrets.encryptionKeys, why);
    r.require('ONRAMP_JWT_SIGNING_KEY', config.secrets.jwtSigningKey, why);
    r.require('DATABASE_URL', config.db.url, 'in production mode (the embedded database is for sandbox use)');
    if (config.demoClient.id !== undefined)
      r.problems.push('ONRAMP_DEMO_CLIENT_ID: the demo client exists only in sandbox mode');
    if (!publicUrl.startsWith('https://'))
      r.problems.push('ONRAMP_PUBLIC_URL: must be an https:// URL in production mode');
  }

  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}

function readWebhooksConfig(r: EnvReader, mode: Mode): WebhooksConfig {
  const config: WebhooksConfig = {
    maxPerClient: r.int('ONRAMP_WEBHOOKS_MAX_PER_CLIENT', 10, 1, 100),
    timeoutMs: r.int('ONRAMP_WEBHOOK_TIMEOUT_MS', 15_000, 100, 60_000),
    perWebhookConcurrency: r.int('ONRAMP_WEBHOOK_CONCURRENCY_PER_WEBHOOK', 4, 1, 100),
    globalConcurrency: r.int('ONRAMP_WEBHOOK_CONCURRENCY', 32, 1, 1000),
    sweepIntervalMs: r.int('ONRAMP_WEBHOOK_SWEEP_INTERVAL_MS', 1_000, 50, 60_000),
    secretOverlapSeconds: r.int('ONRAMP_WEBHOOK_SECRET_OVERLAP_SECONDS', 24 * 3600, 0, 7 * 24 * 3600),
    allowLoopback: mode === 'sandbox',
  };
  if (config.perWebhookConcurrency > config.globalConcurrency) {
    r.problems.push('ONRAMP_WEBHOOK_CONCURRENCY_PER_WEBHOOK: must not exceed ONRAMP_WEBHOOK_CONCURRENCY');
  }
  return config;
}

function readOnboardingConfig(r: EnvReader, mode: Mode): OnboardingConfig {
  const kycProvider = r.oneOf<KycProviderName>('ONRAMP_KYC_PROVIDER', mode === 'sandbox' ? 'sandbox' : 'manual', [
    'sandbox',
    'manual',
  ]);
  if (mode === 'production' && kycProvider === 'sandbox') {
    r.problems.push(
      'ONRAMP_KYC_PROVIDER: sandbox is not allowed in production mode (it approves by the first digit of the SSN); use manual',
    );
  }
  return { walletsPerUser: r.int('ONRAMP_WALLETS_PER_USER', 10, 1, 1000), kycProvider };
}

function readAuthConfig(r: EnvReader, publicUrl: string): AuthConfig {
  const ttlSeconds = r.int('ONRAMP_JWT_TTL_SECONDS', 300, 30, 3600);
  const config: AuthConfig = {
    jwt: {
      issuer: publicUrl,
      ttlSeconds,
      refreshWithinSeconds: r.int('ONRAMP_JWT_REFRESH_WITHIN_SECONDS', 120, 0, 3600),
    },
    session: {
      idleSeconds: r.int('ONRAMP_SESSION_IDLE_SECONDS', 600, 60, 24 * 3600),
      maxSeconds: r.int('ONRAMP_SESSION_MAX_SECONDS', 12 * 3600, 300, 7 * 24 * 3600),
    },
    challenge: {
      domain: r.string('ONRAMP_SIWE_DOMAIN', new URL(publicUrl).host, { maxLength: 253 }),
      uri: r.url('ONRAMP_SIWE_URI', publicUrl, ['http:', 'https:'])!,
      statement: r.string(
        'ONRAMP_SIWE_STATEMENT',
        'Sign in to buy crypto with your bank account. This request costs nothing.',
        { maxLength: 300 },
      ),
      evmChainId:
        r.raw('ONRAMP_SIWE_CHAIN_ID') === undefined ? undefined : r.int('ONRAMP_SIWE_CHAIN_ID', 1, 1, 2 ** 31 - 1),
      solanaChainId: r.oneOf('ONRAMP_SIWS_CHAIN_ID', 'mainnet', ['mainnet', 'devnet', 'testnet', 'localnet']),
      // EIP-4361 challenges live at most five minutes (issue 4).
      ttlSeconds: r.int('ONRAMP_WALLET_CHALLENGE_TTL_SECONDS', 300, 30, 300),
    },
    otp: {
      ttlSeconds: r.int('ONRAMP_OTP_TTL_SECONDS', 600, 60, 600),
      maxAttempts: r.int('ONRAMP_OTP_MAX_ATTEMPTS', 5, 1, 5),
      lockoutFailures: r.int('ONRAMP_OTP_LOCKOUT_FAILURES', 10, 2, 100),
      lockoutSeconds: r.int('ONRAMP_OTP_LOCKOUT_SECONDS', 3600, 60, 7 * 24 * 3600),
      resendIntervalSeconds: r.int('ONRAMP_OTP_RESEND_INTERVAL_SECONDS', 30, 0, 3600),
      sendsPerDestinationPerHour: r.int('ONRAMP_OTP_SENDS_PER_DESTINATION_PER_HOUR', 5, 1, 1000),
      sendsPerIpPerHour: r.int('ONRAMP_OTP_SENDS_PER_IP_PER_HOUR', 30, 1, 1_000_000),
    },
  };
  if (config.jwt.refreshWithinSeconds >= ttlSeconds)
    r.problems.push('ONRAMP_JWT_REFRESH_WITHIN_SECONDS: must be less than ONRAMP_JWT_TTL_SECONDS');
  if (/[\r\n]/.test(config.challenge.statement)) r.problems.push('ONRAMP_SIWE_STATEMENT: must be one line (EIP-4361)');
  return config;
}

function readMessagingConfig(r: EnvReader, mode: Mode, publicUrl: string): MessagingConfig {
  const fallback = mode === 'sandbox' ? 'sandbox' : undefined;
  const sms = r.oneOf<SmsProviderName | 'unset'>('ONRAMP_SMS_PROVIDER', fallback ?? 'unset', ['sandbox', 'twilio']);
  const email = r.oneOf<EmailProviderName | 'unset'>('ONRAMP_EMAIL_PROVIDER', fallback ?? 'unset', ['sandbox', 'smtp']);
  const config: MessagingConfig = {
    brandName: r.string('ONRAMP_BRAND_NAME', 'onramp', { maxLength: 40 }),
    sms: {
      provider: sms === 'unset' ? 'twilio' : sms,
      timeoutMs: r.int('ONRAMP_SMS_TIMEOUT_MS', 10_000, 100, 60_000),
      twilio: {
        accountSid: r.optional('ONRAMP_TWILIO_ACCOUNT_SID'),
        authToken: r.optional('ONRAMP_TWILIO_AUTH_TOKEN'),
        from: r.optional('ONRAMP_TWILIO_FROM'),
        messagingServiceSid: r.optional('ONRAMP_TWILIO_MESSAGING_SERVICE_SID'),
        baseUrl: r.url('ONRAMP_TWILIO_BASE_URL', 'https://api.twilio.com', ['https:', 'http:'])!,
      },
    },
    email: {
      provider: email === 'unset' ? 'smtp' : email,
      timeoutMs: r.int('ONRAMP_EMAIL_TIMEOUT_MS', 15_000, 100, 120_000),
      smtpUrl: r.url('ONRAMP_SMTP_URL', undefined, ['smtp:', 'smtps:']),
      from: r.string('ONRAMP_EMAIL_FROM', `onramp <no-reply@${new URL(publicUrl).hostname}>`, { maxLength: 300 }),
    },
  };
  const production = 'in production mode (choose a real provider; sandbox providers only write to the sandbox inbox)';
  if (sms === 'unset') r.problems.push(`ONRAMP_SMS_PROVIDER: is required ${production}`);
  if (email === 'unset') r.problems.push(`ONRAMP_EMAIL_PROVIDER: is required ${production}`);
  if (mode === 'production' && sms === 'sandbox')
    r.problems.push(`ONRAMP_SMS_PROVIDER: sandbox is not allowed ${production}`);
  if (mode === 'production' && email === 'sandbox')
    r.problems.push(`ONRAMP_EMAIL_PROVIDER: sandbox is not allowed ${production}`);
  if (sms === 'twilio') {
    const t = config.sms.twilio;
    r.require('ONRAMP_TWILIO_ACCOUNT_SID', t.accountSid, 'with ONRAMP_SMS_PROVIDER=twilio');
    r.require('ONRAMP_TWILIO_AUTH_TOKEN', t.authToken, 'with ONRAMP_SMS_PROVIDER=twilio');
    if (!t.from && !t.messagingServiceSid)
      r.problems.push(
        'ONRAMP_TWILIO_FROM or ONRAMP_TWILIO_MESSAGING_SERVICE_SID: one is required with ONRAMP_SMS_PROVIDER=twilio',
      );
    if (mode === 'production' && !t.baseUrl.startsWith('https://'))
      r.problems.push('ONRAMP_TWILIO_BASE_URL: must be an https:// URL in production mode');
  }
  if (email === 'smtp') r.require('ONRAMP_SMTP_URL', config.email.smtpUrl, 'with ONRAMP_EMAIL_PROVIDER=smtp');
  return config;
}

function usdCents(r: EnvReader, name: string, fallback: string): bigint {
  const text = r.decimal(name, fallback, /^\d{1,9}(\.\d{1,2})?$/);
  const [whole, fraction = ''] = text.split('.');
  return BigInt(whole!) * 100n + BigInt(fraction.padEnd(2, '0'));
}

function readProductConfig(r: EnvReader): ProductConfig {
  const limits = {
    instantDailyCents: usdCents(r, 'ONRAMP_LIMIT_INSTANT_DAILY_USD', '3000'),
    dailyCents: usdCents(r, 'ONRAMP_LIMIT_DAILY_USD', '5000'),
    weeklyCents: usdCents(r, 'ONRAMP_LIMIT_WEEKLY_USD', '15000'),
    transactionsPerDay: r.int('ONRAMP_LIMIT_TRANSACTIONS_PER_DAY', 4, 1, 1000),
  };
  if (limits.instantDailyCents > limits.dailyCents)
    r.problems.push('ONRAMP_LIMIT_INSTANT_DAILY_USD: must not exceed ONRAMP_LIMIT_DAILY_USD');
  if (limits.dailyCents > limits.weeklyCents)
    r.problems.push('ONRAMP_LIMIT_DAILY_USD: must not exceed ONRAMP_LIMIT_WEEKLY_USD');
  return {
    termsOfUseUrl: r.url('ONRAMP_TERMS_OF_USE_URL', 'https://ratio.me/legal/ratio-labs-usa-inc-terms-of-service', [
      'https:',
      'http:',
    ])!,
    feeBps: {
      INSTANT: r.int('ONRAMP_FEE_INSTANT_BPS', 300, 0, 5000),
      STANDARD: r.int('ONRAMP_FEE_STANDARD_BPS', 0, 0, 5000),
    },
    minimumCents: {
      ETHEREUM: usdCents(r, 'ONRAMP_MINIMUM_ETHEREUM_USD', '20'),
      POLYGON: usdCents(r, 'ONRAMP_MINIMUM_POLYGON_USD', '1'),
    },
    limits,
  };
}

export const PLAID_PRODUCTION_URL = 'https://production.plaid.com';

function readPlaidConfig(r: EnvReader, mode: Mode): PlaidConfig {
  const baseUrl = r.url('ONRAMP_PLAID_BASE_URL', mode === 'production' ? PLAID_PRODUCTION_URL : undefined, [
    'https:',
    'http:',
  ]);
  const config: PlaidConfig = {
    baseUrl,
    clientId: r.optional('ONRAMP_PLAID_CLIENT_ID'),
    secret: r.optional('ONRAMP_PLAID_SECRET'),
    timeoutMs: r.int('ONRAMP_PLAID_TIMEOUT_MS', 20_000, 500, 120_000),
    clientName: r.string('ONRAMP_PLAID_CLIENT_NAME', r.raw('ONRAMP_BRAND_NAME') ?? 'onramp', { maxLength: 30 }),
    webhookUrl: r.url('ONRAMP_PLAID_WEBHOOK_URL', undefined, ['https:', 'http:']),
    webhookMaxAgeSeconds: r.int('ONRAMP_PLAID_WEBHOOK_MAX_AGE_SECONDS', 300, 30, 3600),
  };
  if (baseUrl !== undefined) {
    const why =
      mode === 'production'
        ? `in production mode (your Plaid API keys for ${baseUrl}, from the Plaid dashboard)`
        : `with ONRAMP_PLAID_BASE_URL=${baseUrl} (your Plaid API keys from the Plaid dashboard)`;
    r.require('ONRAMP_PLAID_CLIENT_ID', config.clientId, why);
    r.require('ONRAMP_PLAID_SECRET', config.secret, why);
  }
  if (mode === 'production') {
    if (baseUrl !== undefined && !baseUrl.startsWith('https://'))
      r.problems.push('ONRAMP_PLAID_BASE_URL: must be an https:// URL in production mode');
    if (config.webhookUrl !== undefined && !config.webhookUrl.startsWith('https://'))
      r.problems.push('ONRAMP_PLAID_WEBHOOK_URL: must be an https:// URL in production mode');
  }
  return config;
}

function readPricesConfig(r: EnvReader, mode: Mode): PricesConfig {
  const provider = r.oneOf<PriceProviderName>('ONRAMP_PRICE_PROVIDER', mode === 'sandbox' ? 'sandbox' : 'coinbase', [
    'sandbox',
    'coinbase',
  ]);
  if (mode === 'production' && provider === 'sandbox') {
    r.problems.push(
      'ONRAMP_PRICE_PROVIDER: sandbox is not allowed in production mode (its prices are made up); use coinbase',
    );
  }
  const baseUrl = r.url('ONRAMP_COINBASE_BASE_URL', 'https://api.coinbase.com', ['https:', 'http:'])!;
  if (mode === 'production' && provider === 'coinbase' && !baseUrl.startsWith('https://'))
    r.problems.push('ONRAMP_COINBASE_BASE_URL: must be an https:// URL in production mode');
  const price = (name: string, fallback: string) => {
    const cents = usdCents(r, name, fallback);
    if (cents === 0n) r.problems.push(`${name}: must be greater than 0`);
    return cents;
  };
  return {
    provider,
    cacheMs: r.int('ONRAMP_PRICE_CACHE_MS', 10_000, 0, 600_000),
    sandbox: {
      cents: {
        ETH: price('ONRAMP_SANDBOX_PRICE_ETH_USD', '2000'),
        USDC: price('ONRAMP_SANDBOX_PRICE_USDC_USD', '1'),
        POL: price('ONRAMP_SANDBOX_PRICE_POL_USD', '0.50'),
      },
      walkBps: r.int('ONRAMP_SANDBOX_PRICE_WALK_BPS', 0, 0, 5000),
      walkSeed: r.string('ONRAMP_SANDBOX_PRICE_WALK_SEED', 'onramp', { maxLength: 100 }),
      walkIntervalSeconds: r.int('ONRAMP_SANDBOX_PRICE_WALK_INTERVAL_SECONDS', 60, 1, 86_400),
    },
    coinbase: {
      baseUrl,
      timeoutMs: r.int('ONRAMP_PRICE_TIMEOUT_MS', 5_000, 100, 60_000),
      retries: r.int('ONRAMP_PRICE_RETRIES', 2, 0, 5),
    },
  };
}

// secp256k1 group order: a private key must lie in [1, n-1].
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

function chainEnvNames(network: Network) {
  return {
    rpcUrl: `ONRAMP_${network}_RPC_URL`,
    chainId: `ONRAMP_${network}_CHAIN_ID`,
    usdcAddress: `ONRAMP_${network}_USDC_ADDRESS`,
    confirmations: `ONRAMP_${network}_CONFIRMATIONS`,
  };
}

/** An RPC URL often carries an API key in its path, so a bad one is never echoed. */
function rpcUrlFrom(r: EnvReader, name: string): string | undefined {
  const value = r.raw(name);
  if (value === undefined) return undefined;
  try {
    const parsed = new URL(value);
    if (parsed.protocol === 'https:' || parsed.protocol === 'http:') return value;
  } catch {
    // reported below
  }
  r.problems.push(`${name}: must be an http:// or https:// URL (value not shown: it may hold an API key)`);
  return undefined;
}

function requiredInt(r: EnvReader, name: string, min: number, max: number, why: string): number | undefined {
  if (r.raw(name) === undefined) {
    r.require(name, undefined, why);
    return undefined;
  }
  return r.int(name, min, min, max);
}

function readChainNetwork(r: EnvReader, network: Network): ChainNetworkConfig | undefined {
  const names = chainEnvNames(network);
  const why = 'in production mode (sandbox mode runs its own chains)';
  const rpcUrl = rpcUrlFrom(r, names.rpcUrl);
  r.require(names.rpcUrl, r.raw(names.rpcUrl), why);
  const chainId = requiredInt(r, names.chainId, 1, Number.MAX_SAFE_INTEGER, why);
  const usdcText = r.raw(names.usdcAddress);
  r.require(names.usdcAddress, usdcText, why);
  let usdcAddress: `0x${string}` | undefined;
  if (usdcText !== undefined) {
    if (isAddress(usdcText, { strict: false })) usdcAddress = getAddress(usdcText);
    else r.problems.push(`${names.usdcAddress}: must be a 0x-prefixed 20-byte hex address (got "${usdcText}")`);
  }
  const confirmations = requiredInt(r, names.confirmations, 1, 10_000, why);
  if (rpcUrl === undefined || chainId === undefined || usdcAddress === undefined || confirmations === undefined)
    return undefined;
  return { rpcUrl, chainId, usdcAddress, confirmations };
}

function readHotWalletKey(r: EnvReader): `0x${string}` | undefined {
  const name = 'ONRAMP_HOT_WALLET_PRIVATE_KEY';
  const raw = r.raw(name);
  r.require(name, raw, 'in production mode (the hot wallet that signs payouts)');
  if (raw === undefined) return undefined;
  const hex = raw.startsWith('0x') ? raw.slice(2) : raw;
  // The message never echoes the value: it is a secret even when malformed.
  if (!/^[0-9a-fA-F]{64}$/.test(hex) || BigInt(`0x${hex}`) === 0n || BigInt(`0x${hex}`) >= SECP256K1_N) {
    r.problems.push(`${name}: must be a secp256k1 private key, 32 bytes of hex (value not shown)`);
    return undefined;
  }
  return `0x${hex.toLowerCase()}`;
}

function readChainsConfig(r: EnvReader, mode: Mode, stateDir: string): ChainsConfig {
  const common = {
    rpcTimeoutMs: r.int('ONRAMP_CHAIN_RPC_TIMEOUT_MS', 10_000, 100, 120_000),
    rpcRetryCount: r.int('ONRAMP_CHAIN_RPC_RETRY_COUNT', 2, 0, 10),
    sandboxCacheDir: path.resolve(r.string('ONRAMP_SANDBOX_CACHE_DIR', path.join(stateDir, 'cache'))),
  };
  if (mode === 'sandbox') {
    // Production chain settings in sandbox mode would silently do nothing: say so instead.
    for (const name of [...NETWORKS.flatMap((n) => Object.values(chainEnvNames(n))), 'ONRAMP_HOT_WALLET_PRIVATE_KEY']) {
      if (r.raw(name) !== undefined)
        r.problems.push(
          `${name}: is used only in production mode; the sandbox runs its own chains (unset it or set ONRAMP_MODE=production)`,
        );
    }
    return { ...common, networks: undefined, hotWallet: undefined };
  }
  const ethereum = readChainNetwork(r, 'ETHEREUM');
  const polygon = readChainNetwork(r, 'POLYGON');
  if (ethereum && polygon && ethereum.chainId === polygon.chainId) {
    r.problems.push('ONRAMP_POLYGON_CHAIN_ID: must differ from ONRAMP_ETHEREUM_CHAIN_ID');
  }
  const privateKey = readHotWalletKey(r);
  return {
    ...common,
    networks: ethereum && polygon ? { ETHEREUM: ethereum, POLYGON: polygon } : undefined,
    hotWallet: privateKey ? { privateKey } : undefined,
  };
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
