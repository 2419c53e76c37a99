// The rehearsal itself (scripts/rehearsal.ts starts it in a process that trusts the test CA): the
// sandbox onramp in this process, the production onramp as a child process on PostgreSQL, the
// stand-ins, the walk, the summary. docs/rehearsal.md explains what each piece plays.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { parseEther } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { buildApp, type BuiltApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { generatedKeysEnv } from '../../src/runtime-secrets.ts';
import { SANDBOX_CHAIN_IDS } from '../../src/sandbox/chains/sandbox-chains.ts';
import { sandboxChainsOf } from '../../src/sandbox/chains/smart-wallets.ts';
import { SandboxClock } from '../../src/sandbox/clock/clock.ts';
import { settleAfterMove } from '../../src/sandbox/clock/routes.ts';
import { SANDBOX_IDV_TEMPLATE_ID } from '../../src/sandbox/plaid/idv-template.ts';
import { coinbaseStandIn, smtpStandIn, twilioStandIn } from './stand-ins.ts';
import { freePort, httpsFront, type Listening, readTestTls, type TestTls } from './tls.ts';
import { log, startProduction, stopChild } from './production.ts';
import { walk, type WalkWorld } from './walk.ts';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');

interface Sandbox {
  built: BuiltApp;
  port: number;
  clock: SandboxClock;
  plaid: { clientId: string; secret: string };
}

/** The sandbox onramp that plays Plaid and the chains, in this process (so the harness can fund and move its clock). */
async function startSandbox(dir: string, productionFront: number): Promise<Sandbox> {
  const port = await freePort();
  const plaid = { clientId: 'rehearsal-plaid-client', secret: randomBytes(24).toString('hex') };
  const config = loadConfig({
    ONRAMP_MODE: 'sandbox',
    HOST: '127.0.0.1',
    PORT: String(port),
    ONRAMP_STATE_DIR: path.join(dir, 'sandbox'),
    ONRAMP_SANDBOX_CACHE_DIR: path.join(root, '.onramp', 'cache'),
    ONRAMP_PLAID_CLIENT_ID: plaid.clientId,
    ONRAMP_PLAID_SECRET: plaid.secret,
    // The "Plaid dashboard" of this sandbox points at the production onramp (Transfer and IDV webhooks).
    ONRAMP_SANDBOX_PLAID_WEBHOOK_URL: `https://localhost:${productionFront}/webhooks/plaid`,
    LOG_LEVEL: 'warn',
  });
  const logStream = fs.createWriteStream(path.join(dir, 'sandbox.log'));
  const built = await buildApp({ config, logStream, startChains: true });
  await built.app.listen({ host: '127.0.0.1', port });
  if (!(built.ctx.clock instanceof SandboxClock)) throw new Error('the sandbox onramp has no sandbox clock');
  return { built, port, clock: built.ctx.clock, plaid };
}

async function createDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `onramp_rehearsal_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const a = new pg.Client({ connectionString: serverUrl });
      await a.connect();
      await a.query(`drop database if exists "${name}" with (force)`);
      await a.end();
    },
  };
}

function productionEnv(args: {
  tls: TestTls;
  port: number;
  front: number;
  databaseUrl: string;
  sandbox: Sandbox;
  sandboxFront: number;
  twilio: { port: number; sid: string; token: string };
  smtp: { port: number };
  coinbase: { port: number };
  hotWallet: Record<string, string>;
  metricsToken: string;
}): Record<string, string> {
  const s = args.sandbox;
  const rpc = (network: string) => `https://localhost:${args.sandboxFront}/sandbox/rpc/${network}`;
  const chains = sandboxChainsOf(s.built.ctx);
  return {
    ONRAMP_MODE: 'production',
    HOST: '127.0.0.1',
    PORT: String(args.port),
    ONRAMP_PUBLIC_URL: `https://localhost:${args.front}`,
    ONRAMP_TRUST_PROXY: 'true',
    DATABASE_URL: args.databaseUrl,
    ...args.hotWallet,
    ONRAMP_TERMS_OF_USE_URL: 'https://example.com/terms',
    ONRAMP_BRAND_NAME: 'Rehearsal Onramp',
    ONRAMP_PLAID_BASE_URL: `https://localhost:${args.sandboxFront}/sandbox/plaid`,
    ONRAMP_PLAID_CLIENT_ID: s.plaid.clientId,
    ONRAMP_PLAID_SECRET: s.plaid.secret,
    ONRAMP_KYC_PROVIDER: 'plaid',
    ONRAMP_PLAID_IDV_TEMPLATE_ID: SANDBOX_IDV_TEMPLATE_ID,
    ONRAMP_KYC_POLL_SECONDS: '5',
    ONRAMP_ACH_PROVIDER: 'plaid',
    ONRAMP_ACH_POLL_SECONDS: '5',
    ONRAMP_SMS_PROVIDER: 'twilio',
    ONRAMP_TWILIO_BASE_URL: `https://localhost:${args.twilio.port}`,
    ONRAMP_TWILIO_ACCOUNT_SID: args.twilio.sid,
    ONRAMP_TWILIO_AUTH_TOKEN: args.twilio.token,
    ONRAMP_TWILIO_FROM: '+15005550006',
    ONRAMP_EMAIL_PROVIDER: 'smtp',
    ONRAMP_SMTP_URL: `smtps://mailer:rehearsal-pass@localhost:${args.smtp.port}`,
    ONRAMP_EMAIL_FROM: 'Rehearsal Onramp <no-reply@example.com>',
    ONRAMP_PRICE_PROVIDER: 'coinbase',
    ONRAMP_COINBASE_BASE_URL: `https://localhost:${args.coinbase.port}`,
    ONRAMP_PRICE_CACHE_MS: '0',
    ONRAMP_ETHEREUM_RPC_URL: rpc('ethereum'),
    ONRAMP_ETHEREUM_CHAIN_ID: String(SANDBOX_CHAIN_IDS.ETHEREUM),
    ONRAMP_ETHEREUM_USDC_ADDRESS: chains.usdcAddress('ETHEREUM'),
    ONRAMP_ETHEREUM_CONFIRMATIONS: '1',
    ONRAMP_POLYGON_RPC_URL: rpc('polygon'),
    ONRAMP_POLYGON_CHAIN_ID: String(SANDBOX_CHAIN_IDS.POLYGON),
    ONRAMP_POLYGON_USDC_ADDRESS: chains.usdcAddress('POLYGON'),
    ONRAMP_POLYGON_CONFIRMATIONS: '1',
    ONRAMP_METRICS_TOKEN: args.metricsToken,
    NODE_EXTRA_CA_CERTS: args.tls.caFile,
    LOG_LEVEL: 'info',
  };
}

export async function runRehearsal(dir: string): Promise<number> {
  const serverUrl = process.env.REHEARSAL_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!serverUrl) {
    log('REHEARSAL_DATABASE_URL (or DATABASE_URL) must name a PostgreSQL server where a database may be created');
    return 2;
  }
  const tls = readTestTls(dir);
  // Closed last-in first-out (the production onramp first); the database is dropped after all of them.
  const closers: Array<() => Promise<void>> = [];
  let dropDatabase: (() => Promise<void>) | undefined;
  const started = Date.now();
  try {
    log('▶ the stand-ins: Twilio, SMTP and Coinbase over TLS (a throw-away CA in NODE_EXTRA_CA_CERTS)');
    const twilioAccount = { sid: `AC${randomBytes(16).toString('hex')}`, token: randomBytes(16).toString('hex') };
    const twilio = await twilioStandIn(tls, twilioAccount);
    const smtp = await smtpStandIn(tls, { user: 'mailer', pass: 'rehearsal-pass' });
    const coinbase = await coinbaseStandIn(tls, { ETH: '2000.00', USDC: '1.00', POL: '0.50' });
    closers.push(twilio.close, smtp.close, coinbase.close);

    const port = await freePort();
    const front: Listening = await httpsFront(tls, port);
    closers.push(front.close);
    log('▶ the sandbox onramp (PGlite): Plaid at /sandbox/plaid, the chains at /sandbox/rpc/*, behind HTTPS');
    const sandbox = await startSandbox(dir, front.port);
    closers.push(() => sandbox.built.app.close());
    const sandboxFront = await httpsFront(tls, sandbox.port);
    closers.push(sandboxFront.close);

    log('▶ a hot wallet, funded on the sandbox chains');
    const hotWallet = generatedKeysEnv({ hotWallet: true });
    const hot = privateKeyToAccount(hotWallet.ONRAMP_HOT_WALLET_PRIVATE_KEY as `0x${string}`);
    const chains = sandboxChainsOf(sandbox.built.ctx);
    for (const network of ['ETHEREUM', 'POLYGON'] as const)
      await chains.fund(network, hot.address, { wei: parseEther('20'), usdcUnits: 100_000n * 10n ** 6n });
    log(`  ${hot.address}: 20 ETH and 100,000 USDC on Ethereum, 20 POL and 100,000 USDC on Polygon`);

    const database = await createDatabase(serverUrl);
    if (process.env.REHEARSAL_KEEP !== '1') dropDatabase = database.drop;
    log(`▶ the production onramp: ONRAMP_MODE=production on PostgreSQL (${new URL(database.url).pathname.slice(1)})`);
    const env = productionEnv({
      tls,
      port,
      front: front.port,
      databaseUrl: database.url,
      sandbox,
      sandboxFront: sandboxFront.port,
      twilio: { port: twilio.port, ...twilioAccount },
      smtp,
      coinbase,
      hotWallet,
      metricsToken: randomBytes(32).toString('hex'),
    });
    const production = await startProduction(dir, env, port, front.port);
    closers.push(() => stopChild(production.child));

    const world: WalkWorld = { production, sandbox, twilio, smtp, coinbase, settle: (days) => advance(sandbox, days) };
    const summary = await walk(world);
    log(JSON.stringify({ ok: true, seconds: Math.round((Date.now() - started) / 1000), ...summary }));
    return 0;
  } catch (error) {
    log(`✖ ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    log(`  logs: ${dir}/production.log, ${dir}/sandbox.log (REHEARSAL_KEEP=1 keeps them)`);
    log(JSON.stringify({ ok: false, error: error instanceof Error ? error.message : String(error) }));
    return 1;
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await dropDatabase?.().catch(() => undefined);
  }
}

/** Days pass on the sandbox onramp (Plaid's side): its transfers move and Plaid's webhooks go out. */
async function advance(sandbox: Sandbox, days: number): Promise<void> {
  await sandbox.clock.advance(days * 86_400_000);
  await settleAfterMove(sandbox.built.ctx, sandbox.clock);
}
