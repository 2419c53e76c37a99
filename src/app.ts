// buildApp(): database, plugins, modules and jobs, wired from one config. It never listens;
// server.ts does, and tests use app.inject().
import { randomUUID } from 'node:crypto';
import Fastify, { LogController } from 'fastify';
import type { DestinationStream, Logger } from 'pino';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { App } from './app-types.ts';
import { createChains } from './chains/index.ts';
import type { Config } from './config.ts';
import type { AppContext } from './context.ts';
import type { DbHandle } from './db/index.ts';
import { openCheckedDatabase } from './db/open.ts';
import { Jobs } from './jobs/index.ts';
import { systemClock, type Clock } from './lib/clock.ts';
import { createLogger, requestLogger } from './lib/logger.ts';
import { ClientAuthenticator } from './modules/clients/authenticator.ts';
import { EventBus } from './modules/events/publish.ts';
import { UserSessions } from './modules/auth/sessions.ts';
import { chainVerifier } from './modules/auth/signatures.ts';
import { SessionTokens } from './modules/auth/tokens.ts';
import { createMessaging } from './providers/messaging/index.ts';
import { createPlaidProvider } from './providers/plaid/index.ts';
import { createPrices } from './providers/prices/index.ts';
import { createAch } from './modules/ach/index.ts';
import { PayoutService } from './modules/payouts/index.ts';
import { WebhookDelivery } from './modules/webhooks/delivery.ts';
import { createKycProvider } from './providers/kyc/index.ts';
import { SandboxClock } from './sandbox/clock/clock.ts';
import { SandboxInbox } from './sandbox/inbox/store.ts';
import { MODULES } from './modules/index.ts';
import { registerOperatorRoutes } from './operator/routes.ts';
import { addProviderChecks, Readiness } from './modules/ops/readiness.ts';
import { registerOpsRoutes } from './modules/ops/routes.ts';
import { clientAuthPlugin } from './plugins/client-auth.ts';
import { clientErrorHandler, errorsPlugin, frameworkErrors, MAX_PARAM_LENGTH } from './plugins/errors.ts';
import { fingerprintPlugin } from './plugins/fingerprint.ts';
import { Metrics, metricsPlugin } from './plugins/metrics.ts';
import { DOCS_PREFIX, openapiPlugin } from './plugins/openapi.ts';
import { rateLimitPlugin } from './plugins/rate-limit.ts';
import { securityHeadersPlugin } from './plugins/security-headers.ts';
import { userSessionPlugin } from './plugins/user-session.ts';
import { idempotencyPlugin } from './plugins/idempotency.ts';
import { LazySerializers } from './plugins/serialization.ts';
import { LazyValidators } from './plugins/validation.ts';
import { resolveRuntimeSecrets, type RuntimeSecrets } from './runtime-secrets.ts';
import './plugins/types.ts';

export { createLogger, LOG_REDACT_PATHS } from './lib/logger.ts';

export interface BuildOptions {
  config: Config;
  /** An open database (tests pass a fresh clone); otherwise opened from config. */
  dbHandle?: DbHandle;
  /** Apply pending migrations at start (default true). */
  migrate?: boolean;
  /** Where JSON logs go (default stdout); tests capture them. */
  logStream?: DestinationStream;
  clock?: Clock;
  secrets?: RuntimeSecrets;
  /** Run job workers in this process (default: unless config.ops.role is `api`). */
  workers?: boolean;
  jobsPollingIntervalSeconds?: number;
  /** Enables POST /operator/commands for the local CLI (server.ts sets it). */
  operatorToken?: string;
  /**
   * Start the chains when the app becomes ready: production checks its RPC endpoints' chain ids
   * (server.ts asks for it), the sandbox chains replay their history. Otherwise the sandbox chains
   * start on first use: the first request or job that needs a chain waits for their start.
   */
  startChains?: boolean;
}

export interface BuiltApp {
  app: App;
  ctx: AppContext;
  jobs: Jobs;
  /** Set while a graceful shutdown is under way: /readyz answers 503. */
  state: { shuttingDown: boolean };
  /** Response serializers, compiled on first use (compileAll() compiles the rest). */
  serializers: LazySerializers;
  /** Request validators, compiled on first use (compileAll() compiles the rest). */
  validators: LazyValidators;
}

/** This server's own URL once it listens (loopback for a wildcard host), for calls to itself. */
function listeningUrl(app: App | undefined): string | undefined {
  const address = app?.server.address();
  if (!address || typeof address === 'string') return undefined;
  let host = address.address;
  if (host === '0.0.0.0') host = '127.0.0.1';
  else if (host === '::') host = '::1';
  return address.family === 'IPv6' || host.includes(':')
    ? `http://[${host}]:${address.port}`
    : `http://${host}:${address.port}`;
}

/**
 * Several sandbox processes on one PostgreSQL database share the sandbox clock: each picks up a move
 * made through another within a second (the embedded database has one process, nothing to follow).
 */
function followSharedSandboxClock(clock: Clock, dbHandle: DbHandle): () => void {
  if (!(clock instanceof SandboxClock) || dbHandle.kind !== 'postgres') return () => undefined;
  let syncing = false;
  const timer = setInterval(() => {
    if (syncing) return;
    syncing = true;
    clock
      .sync()
      .catch(() => undefined) // the database is unreachable: /readyz says so; the next tick tries again
      .finally(() => (syncing = false));
  }, 1_000);
  timer.unref();
  return () => clearInterval(timer);
}

const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,64}$/;

export async function buildApp(options: BuildOptions): Promise<BuiltApp> {
  const { config } = options;
  const log = createLogger(config, options.logStream);
  const secrets = options.secrets ?? resolveRuntimeSecrets(config);
  // The session keys are imported while the database opens (WebCrypto works on libuv's thread pool).
  const tokens = SessionTokens.create(secrets.jwtSigningKeyPem, config.auth.jwt.issuer, config.auth.jwt.ttlSeconds);
  tokens.catch(() => undefined); // awaited below; a failed open must not leave it unhandled
  const dbHandle = await openDatabase(options);

  // An api process only enqueues; a worker process serves no API routes (docs/scaling.md).
  const role = config.ops.role;
  const workers = options.workers ?? role !== 'api';
  const servesApi = role !== 'worker';
  // The built-in Plaid sandbox is reached over HTTP at this server's own address, once it listens.
  // A worker serves no /sandbox/plaid of its own: it reaches the built-in sandbox of the chains' process.
  let app: App | undefined;
  const plaidSandboxUrl = () => (servesApi ? listeningUrl(app) : config.ops.sandboxUrl);
  const ctx = await createContext({ options, log, secrets, dbHandle, tokens, workers, plaidSandboxUrl });
  const state = { shuttingDown: false };

  const serializers = new LazySerializers();
  app = createFastify(config, log, serializers);
  const validators = new LazyValidators();
  configureRequests(app, state, validators);
  await registerBasePlugins(app, ctx);
  if (servesApi) await registerApiPlugins(app, ctx);
  registerRoutesAndJobs(app, ctx, state, options, servesApi);
  addLifecycleHooks(app, ctx, options, workers);

  return { app, ctx, jobs: ctx.jobs, state, serializers, validators };
}

/** The given database, or the configured one; either way reachable, migrated and of this mode. */
function openDatabase(options: BuildOptions): Promise<DbHandle> {
  return openCheckedDatabase(options.config, { dbHandle: options.dbHandle, migrate: options.migrate !== false });
}

/** The AppContext: clock, jobs, sessions, providers and services, built once and shared by every module. */
async function createContext(parts: {
  options: BuildOptions;
  log: Logger;
  secrets: RuntimeSecrets;
  dbHandle: DbHandle;
  tokens: Promise<SessionTokens>;
  workers: boolean;
  plaidSandboxUrl: () => string | undefined;
}): Promise<AppContext> {
  const { options, log, secrets, dbHandle } = parts;
  const { config } = options;
  const baseClock = options.clock ?? systemClock;
  // Sandbox time runs ahead of real time by the offset partners add with POST /sandbox/clock:advance.
  const clock: Clock = config.mode === 'sandbox' ? await SandboxClock.open(dbHandle.db, baseClock) : baseClock;
  const jobs = new Jobs(dbHandle, {
    pollingIntervalSeconds: options.jobsPollingIntervalSeconds ?? 1,
    log,
    supervise: parts.workers,
  });
  const tokens = await parts.tokens;
  const inbox = new SandboxInbox(dbHandle.db, clock);
  const chains = await createChains({ config, db: dbHandle.db, keyring: secrets.keyring, clock, log });
  const plaid = createPlaidProvider(config, secrets.keyring, parts.plaidSandboxUrl);
  const metrics = new Metrics(dbHandle.poolCounts);
  const ctx: AppContext = {
    config,
    db: dbHandle.db,
    dbHandle,
    log,
    clock,
    secrets,
    jobs,
    events: new EventBus(dbHandle.db, jobs),
    clientAuth: new ClientAuthenticator(dbHandle.db, clock, config.clients.cacheTtlMs, config.mode),
    sessions: new UserSessions(dbHandle.db, clock, tokens, config.auth),
    evmVerifier: chainVerifier(chains.publicClient('ETHEREUM')),
    messaging: createMessaging(config.messaging, inbox, config.auth.otp.ttlSeconds),
    inbox,
    chains,
    plaid,
    prices: createPrices(config.prices, clock),
    ach: createAch({ db: dbHandle.db, clock, config: config.ach, plaid, jobs, log }),
    payouts: new PayoutService({ clock, jobs }),
    kyc: createKycProvider(config.onboarding, { plaid, clock, log }),
    webhooks: new WebhookDelivery({ config, db: dbHandle.db, clock, jobs, log, metrics, secrets }),
    metrics,
    readiness: new Readiness(config.ops.readiness.timeoutMs),
  };
  addProviderChecks(ctx);
  return ctx;
}

function createFastify(config: Config, log: Logger, serializers: LazySerializers): App {
  return Fastify({
    loggerInstance: log,
    childLoggerFactory: requestLogger,
    schemaController: { compilersFactory: { buildSerializer: serializers.factory } },
    // metricsPlugin logs one line per request (probes at debug) instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.http.bodyLimitBytes,
    trustProxy: config.http.trustProxy,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID_RE.test(given) ? given : `req_${randomUUID()}`;
    },
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors,
    clientErrorHandler,
    // Start-up work in onReady (sandbox chains, pg-boss's schema, module start hooks) can take longer
    // than Fastify's default 10 s on a busy or slow machine (first start on a small VM, CI under
    // load); each step has its own bounded timeouts, so this only stops a start that truly hangs.
    pluginTimeout: 180_000,
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;
}

/** Validation, accepted bodies, and the request id and shutdown headers on every response. */
function configureRequests(app: App, state: BuiltApp['state'], validators: LazyValidators): void {
  app.setValidatorCompiler(validators.compiler);
  // Only JSON bodies are accepted: anything else is 415.
  app.removeContentTypeParser('text/plain');
  app.addHook('onSend', (request, reply, _payload, done) => {
    reply.header('x-request-id', request.id);
    // A keep-alive connection busy when shutdown began would otherwise linger until its timeout.
    if (state.shuttingDown) reply.header('connection', 'close');
    done();
  });
  app.addHook('preClose', async () => {
    state.shuttingDown = true;
  });
}

/** The plugins every process has: error bodies, security headers, metrics and the request log line. */
async function registerBasePlugins(app: App, ctx: AppContext): Promise<void> {
  const { config } = ctx;
  await app.register(errorsPlugin);
  await app.register(securityHeadersPlugin, { publicUrl: config.http.publicUrl, docsPrefix: DOCS_PREFIX });
  await app.register(metricsPlugin, { metrics: ctx.metrics, config });
}

/** What serving the API adds: rate limits, authentication, idempotency, the OpenAPI document and schemas. */
async function registerApiPlugins(app: App, ctx: AppContext): Promise<void> {
  const { config } = ctx;
  await app.register(rateLimitPlugin, { config: config.rateLimit });
  await app.register(clientAuthPlugin, { authenticator: ctx.clientAuth });
  await app.register(userSessionPlugin, { sessions: ctx.sessions });
  await app.register(idempotencyPlugin, { db: ctx.db, clock: ctx.clock });
  await app.register(fingerprintPlugin);
  await app.register(openapiPlugin, { config });
  for (const module of MODULES) for (const schema of module.schemas ?? []) app.addSchema(schema);
}

/** Ops (and operator) routes in every process; each module's routes where the API is served, its jobs everywhere. */
function registerRoutesAndJobs(
  app: App,
  ctx: AppContext,
  state: BuiltApp['state'],
  options: BuildOptions,
  servesApi: boolean,
): void {
  registerOpsRoutes(app, ctx, state);
  if (options.operatorToken) registerOperatorRoutes(app, ctx, options.operatorToken);
  for (const module of MODULES) {
    if (servesApi) module.routes?.(app, ctx);
    module.jobs?.(ctx);
  }
}

/** Start: chains (when asked), jobs, module start hooks. Close: the same in reverse, then the database. */
function addLifecycleHooks(app: App, ctx: AppContext, options: BuildOptions, workers: boolean): void {
  const { chains, jobs, dbHandle } = ctx;
  const stopClockSync = followSharedSandboxClock(ctx.clock, dbHandle);
  app.addHook('onReady', async () => {
    if (options.startChains) await chains.start();
    await jobs.start({ workers });
    if (workers) for (const module of MODULES) await module.start?.(ctx);
  });
  app.addHook('onClose', async () => {
    stopClockSync();
    await jobs.stop();
    await ctx.messaging.close();
    // Before the database closes: the sandbox chains record what is still being submitted.
    await chains.close();
    if (!options.dbHandle) await dbHandle.close();
  });
}
