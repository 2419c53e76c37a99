import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { loadConfig } from './config.ts';
import { generatedKeysEnv } from './runtime-secrets.ts';
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

describe('configuration problems, all in the one list at start', () => {
  const production = { ONRAMP_MODE: 'production' };

  it('names ONRAMP_ENCRYPTION_KEYS and the rule when a key is malformed, never the key', () => {
    const found = problems({ ONRAMP_ENCRYPTION_KEYS: 'k1:c2hvcnQ=' });
    assert.deepEqual(found, [
      'ONRAMP_ENCRYPTION_KEYS: key "k1" must be 32 bytes of base64 (got 5) (run `npm run cli -- keys generate` for fresh keys)',
    ]);
    assert.match(problems({ ONRAMP_ENCRYPTION_KEYS: 'no-colon' })[0]!, /^ONRAMP_ENCRYPTION_KEYS: each key must be/);
  });

  it('names ONRAMP_JWT_SIGNING_KEY when it is not an Ed25519 key, without echoing it', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    for (const value of ['not a key', String(rsa), '-----BEGIN PRIVATE KEY-----\\nAAAA\\n-----END PRIVATE KEY-----']) {
      const found = problems({ ONRAMP_JWT_SIGNING_KEY: value });
      assert.equal(found.length, 1, value);
      assert.match(found[0]!, /^ONRAMP_JWT_SIGNING_KEY: must be an Ed25519 private key/);
      assert.ok(!found[0]!.includes('AAAA'));
    }
  });

  it('accepts the signing key as PEM with real line breaks, on one line with \\n escapes, quoted, or as a JWK', () => {
    const key = generateKeyPairSync('ed25519').privateKey;
    const pem = String(key.export({ type: 'pkcs8', format: 'pem' }));
    const forms = [pem, pem.trimEnd().replace(/\n/g, '\\n'), `"${pem.trimEnd().replace(/\n/g, '\\n')}"`];
    forms.push(JSON.stringify(key.export({ format: 'jwk' })));
    for (const form of forms) assert.equal(loadConfig({ ONRAMP_JWT_SIGNING_KEY: form }).secrets.jwtSigningKey, pem);
  });

  it('takes the keys onramp keys generate prints, in production too', () => {
    const keys = generatedKeysEnv({ hotWallet: true });
    assert.match(keys.ONRAMP_JWT_SIGNING_KEY!, /^-----BEGIN PRIVATE KEY-----\\n[^\n]+\\n-----END PRIVATE KEY-----$/);
    const found = problems({ ...production, ...keys });
    assert.ok(!found.some((p) => /ENCRYPTION_KEYS|JWT_SIGNING_KEY|HOT_WALLET/.test(p)), found.join('\n'));
  });

  it('shows the allowed values of a required choice that is missing', () => {
    const found = problems(production);
    assert.ok(
      found.includes(
        'ONRAMP_SMS_PROVIDER: is required in production mode: twilio (the sandbox provider only writes to the sandbox inbox)',
      ),
    );
    assert.ok(
      found.includes(
        'ONRAMP_EMAIL_PROVIDER: is required in production mode: smtp (the sandbox provider only writes to the sandbox inbox)',
      ),
    );
    assert.ok(
      problems({ ONRAMP_SMS_PROVIDER: 'sms77' }).includes(
        'ONRAMP_SMS_PROVIDER: must be one of sandbox, twilio (got "sms77")',
      ),
    );
  });

  it('does not also report a value that was given, and refused, as missing', () => {
    const found = problems({
      ...production,
      DATABASE_URL: 'mysql://db/onramp',
      ONRAMP_SMS_PROVIDER: 'sms77',
      ONRAMP_ENCRYPTION_KEYS: 'k1:c2hvcnQ=',
      ONRAMP_JWT_SIGNING_KEY: 'nope',
      ONRAMP_ETHEREUM_CHAIN_ID: 'one',
    });
    for (const name of [
      'DATABASE_URL',
      'ONRAMP_SMS_PROVIDER',
      'ONRAMP_ENCRYPTION_KEYS',
      'ONRAMP_JWT_SIGNING_KEY',
      'ONRAMP_ETHEREUM_CHAIN_ID',
    ]) {
      const about = found.filter((p) => p.startsWith(`${name}:`));
      assert.equal(about.length, 1, `${name}: ${about.join(' / ')}`);
      assert.ok(!about[0]!.includes('is required'), about[0]);
    }
  });
});
