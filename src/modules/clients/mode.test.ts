// Mode safety for partner clients and databases: a client secret works only in the mode it was
// issued in (its prefix says which), and a database first used in one mode refuses a process in the other.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PRODUCTION_TEST_ENV } from '../../../test/chain-env.ts';
import { openTestDatabase, startTestApp, testConfig, testSecrets, type TestApp } from '../../../test/helpers.ts';
import { buildApp } from '../../app.ts';
import { DatabaseModeError } from '../../db/startup.ts';
import { createClient } from './create-client.ts';

describe('client secrets carry their mode', () => {
  let production: TestApp;
  let sandbox: TestApp;
  before(async () => {
    production = await startTestApp({ env: PRODUCTION_TEST_ENV });
    sandbox = await startTestApp();
  });
  after(async () => {
    await production?.close();
    await sandbox?.close();
  });

  const getConfig = (t: TestApp, client: { clientId: string; clientSecret: string }) =>
    t.app.inject({
      method: 'GET',
      url: '/v1/config',
      headers: { 'ratio-client-id': client.clientId, 'ratio-client-secret': client.clientSecret },
    });

  it('a production server takes sk_live_ secrets and refuses a sandbox secret, even one it stores', async () => {
    assert.match(production.client.secret, /^sk_live_/);
    assert.equal(
      (await production.app.inject({ method: 'GET', url: '/v1/config', headers: production.clientHeaders })).statusCode,
      200,
    );
    // As `clients create` without ONRAMP_MODE=production would have written it, before databases recorded their mode.
    const sandboxClient = await createClient(production.db.db, 'sandbox', { name: 'Written by a sandbox CLI' });
    assert.match(sandboxClient.clientSecret, /^sk_sandbox_/);
    const res = await getConfig(production, sandboxClient);
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().code, 'INVALID_CLIENT_SECRET');
    assert.match(res.json().message, /production server: its client secrets start with sk_live_/);
  });

  it('a sandbox server refuses a production secret', async () => {
    const liveClient = await createClient(sandbox.db.db, 'production', { name: 'Live' });
    const res = await getConfig(sandbox, liveClient);
    assert.equal(res.statusCode, 401);
    assert.match(res.json().message, /sandbox server: a production client secret/);
  });
});

describe('a database belongs to one mode', () => {
  it('records the mode of the first process and refuses the other mode, in both directions', async () => {
    for (const [first, second] of [
      [PRODUCTION_TEST_ENV, {}],
      [{}, PRODUCTION_TEST_ENV],
    ] as const) {
      const db = await openTestDatabase();
      try {
        const config = testConfig(first);
        const built = await buildApp({
          config,
          dbHandle: db,
          migrate: false,
          secrets: testSecrets(config),
          workers: false,
        });
        await built.app.close();
        const other = testConfig(second);
        await assert.rejects(
          buildApp({ config: other, dbHandle: db, migrate: false, secrets: testSecrets(other), workers: false }),
          (error: unknown) =>
            error instanceof DatabaseModeError &&
            error.recorded === config.mode &&
            error.message.includes(`Set ONRAMP_MODE=${config.mode} to use it`),
        );
      } finally {
        await db.close();
      }
    }
  });
});
