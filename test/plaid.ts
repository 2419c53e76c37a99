// Plaid helpers for tests: the error object of a failed call through the official client.
import assert from 'node:assert/strict';
import type { PlaidError } from 'plaid';
import { plaidErrorOf } from '../src/providers/plaid/index.ts';

/** Awaits a Plaid call that must fail; answers Plaid's error object and the HTTP status. */
export async function plaidFailure(promise: Promise<unknown>): Promise<PlaidError & { status: number }> {
  try {
    await promise;
  } catch (error) {
    const body = plaidErrorOf(error);
    assert.ok(body, `expected a Plaid error object, got ${String(error)}`);
    return { ...body, status: (error as { response: { status: number } }).response.status };
  }
  assert.fail('expected the Plaid call to fail');
}
