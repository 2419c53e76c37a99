// Runs the server (`npm start`, `onramp serve`): builds the app from a loaded config, listens, prints
// the banner, and shuts down gracefully on SIGTERM/SIGINT.
import { buildApp } from './app.ts';
import type { Chains } from './chains/types.ts';
import type { Config } from './config.ts';
import { type KeyRing, newSecret } from './lib/crypto.ts';
import { inboxReadToken } from './sandbox/inbox/read-token.ts';
import { ensureDemoClient, type DemoCredentials } from './modules/clients/ensure-demo-client.ts';
import { metricsPlacement, startMetricsServer } from './plugins/metrics.ts';
import { readLiveInstance, removeInstance, writeInstance } from './operator/instance.ts';
import { demoSignInLink } from './modules/dashboard/demo.ts';

function banner(
  config: Config,
  address: string,
  demo: DemoCredentials | undefined,
  chains: Chains,
  keyring: KeyRing,
  dashboardLink: string | undefined,
): string {
  const database = `  Database     ${config.db.url ? 'PostgreSQL server (DATABASE_URL)' : `embedded PGlite at ${config.db.dataDir}`}`;
  const { role } = config.ops;
  if (role === 'worker')
    return `${[
      '',
      `  onramp worker is running in ${config.mode} mode: jobs and periodic tasks, no API`,
      '',
      `  Health       ${address}/healthz, ${address}/readyz`,
      `  Metrics      ${metricsLine(config, address)}`,
      database,
    ].join('\n')}\n`;
  const lines = [
    '',
    `  onramp is running in ${config.mode} mode${role === 'api' ? ' (role api: no jobs run here)' : ''}`,
    '',
    `  API          ${address}`,
    `  Docs         ${address}/docs`,
    `  OpenAPI      ${address}/v1/api-docs`,
    `  Dashboard    ${address}/dashboard`,
    `  Metrics      ${metricsLine(config, address)}`,
    database,
  ];
  if (config.ops.sandboxUrl)
    lines.push(`  Chains       the sandbox chains of ${config.ops.sandboxUrl} (ONRAMP_SANDBOX_URL)`);
  else if (config.mode === 'sandbox') {
    lines.push(
      `  Chains       ${address}/sandbox/rpc/ethereum (chain id ${chains.chainId('ETHEREUM')}), ${address}/sandbox/rpc/polygon (chain id ${chains.chainId('POLYGON')})`,
      `               USDC ${chains.usdcAddress('ETHEREUM')} on both (docs/chains.md)`,
    );
    if (config.plaid.baseUrl === undefined) {
      lines.push(
        `  Plaid        ${address}/sandbox/plaid (Plaid-compatible sandbox), Link page ${address}/sandbox/link?token=… (docs/plaid-sandbox.md)`,
      );
    }
  }
  if (demo) {
    lines.push(
      '',
      '  Demo client (sandbox)',
      `  ratio-client-id:      ${demo.clientId}`,
      `  ratio-client-secret:  ${demo.clientSecret}`,
      `  Sandbox inbox:        ${address}/sandbox/inbox#token=${inboxReadToken(keyring, demo.clientId)}`,
      '',
      '  Try it:',
      `  curl -H 'ratio-client-id: ${demo.clientId}' -H 'ratio-client-secret: ${demo.clientSecret}' ${address}/v1/config`,
    );
  }
  if (dashboardLink) {
    lines.push(
      '',
      `  Dashboard sign-in for the demo client's admin (one use, valid ${Math.round(config.dashboard.signInLinkTtlSeconds / 60)} minutes):`,
      `  ${address}${dashboardLink}`,
      '  (a new link at every start; or `npm run cli -- dashboard sign-in-link --client ID --email demo-admin@example.com`)',
    );
  }
  return `${lines.join('\n')}\n`;
}

function metricsLine(config: Config, address: string): string {
  const { port, host, token } = config.ops.metrics;
  switch (metricsPlacement(config)) {
    case 'port':
      return `http://${host}:${port}/metrics${token ? ' (bearer token)' : ''}`;
    case 'off':
      return 'off: set ONRAMP_METRICS_TOKEN or ONRAMP_METRICS_PORT (docs/operations.md)';
    case 'api':
      return `${address}/metrics (${token ? 'bearer token' : 'loopback clients only'})`;
  }
}

export async function serve(config: Config): Promise<void> {
  const running = config.db.url ? undefined : readLiveInstance(config);
  if (running) {
    process.stderr.write(
      `Another onramp server (pid ${running.pid}, ${running.url}) is using the embedded database at ${config.db.dataDir}.\n` +
        'Stop it first, or set ONRAMP_STATE_DIR / ONRAMP_DATA_DIR to use another one.\n',
    );
    process.exit(1);
  }
  const operatorToken = newSecret('op_');
  // The sandbox chains start on first use: the first request or job that needs them waits for their
  // start (Hardhat/EDR and the replay: most of a second, ~55 MB an idle sandbox does not hold).
  // Production's start checks each endpoint's chain id and refuses to start on a wrong one.
  const startChains = config.mode === 'production';
  const { app, ctx, state } = await buildApp({ config, operatorToken, startChains });
  if (metricsPlacement(config) === 'off')
    ctx.log.warn(
      'metrics are off: set ONRAMP_METRICS_TOKEN or ONRAMP_METRICS_PORT to serve /metrics (docs/operations.md)',
    );
  const closeMetrics =
    metricsPlacement(config) === 'port' ? await startMetricsServer(ctx.metrics, config, ctx.log) : undefined;
  const demo =
    config.mode === 'sandbox' && config.ops.role !== 'worker'
      ? await ensureDemoClient(ctx.db, config, ctx.clock)
      : undefined;
  await app.listen({ host: config.http.host, port: config.http.port });
  const port = (app.server.address() as { port: number }).port;
  writeInstance(config, {
    pid: process.pid,
    url: `http://127.0.0.1:${port}`,
    operatorToken,
    dataDir: config.db.dataDir,
    startedAt: new Date().toISOString(),
  });
  const address =
    config.http.publicUrl.replace(/:\d+$/, '') === config.http.publicUrl
      ? config.http.publicUrl
      : config.http.publicUrl.replace(/:\d+$/, `:${port}`);
  const dashboardLink = demo ? (await demoSignInLink(ctx, demo.clientId)).path : undefined;
  process.stdout.write(banner(config, address, demo, ctx.chains, ctx.secrets.keyring, dashboardLink));

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    state.shuttingDown = true;
    ctx.log.info({ signal }, 'shutting down: finishing in-flight requests');
    const timer = setTimeout(() => {
      ctx.log.error({ graceMs: config.http.shutdownGraceMs }, 'shutdown grace period over; exiting');
      process.exit(1);
    }, config.http.shutdownGraceMs);
    timer.unref();
    Promise.all([app.close(), closeMetrics?.()]).then(
      () => {
        removeInstance(config);
        ctx.log.info('shutdown complete');
        process.exit(0);
      },
      (error: unknown) => {
        ctx.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}
