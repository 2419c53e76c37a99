import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../src/config.ts';
import { generatedKeysEnv } from '../src/runtime-secrets.ts';

/** Real, fresh keys for tests that build a production config (the reader checks them). */
export const TEST_KEYS_ENV = generatedKeysEnv();

// Valid production chain (and Plaid) settings, for tests that build a whole production config (mode production
// refuses to start without them). The key is a throwaway test key; the URLs are never contacted.
export const PRODUCTION_CHAIN_ENV = {
  ONRAMP_ETHEREUM_RPC_URL: 'https://eth.rpc.example.com/v2/test-api-key',
  ONRAMP_ETHEREUM_CHAIN_ID: '1',
  ONRAMP_ETHEREUM_USDC_ADDRESS: '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48',
  ONRAMP_ETHEREUM_CONFIRMATIONS: '12',
  ONRAMP_POLYGON_RPC_URL: 'https://polygon.rpc.example.com/v2/test-api-key',
  ONRAMP_POLYGON_CHAIN_ID: '137',
  ONRAMP_POLYGON_USDC_ADDRESS: '0x3c499c542cef5e3811e1192ce70d8cc03d5c3359',
  ONRAMP_POLYGON_CONFIRMATIONS: '64',
  ONRAMP_HOT_WALLET_PRIVATE_KEY: '0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318',
  // Plaid API keys (production mode requires them); never used to reach Plaid in tests.
  ONRAMP_PLAID_CLIENT_ID: 'test-plaid-client-id',
  ONRAMP_PLAID_SECRET: 'test-plaid-secret',
};

/** The problems a ConfigError lists for `env`; fails the test if the config loads. */
export function configProblems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  assert.fail('expected a ConfigError');
}
