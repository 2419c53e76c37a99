// The built-in Plaid sandbox and its Link API answer client mistakes the way Plaid does: a 4xx with
// Plaid's error object (error_type, error_code, error_message, request_id), never a 500 — a body over
// the limit, a malformed ratio-device-fingerprint, text that is not well-formed Unicode, bad JSON.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../../../test/helpers.ts';

function assertPlaidError(res: { statusCode: number; json(): Record<string, unknown> }, status: number, code: string) {
  assert.equal(res.statusCode, status, JSON.stringify(res.json()));
  const body = res.json();
  assert.equal(body.error_code, code);
  assert.equal(typeof body.error_type, 'string');
  assert.equal(typeof body.error_message, 'string');
  assert.match(String(body.request_id), /^[A-Za-z0-9]{15}$/);
}

describe('the Plaid sandbox answers client errors with Plaid-shaped 4xx', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ env: { ONRAMP_BODY_LIMIT_BYTES: '4096' } });
  });
  after(() => t.close());

  const plaid = (path: string, payload: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/json', ...headers }, payload });
  const urls = ['/sandbox/plaid/link/token/create', '/sandbox/plaid/item/get', '/sandbox/link/login'];

  it('a body over the limit is 413 with Plaid INVALID_REQUEST', async () => {
    for (const url of urls) {
      assertPlaidError(await plaid(url, JSON.stringify({ client_name: 'x'.repeat(10_000) })), 413, 'BODY_TOO_LARGE');
    }
  });

  it('a malformed ratio-device-fingerprint is 400 with Plaid INVALID_HEADERS', async () => {
    for (const url of urls) {
      for (const value of [
        'not base64!',
        Buffer.from('{').toString('base64'),
        Buffer.from('{"ip":1}').toString('base64'),
      ]) {
        assertPlaidError(await plaid(url, '{}', { 'ratio-device-fingerprint': value }), 400, 'INVALID_HEADERS');
      }
    }
  });

  it('a lone surrogate in a field is 400 INVALID_FIELD, not a database error', async () => {
    for (const url of urls) {
      assertPlaidError(await plaid(url, '{"client_name":"bad \\ud800"}'), 400, 'INVALID_FIELD');
    }
  });

  it('bad JSON and a wrong content type stay Plaid-shaped 400s', async () => {
    for (const url of urls) {
      assertPlaidError(await plaid(url, '{"a":'), 400, 'INVALID_BODY');
      const xml = await t.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/xml' },
        payload: '<a/>',
      });
      assertPlaidError(xml, 400, 'INVALID_HEADERS');
    }
  });
});
