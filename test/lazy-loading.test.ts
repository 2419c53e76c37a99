// What start-up leaves for later (docs/performance.md): heavy packages that only some requests need,
// loaded when first used — an app built the way main.ts builds it must not have loaded them — and
// response serializers and request validators, compiled on their first use.
import assert from 'node:assert/strict';
import inspector from 'node:inspector/promises';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from './helpers.ts';

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
