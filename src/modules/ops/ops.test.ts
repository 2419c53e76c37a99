// Roles, the metrics endpoint and its access rules, route labels, request logs and readiness.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openapiPath, startMetricsServer } from '../../plugins/metrics.ts';
import { baseUrl, startTestApp, testConfig, type TestApp } from '../../../test/helpers.ts';
import { configProblems } from '../../../test/chain-env.ts';

// A PostgreSQL URL the config accepts; the test apps run on their own database handle and never use it.
const SERVER_DB = { DATABASE_URL: 'postgres://onramp@db.invalid/onramp' };
const TOKEN = 'metrics-token-0123456789abcdef0123456789';

describe('process roles', () => {
  it('keeps sandbox mode on the embedded database one process, and says why', () => {
    const problems = configProblems({ ONRAMP_ROLE: 'worker' });
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /^ONRAMP_ROLE: sandbox mode on the embedded database runs as one process/);
    assert.match(
      configProblems({ ONRAMP_ROLE: 'api', ONRAMP_SANDBOX_URL: 'http://x.test' }).join('\n'),
      /needs DATABASE_URL/,
    );
  });

  it('asks a sandbox worker on PostgreSQL where the sandbox chains run', () => {
    const problems = configProblems({ ...SERVER_DB, ONRAMP_ROLE: 'worker' });
    assert.match(problems.join('\n'), /^ONRAMP_SANDBOX_URL: is required for a sandbox worker/m);
    assert.equal(testConfig({ ...SERVER_DB, ONRAMP_ROLE: 'api' }).ops.role, 'api');
    assert.match(configProblems({ ONRAMP_ROLE: 'cook' }).join('\n'), /ONRAMP_ROLE: must be one of api, worker, all/);
    assert.match(
      configProblems({ ONRAMP_METRICS_TOKEN: 'short' }).join('\n'),
      /ONRAMP_METRICS_TOKEN: must be at least 32/,
    );
  });

  describe('a worker process', () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp({
        env: { ...SERVER_DB, ONRAMP_ROLE: 'worker', ONRAMP_SANDBOX_URL: 'http://127.0.0.1:9' },
        build: { workers: undefined },
      });
    });
    after(() => t.close());

    it('runs jobs and serves only the probes and /metrics', async () => {
      assert.equal(t.jobs.runsWorkers, true);
      for (const url of ['/healthz', '/readyz', '/metrics'])
        assert.equal((await t.app.inject({ method: 'GET', url })).statusCode, 200, url);
      for (const url of ['/v1/config', '/docs', '/v1/api-docs', '/sandbox/clock']) {
        const res = await t.app.inject({ method: 'GET', url, headers: t.clientHeaders });
        assert.equal(res.statusCode, 404, url);
        assert.equal(res.json().code, 'NOT_FOUND_ENDPOINT');
      }
      const rpc = await t.app.inject({ method: 'POST', url: '/sandbox/rpc/ethereum', payload: '{}' });
      assert.equal(rpc.statusCode, 404);
    });
  });

  describe('an api process', () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp({ env: { ...SERVER_DB, ONRAMP_ROLE: 'api' }, build: { workers: undefined } });
    });
    after(() => t.close());

    it('answers the API and runs no jobs', async () => {
      assert.equal(t.jobs.runsWorkers, false);
      assert.equal(
        (await t.app.inject({ method: 'GET', url: '/v1/config', headers: t.clientHeaders })).statusCode,
        200,
      );
    });
  });
});

describe('GET /metrics', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it('labels requests with the OpenAPI path, as /v1/api-docs lists it', async () => {
    const user = '00000000-0000-4000-8000-000000000000';
    await t.app.inject({
      method: 'POST',
      url: `/v1/users/${user}:calculateAchLimits`,
      headers: t.clientHeaders,
      payload: {},
    });
    await t.app.inject({ method: 'GET', url: `/v1/users/${user}/banks/${user}`, headers: t.clientHeaders });
    const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    const doc = (await t.app.inject({ method: 'GET', url: '/v1/api-docs' })).json() as {
      paths: Record<string, unknown>;
    };
    for (const route of ['/v1/users/{userId}:calculateAchLimits', '/v1/users/{userId}/banks/{bankId}']) {
      assert.ok(text.includes(`route="${route}"`), `${route} in /metrics`);
      assert.ok(route in doc.paths, `${route} in /v1/api-docs`);
    }
    assert.ok(!text.includes('(^[^:]+)'), 'no Fastify route syntax in labels');
    assert.equal(
      openapiPath('/v1/users/:userId/banks/:bankId(^[^:]+)::requestLink'),
      '/v1/users/{userId}/banks/{bankId}:requestLink',
    );
    assert.equal(openapiPath('/v1/auth/cryptoWallet::start'), '/v1/auth/cryptoWallet:start');
  });

  it('answers loopback clients only, without a token in sandbox mode', async () => {
    assert.equal((await t.app.inject({ method: 'GET', url: '/metrics' })).statusCode, 200);
    const proxied = await t.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    assert.equal(proxied.statusCode, 404);
    const remote = await t.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.9' });
    assert.equal(remote.statusCode, 404);
  });

  it('logs one line per request at info, probes at debug', async () => {
    await t.app.inject({ method: 'GET', url: '/v1/config', headers: t.clientHeaders });
    await t.app.inject({ method: 'GET', url: '/healthz' });
    const lines = t.logs.records().filter((r) => r.msg === 'request');
    const config = lines.filter((r) => r.route === '/v1/config');
    assert.equal(config.length, 1);
    assert.equal(config[0]!.level, 30);
    assert.equal(config[0]!.status, 200);
    assert.equal(config[0]!.client, t.client.id);
    assert.ok(!lines.some((r) => r.route === '/healthz'), 'probes are not logged at info');
    assert.ok(!t.logs.records().some((r) => r.msg === 'incoming request'), "Fastify's own request lines are off");
  });
});

describe('GET /metrics with a token', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ env: { ONRAMP_METRICS_TOKEN: TOKEN } });
  });
  after(() => t.close());

  it('asks for the bearer token, even from loopback', async () => {
    const none = await t.app.inject({ method: 'GET', url: '/metrics' });
    assert.equal(none.statusCode, 401);
    assert.equal(none.json().code, 'MISSING_AUTHORIZATION');
    const wrong = await t.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${TOKEN}x` },
    });
    assert.equal(wrong.statusCode, 401);
    assert.equal(wrong.json().code, 'INVALID_AUTHORIZATION');
    const right = await t.app.inject({
      method: 'GET',
      url: '/metrics',
      remoteAddress: '203.0.113.9',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(right.statusCode, 200);
    assert.match(right.body, /onramp_http_requests_total/);
  });
});

describe('GET /metrics on its own port', () => {
  let t: TestApp;
  let close: () => Promise<void>;
  before(async () => {
    t = await startTestApp({ env: { ONRAMP_METRICS_PORT: '9464', ONRAMP_METRICS_TOKEN: TOKEN } });
  });
  after(async () => {
    await close?.();
    await t.close();
  });

  it('serves it there only, with the token', async () => {
    assert.equal((await t.app.inject({ method: 'GET', url: '/metrics' })).statusCode, 404);
    // Port 0 is "any free port" for the test; operators give a real one.
    const config = { ...t.config, ops: { ...t.config.ops, metrics: { ...t.config.ops.metrics, port: 0 } } };
    let url = '';
    const log = { info: (o: { metrics: string }) => (url = `http://${o.metrics}/metrics`), error: () => undefined };
    close = await startMetricsServer(t.ctx.metrics, config, log as never);
    assert.equal((await fetch(url)).status, 401);
    const ok = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(ok.status, 200);
    assert.match(await ok.text(), /onramp_process_cpu_seconds_total/);
    assert.equal((await fetch(url.replace('/metrics', '/v1/config'))).status, 404);
  });
});

describe('GET /readyz?full=1', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ listen: true, env: { ONRAMP_READINESS_TIMEOUT_MS: '20000' } });
  });
  after(() => t.close());

  it('checks every provider, each with its own answer, while plain /readyz stays cheap', async () => {
    let probed = 0;
    t.ctx.readiness.add('counted', async () => {
      probed++;
      return 'counted';
    });
    const plain = await fetch(`${baseUrl(t)}/readyz`);
    assert.equal(plain.status, 200);
    assert.deepEqual(Object.keys((await plain.json()).checks), ['database', 'migrations']);
    assert.equal(probed, 0);
    const full = await fetch(`${baseUrl(t)}/readyz?full=1`);
    const body = await full.json();
    assert.equal(full.status, 200, JSON.stringify(body));
    assert.deepEqual(body.checks, {
      database: 'ok',
      migrations: 'ok',
      'chain:ETHEREUM': 'ok (chain 31337)',
      'chain:POLYGON': 'ok (chain 31338)',
      plaid: 'ok (built-in sandbox)',
      sms: 'ok (sandbox: nothing to reach)',
      email: 'ok (sandbox: nothing to reach)',
      prices: 'ok (sandbox)',
      ach: 'ok (Plaid Transfer)',
      counted: 'ok (counted)',
    });
    assert.equal(probed, 1);
    // Not public: a proxied caller does not even learn the sub-check exists.
    const proxied = await fetch(`${baseUrl(t)}/readyz?full=1`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    assert.equal(proxied.status, 404);
  });
});

describe('GET /readyz?full=1 with a provider down', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ env: { ONRAMP_READINESS_TIMEOUT_MS: '300' } });
  });
  after(() => t.close());

  it('answers 503 naming the provider, and a hanging one is cut off at the timeout', async () => {
    t.ctx.readiness.add('originator', async () => {
      throw new Error('connection refused');
    });
    t.ctx.readiness.add('kyc', () => new Promise(() => undefined));
    const res = await t.app.inject({ method: 'GET', url: '/readyz?full=1' });
    assert.equal(res.statusCode, 503);
    const { checks, status } = res.json();
    assert.equal(status, 'not ready');
    assert.equal(checks.originator, 'failed: connection refused');
    assert.equal(checks.kyc, 'failed: no answer within 300 ms');
    assert.equal(
      (await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode,
      200,
      'plain /readyz is not affected',
    );
  });
});
