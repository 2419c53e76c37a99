// What start-up leaves for later (docs/performance.md): heavy packages that only some requests need,
// loaded when first used — an app built the way main.ts builds it must not have loaded them —,
// response serializers and request validators, compiled on their first use, and the sandbox chains
// and the Plaid client, left alone by an idle server with workers (payout start job, hot-wallet
// gauges, the ACH poll) until something uses them.
import assert from 'node:assert/strict';
import inspector from 'node:inspector/promises';
import { after, before, describe, it } from 'node:test';
import { NETWORKS } from '../src/chains/networks.ts';
import { refreshBusinessMetrics } from '../src/modules/ops/index.ts';
import { SEND_QUEUE } from '../src/modules/payouts/queues.ts';
import { baseUrl, startTestApp, type TestApp } from './helpers.ts';

const LOADED_ON_FIRST_USE = [
  'plaid', // the first Plaid call (providers/plaid)
  '@scalar/fastify-api-reference', // the first request for /docs (plugins/openapi.ts)
  'marked', // the first request for a guide (modules/docs/guides.ts)
  'solc', // never: the sandbox contracts ship compiled
  'hardhat', // the sandbox chains' start
  'nodemailer', // the SMTP email provider
];

/** node_modules packages whose scripts this process has loaded so far. */
async function loadedPackages(): Promise<Set<string>> {
  const session = new inspector.Session();
  session.connect();
  const urls: string[] = [];
  // Enabling the debugger reports every script already parsed.
  session.on('Debugger.scriptParsed', (message) => urls.push(message.params.url));
  await session.post('Debugger.enable');
  await session.post('Debugger.disable');
  session.disconnect();
  const packages = new Set<string>();
  for (const url of urls) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    if (match) packages.add(match[1]!);
  }
  return packages;
}

describe('start-up loads only what start-up needs', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ listen: true });
  });
  after(() => t.close());

  it('does not load the packages that are loaded on first use', async () => {
    const loaded = await loadedPackages();
    assert.ok(loaded.has('fastify'), 'the inspector sees loaded packages');
    assert.deepEqual(
      LOADED_ON_FIRST_USE.filter((name) => loaded.has(name)),
      [],
    );
  });

  it('compiles response serializers on first use, and every one of them compiles', async () => {
    const config = await t.app.inject({ method: 'GET', url: '/v1/config', headers: t.clientHeaders });
    assert.equal(config.statusCode, 200);
    assert.ok(t.serializers.compileAll() > 100, 'most serializers were left for later');
    assert.equal(t.serializers.compileAll(), 0);
  });

  it('compiles request validators on first use, and every one of them compiles', async () => {
    const invalid = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/cryptoWallet:start',
      headers: t.clientHeaders,
      payload: {},
    });
    assert.equal(invalid.statusCode, 400, 'a validator compiled on its first request rejects a bad body');
    assert.ok(t.validators.compileAll() > 50, 'most validators were left for later');
    assert.equal(t.validators.compileAll(), 0);
  });

  it('loads the docs renderer when /docs is first asked for', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/docs/' });
    assert.equal(page.statusCode, 200);
    assert.ok((await loadedPackages()).has('@scalar/fastify-api-reference'));
  });

  it('loads the markdown renderer when a guide is first asked for', async () => {
    const index = await t.app.inject({ method: 'GET', url: '/docs/guides' });
    assert.equal(index.statusCode, 200);
    assert.equal((await loadedPackages()).has('marked'), false, 'the index lists the guides without rendering them');
    const page = await t.app.inject({ method: 'GET', url: '/docs/guides/quickstart' });
    assert.equal(page.statusCode, 200);
    assert.ok((await loadedPackages()).has('marked'));
  });
});

describe('an idle sandbox server leaves its chains for their first use', () => {
  let t: TestApp;
  const metrics = async () => (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
  before(async () => {
    // As `npm start` builds it in sandbox mode (server.ts): workers, module start hooks, no chains' start.
    t = await startTestApp({ listen: true, workers: true, build: { startChains: false } });
  });
  after(() => t.close());

  it('sends no payout job with no payout to send, reads no chain for the gauges, and does not start the chains', async () => {
    // The payout module's start (awaited by the app's start) sends its sender jobs, or not, before ready.
    const sent = await t.db.db
      .selectFrom('pgboss.job' as never)
      .select(['name' as never])
      .where('name' as never, '=', SEND_QUEUE as never)
      .execute();
    assert.deepEqual(sent, []);
    await refreshBusinessMetrics(t.ctx);
    const text = await metrics();
    assert.match(text, /^onramp_payout_sender_halted\{network="ETHEREUM"\} 0$/m, 'the gauges were refreshed');
    assert.doesNotMatch(text, /^onramp_hot_wallet_(balance|nonce_lag)\{/m);
    assert.match(text, /# HELP onramp_hot_wallet_balance .*unset until the sandbox chains have started/);
    assert.deepEqual(
      NETWORKS.filter((n) => t.ctx.chains.started(n)),
      [],
    );
    assert.equal((await loadedPackages()).has('hardhat'), false);
    assert.equal(t.logs.records().filter((r) => r.msg === 'sandbox chains started').length, 0);
  });

  it('does not load the Plaid client for the ACH poll before any debit exists', async () => {
    // What the poll job (every ONRAMP_ACH_POLL_SECONDS) runs.
    await t.ctx.ach.sync();
    assert.equal((await loadedPackages()).has('plaid'), false);
  });

  it('starts them on the first call to a chain, and the gauges read the hot wallet from then on', async () => {
    const res = await fetch(`${baseUrl(t)}/sandbox/rpc/ethereum`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_blockNumber', params: [] }),
    });
    assert.equal(res.status, 200);
    assert.match(String(((await res.json()) as { result?: unknown }).result), /^0x[0-9a-f]+$/);
    assert.deepEqual(
      NETWORKS.filter((n) => t.ctx.chains.started(n)),
      NETWORKS,
    );
    assert.ok((await loadedPackages()).has('hardhat'));
    assert.equal(t.logs.records().filter((r) => r.msg === 'sandbox chains started').length, 1);
    await refreshBusinessMetrics(t.ctx);
    const balance = /^onramp_hot_wallet_balance\{network="POLYGON",asset="USDC"\} (\S+)$/m.exec(await metrics());
    assert.ok(balance && Number(balance[1]) > 0, 'the funded hot wallet is reported');
  });
});
