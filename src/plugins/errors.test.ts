import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../../test/helpers.ts';
import { invariant } from '../lib/invariant.ts';

function assertErrorShape(body: Record<string, unknown>, code: string): void {
  assert.deepEqual(Object.keys(body).sort(), ['code', 'createTime', 'data', 'message']);
  assert.equal(body.code, code);
  assert.ok(!Number.isNaN(Date.parse(String(body.createTime))));
  assert.equal(typeof body.message, 'string');
  assert.equal(typeof body.data, 'object');
}

describe('error contract', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({
      env: { ONRAMP_BODY_LIMIT_BYTES: '2048' },
      routes: (app) => {
        app.get('/v1/test/boom', { config: { auth: 'public' }, schema: { hide: true } }, async () => {
          throw new Error('database password is hunter2');
        });
        app.get('/v1/test/broken', { config: { auth: 'public' }, schema: { hide: true } }, async () => {
          invariant(false, 'purchase p1 moved to REQUESTED but reads WAITING');
        });
      },
    });
  });
  after(() => t.close());

  it('answers an unknown route with 404 NOT_FOUND_ENDPOINT in the error shape', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/nothing-here' });
    assert.equal(res.statusCode, 404);
    assertErrorShape(res.json(), 'NOT_FOUND_ENDPOINT');
  });

  it('answers a known path with the wrong method with 405 and an Allow header', async () => {
    const res = await t.app.inject({ method: 'PUT', url: '/v1/config', headers: t.clientHeaders });
    assert.equal(res.statusCode, 405);
    assert.equal(res.headers.allow, 'GET');
    assertErrorShape(res.json(), 'METHOD_NOT_ALLOWED');
  });

  it('answers a body over the limit with 413', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/client/sessions',
      headers: { ...t.clientHeaders, 'content-type': 'application/json' },
      payload: JSON.stringify({ signingAddress: 'x'.repeat(4000), signingType: 'EVM' }),
    });
    assert.equal(res.statusCode, 413);
    assertErrorShape(res.json(), 'PAYLOAD_TOO_LARGE');
  });

  it('answers a non-JSON content type with 415', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/client/sessions',
      headers: { ...t.clientHeaders, 'content-type': 'application/xml' },
      payload: '<a/>',
    });
    assert.equal(res.statusCode, 415);
    assertErrorShape(res.json(), 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers malformed JSON with 400 INVALID_BODY', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/client/sessions',
      headers: { ...t.clientHeaders, 'content-type': 'application/json' },
      payload: '{"signingType":',
    });
    assert.equal(res.statusCode, 400);
    assertErrorShape(res.json(), 'INVALID_BODY');
    assert.equal(res.json().data.field, 'body');
  });

  it('names the missing field with its documented code', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/client/sessions',
      headers: t.clientHeaders,
      payload: { signingType: 'EVM' },
    });
    assert.equal(res.statusCode, 400);
    assertErrorShape(res.json(), 'MISSING_SIGNING_ADDRESS');
    assert.deepEqual(res.json().data, { field: 'signingAddress', rule: 'required' });
    assert.match(res.json().message, /`signingAddress` is required/);
  });

  it('rejects an unknown field, naming it', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/client/sessions',
      headers: t.clientHeaders,
      payload: { signingType: 'EVM', signingAddress: '0x8ba1f109551bD432803012645Ac136ddd64DBA72', colour: 'blue' },
    });
    assert.equal(res.statusCode, 400);
    assertErrorShape(res.json(), 'INVALID_BODY');
    assert.deepEqual(res.json().data, { field: 'colour', rule: 'additionalProperties' });
  });

  it('names the rule for a bad enum value and does not coerce types in bodies', async () => {
    const bad = await t.app.inject({
      method: 'POST',
      url: '/v1/client/sessions',
      headers: t.clientHeaders,
      payload: { signingType: 'BTC', signingAddress: 'x' },
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().data.rule, 'enum');
    assert.deepEqual(bad.json().data.allowed, ['EVM', 'SOLANA']);
    const typed = await t.app.inject({
      method: 'POST',
      url: '/v1/client/sessions',
      headers: t.clientHeaders,
      payload: { signingType: 'EVM', signingAddress: 12345 },
    });
    assert.equal(typed.statusCode, 400);
    assert.equal(typed.json().code, 'INVALID_SIGNING_ADDRESS');
    assert.equal(typed.json().data.rule, 'type');
  });

  it('answers a body that is not an object with 400', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/client/sessions',
      headers: { ...t.clientHeaders, 'content-type': 'application/json' },
      payload: '[1,2]',
    });
    assert.equal(res.statusCode, 400);
    assertErrorShape(res.json(), 'INVALID_BODY');
  });

  it('answers an unexpected failure with a bare 500 and logs it with the request id', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/test/boom', headers: { 'x-request-id': 'trace-123' } });
    assert.equal(res.statusCode, 500);
    assertErrorShape(res.json(), 'INTERNAL');
    assert.equal(res.json().data.requestId, 'trace-123');
    assert.ok(!res.body.includes('hunter2'));
    assert.equal(res.headers['x-request-id'], 'trace-123');
    const logged = t.logs.records().find((r) => r.reqId === 'trace-123' && r.level === 50);
    assert.ok(logged, 'the error is logged with the request id');
  });

  it('answers a broken invariant with a bare 500 and logs it at fatal level with the request id', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/test/broken', headers: { 'x-request-id': 'trace-456' } });
    assert.equal(res.statusCode, 500);
    assertErrorShape(res.json(), 'INTERNAL');
    assert.equal(res.json().data.requestId, 'trace-456');
    assert.ok(!res.body.includes('WAITING'), 'the invariant message stays in the log');
    const logged = t.logs.records().find((r) => r.reqId === 'trace-456' && r.level === 60);
    assert.ok(logged, 'the broken invariant is logged at fatal level with the request id');
    assert.match(String((logged.err as { message?: string }).message), /moved to REQUESTED but reads WAITING/);
  });

  it('never answers garbage input with a 5xx', async () => {
    const payloads = [
      '',
      'null',
      '"text"',
      '1e999',
      '{"__proto__":{"x":1}}',
      '{"signingType":null,"signingAddress":[]}',
      '\u0000',
      '{'.repeat(500),
    ];
    for (const payload of payloads) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/client/sessions',
        headers: { ...t.clientHeaders, 'content-type': 'application/json' },
        payload,
      });
      assert.ok(
        res.statusCode >= 400 && res.statusCode < 500,
        `${JSON.stringify(payload)} → ${res.statusCode} ${res.body}`,
      );
      assert.equal(typeof res.json().code, 'string');
    }
  });
});
