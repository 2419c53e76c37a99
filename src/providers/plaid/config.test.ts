import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PRODUCTION_CHAIN_ENV, configProblems, TEST_KEYS_ENV } from '../../../test/chain-env.ts';
import { loadConfig } from '../../config.ts';
import { PLAID_PRODUCTION_URL } from './config.ts';
import { KeyRing } from '../../lib/crypto.ts';
import { createPlaidProvider } from './index.ts';

const problems = configProblems;

const PRODUCTION_BASE = {
  ONRAMP_MODE: 'production',
  ONRAMP_PUBLIC_URL: 'https://onramp.example.com',
  DATABASE_URL: 'postgres://db/onramp',
  ...TEST_KEYS_ENV,
  ONRAMP_SMS_PROVIDER: 'twilio',
  ONRAMP_TWILIO_ACCOUNT_SID: 'AC1',
  ONRAMP_TWILIO_AUTH_TOKEN: 't',
  ONRAMP_TWILIO_FROM: '+12025550100',
  ONRAMP_EMAIL_PROVIDER: 'smtp',
  ONRAMP_SMTP_URL: 'smtps://u:p@mail.example.com',
  ...PRODUCTION_CHAIN_ENV,
};

describe('Plaid configuration', () => {
  it('uses the built-in sandbox in sandbox mode, with keys derived from the keyring', () => {
    const config = loadConfig({});
    assert.equal(config.plaid.baseUrl, undefined);
    const keyring = new KeyRing(KeyRing.generateSpec());
    const a = createPlaidProvider(config, keyring, () => 'http://127.0.0.1:4000');
    const b = createPlaidProvider(config, keyring, () => 'http://127.0.0.1:4000');
    assert.equal(a.environment, 'builtin');
    assert.deepEqual(a.sandboxCredentials, b.sandboxCredentials, 'two processes sharing the keyring agree on the keys');
    assert.equal(a.webhookUrl(), 'http://127.0.0.1:4000/webhooks/plaid');
    const notListening = createPlaidProvider(config, keyring, () => undefined);
    assert.throws(() => notListening.api(), /not listening/);
  });

  it('talks to production.plaid.com in production mode and requires the Plaid keys there', () => {
    const { ONRAMP_PLAID_CLIENT_ID: _id, ONRAMP_PLAID_SECRET: _secret, ...withoutKeys } = PRODUCTION_BASE;
    const found = problems(withoutKeys);
    assert.ok(
      found.some((p) =>
        p.startsWith(
          `ONRAMP_PLAID_CLIENT_ID: is required in production mode (your Plaid API keys for ${PLAID_PRODUCTION_URL}`,
        ),
      ),
      found.join('\n'),
    );
    assert.ok(found.some((p) => p.startsWith('ONRAMP_PLAID_SECRET: is required')));
    assert.ok(
      problems({ ...PRODUCTION_BASE, ONRAMP_PLAID_BASE_URL: 'http://plaid.internal' }).includes(
        'ONRAMP_PLAID_BASE_URL: must be an https:// URL in production mode',
      ),
    );
    const config = loadConfig(PRODUCTION_BASE);
    assert.equal(config.plaid.baseUrl, PLAID_PRODUCTION_URL);
    const provider = createPlaidProvider(config, new KeyRing(KeyRing.generateSpec()), () => undefined);
    assert.equal(provider.environment, 'external');
    assert.equal(provider.sandboxCredentials, null);
    assert.equal(provider.webhookUrl(), 'https://onramp.example.com/webhooks/plaid');
    assert.ok(provider.api(), 'the client exists without the server listening');
  });

  it("can point sandbox mode at Plaid's own sandbox with its keys", () => {
    assert.ok(
      problems({ ONRAMP_PLAID_BASE_URL: 'https://sandbox.plaid.com' }).some((p) =>
        p.startsWith('ONRAMP_PLAID_CLIENT_ID: is required'),
      ),
    );
    const config = loadConfig({
      ONRAMP_PLAID_BASE_URL: 'https://sandbox.plaid.com',
      ONRAMP_PLAID_CLIENT_ID: 'id',
      ONRAMP_PLAID_SECRET: 's',
    });
    assert.equal(config.plaid.baseUrl, 'https://sandbox.plaid.com');
  });
});
