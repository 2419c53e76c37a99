import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from './config.ts';
import { configProblems } from '../test/chain-env.ts';

const problems = configProblems;

describe('configuration', () => {
  it('defaults to a sandbox on 127.0.0.1:3000 with the embedded database', () => {
    const config = loadConfig({});
    assert.equal(config.mode, 'sandbox');
    assert.equal(config.http.host, '127.0.0.1');
    assert.equal(config.http.port, 3000);
    assert.equal(config.http.publicUrl, 'http://127.0.0.1:3000');
    assert.equal(config.db.url, undefined);
    assert.match(config.db.dataDir, /\.onramp\/data$/);
    assert.equal(config.product.limits.instantDailyCents, 300_000n);
    assert.equal(config.product.minimumCents.ETHEREUM, 2_000n);
  });

  it('names the variable and what is allowed for each bad value, all at once', () => {
    const found = problems({ PORT: 'abc', ONRAMP_MODE: 'staging', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x' });
    assert.deepEqual(found, [
      'ONRAMP_MODE: must be one of sandbox, production (got "staging")',
      'PORT: must be an integer from 0 to 65535 (got "abc")',
      'DATABASE_URL: must be a URL starting with postgres:// or postgresql:// (got "mysql://x")',
      'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
    ]);
  });

  it('does not echo credentials embedded in a bad URL', () => {
    const [problem] = problems({ DATABASE_URL: 'http://admin:hunter2@db/x' });
    assert.ok(problem && !problem.includes('hunter2'), problem);
  });

  it('requires both demo credentials or neither, and a UUID id', () => {
    assert.ok(
      problems({ ONRAMP_DEMO_CLIENT_ID: '00000000-0000-4000-8000-000000000001' }).some((p) =>
        p.includes('set both or neither'),
      ),
    );
    assert.ok(
      problems({ ONRAMP_DEMO_CLIENT_ID: 'demo', ONRAMP_DEMO_CLIENT_SECRET: 'x'.repeat(40) }).some((p) =>
        p.startsWith('ONRAMP_DEMO_CLIENT_ID: must be a UUID'),
      ),
    );
  });

  it('refuses production without its secrets, database and an https URL', () => {
    const found = problems({ ONRAMP_MODE: 'production' });
    assert.ok(found.some((p) => p.startsWith('ONRAMP_ENCRYPTION_KEYS: is required in production mode')));
    assert.ok(found.some((p) => p.startsWith('ONRAMP_JWT_SIGNING_KEY: is required in production mode')));
    assert.ok(found.some((p) => p.startsWith('DATABASE_URL: is required in production mode')));
    assert.ok(found.some((p) => p.startsWith('ONRAMP_PUBLIC_URL: must be an https:// URL')));
  });

  it('checks limits against each other', () => {
    const found = problems({ ONRAMP_LIMIT_INSTANT_DAILY_USD: '9000', ONRAMP_LIMIT_DAILY_USD: '5000' });
    assert.deepEqual(found, ['ONRAMP_LIMIT_INSTANT_DAILY_USD: must not exceed ONRAMP_LIMIT_DAILY_USD']);
    assert.equal(loadConfig({ ONRAMP_LIMIT_WEEKLY_USD: '20000.50' }).product.limits.weeklyCents, 2_000_050n);
  });
});
