import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PRODUCTION_CHAIN_ENV, configProblems, TEST_KEYS_ENV } from '../../test/chain-env.ts';
import { loadConfig } from '../config.ts';

const PRODUCTION_BASE = {
  ONRAMP_MODE: 'production',
  ...TEST_KEYS_ENV,
  DATABASE_URL: 'postgres://db/onramp',
  ONRAMP_PUBLIC_URL: 'https://onramp.example.com',
  ONRAMP_SMS_PROVIDER: 'twilio',
  ONRAMP_TWILIO_ACCOUNT_SID: 'AC1',
  ONRAMP_TWILIO_AUTH_TOKEN: 'token',
  ONRAMP_TWILIO_MESSAGING_SERVICE_SID: 'MG1',
  ONRAMP_EMAIL_PROVIDER: 'smtp',
  ONRAMP_SMTP_URL: 'smtps://user:pass@smtp.example.com',
};

const problems = configProblems;

describe('chain configuration', () => {
  it('refuses production without every network setting and the hot wallet key, naming each', () => {
    const found = problems(PRODUCTION_BASE);
    for (const name of Object.keys(PRODUCTION_CHAIN_ENV)) {
      assert.ok(
        found.some((p) => p.startsWith(`${name}: is required in production mode`)),
        name,
      );
    }
  });

  it('reads a production chain section', () => {
    const config = loadConfig({
      ...PRODUCTION_BASE,
      ...PRODUCTION_CHAIN_ENV,
      ONRAMP_CHAIN_RPC_TIMEOUT_MS: '4000',
      ONRAMP_CHAIN_RPC_RETRY_COUNT: '3',
    });
    assert.deepEqual(config.chains.networks?.ETHEREUM, {
      rpcUrl: 'https://eth.rpc.example.com/v2/test-api-key',
      chainId: 1,
      usdcAddress: '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48',
      confirmations: 12,
    });
    assert.equal(config.chains.networks?.POLYGON.usdcAddress, '0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359');
    assert.equal(config.chains.hotWallet?.privateKey, PRODUCTION_CHAIN_ENV.ONRAMP_HOT_WALLET_PRIVATE_KEY);
    assert.equal(config.chains.rpcTimeoutMs, 4000);
    assert.equal(config.chains.rpcRetryCount, 3);
    // Without the 0x prefix too.
    const bare = loadConfig({
      ...PRODUCTION_BASE,
      ...PRODUCTION_CHAIN_ENV,
      ONRAMP_HOT_WALLET_PRIVATE_KEY: PRODUCTION_CHAIN_ENV.ONRAMP_HOT_WALLET_PRIVATE_KEY.slice(2),
    });
    assert.equal(bare.chains.hotWallet?.privateKey, PRODUCTION_CHAIN_ENV.ONRAMP_HOT_WALLET_PRIVATE_KEY);
  });

  it('says what is wrong with each bad value without echoing the key or the RPC URL', () => {
    const badKey = `0x${'ff'.repeat(32)}`; // above the curve order
    const found = problems({
      ...PRODUCTION_BASE,
      ...PRODUCTION_CHAIN_ENV,
      ONRAMP_HOT_WALLET_PRIVATE_KEY: badKey,
      ONRAMP_ETHEREUM_RPC_URL: 'ftp://rpc.example.com/v2/SECRET-API-KEY',
      ONRAMP_ETHEREUM_USDC_ADDRESS: '0x1234',
      ONRAMP_ETHEREUM_CONFIRMATIONS: '0',
      ONRAMP_POLYGON_CHAIN_ID: '1',
    });
    assert.deepEqual(found, [
      'ONRAMP_ETHEREUM_RPC_URL: must be an http:// or https:// URL (value not shown: it may hold an API key)',
      'ONRAMP_ETHEREUM_USDC_ADDRESS: must be a 0x-prefixed 20-byte hex address (got "0x1234")',
      'ONRAMP_ETHEREUM_CONFIRMATIONS: must be an integer from 1 to 10000 (got "0")',
      'ONRAMP_HOT_WALLET_PRIVATE_KEY: must be a secp256k1 private key, 32 bytes of hex (value not shown)',
    ]);
    assert.deepEqual(problems({ ...PRODUCTION_BASE, ...PRODUCTION_CHAIN_ENV, ONRAMP_POLYGON_CHAIN_ID: '1' }), [
      'ONRAMP_POLYGON_CHAIN_ID: must differ from ONRAMP_ETHEREUM_CHAIN_ID',
    ]);
  });

  it('refuses production chain settings in sandbox mode, where they would do nothing', () => {
    assert.deepEqual(problems({ ONRAMP_ETHEREUM_RPC_URL: 'https://eth.rpc.example.com' }), [
      'ONRAMP_ETHEREUM_RPC_URL: is used only in production mode; the sandbox runs its own chains (unset it or set ONRAMP_MODE=production)',
    ]);
    const sandbox = loadConfig({});
    assert.equal(sandbox.chains.networks, undefined);
    assert.equal(sandbox.chains.hotWallet, undefined);
  });
});
