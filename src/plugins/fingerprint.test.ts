import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../../test/helpers.ts';
import { AppError } from '../errors/app-error.ts';
import { parseFingerprint } from './fingerprint.ts';

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64');

// The two examples from ratio-docs/api-reference/custom-headers.md, verbatim.
const BROWSER =
  'eyJpcCI6IjE5Mi4xNjguMC4xIiwidXNlckFnZW50IjoiTW96aWxsYS81LjAgKFdpbmRvd3MgTlQgMTAuMDsgV2luNjQ7IHg2NCkgQXBwbGVXZWJLaXQvNTM3LjM2IChLSFRNTCwgbGlrZSBHZWNrbykgQ2hyb21lLzk0LjAuNDYwNi4xMjEgU2FmYXJpLzUzNy4zNiJ9';
const ANDROID =
  'eyJpcCI6IjE5Mi4xNjguMC4yIiwib3MiOiJBbmRyb2lkIiwib3NWZXJzaW9uIjoiMTEiLCJkZXZpY2VNYW51ZmFjdHVyZXIiOiJTYW1zdW5nIiwiZGV2aWNlTW9kZWwiOiJHYWxheHkgUzIxIiwiZGV2aWNlVW5pcXVlSWQiOiJhYmNkMTIzNC1lZmdoLTU2NzgtaWprbC03ODkwIn0=';

describe('ratio-device-fingerprint', () => {
  it('parses the documented browser and Android examples', () => {
    assert.deepEqual(parseFingerprint(BROWSER), {
      ip: '192.168.0.1',
      userAgent:
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/94.0.4606.121 Safari/537.36',
    });
    assert.deepEqual(parseFingerprint(ANDROID), {
      ip: '192.168.0.2',
      os: 'Android',
      osVersion: '11',
      deviceManufacturer: 'Samsung',
      deviceModel: 'Galaxy S21',
      deviceUniqueId: 'abcd1234-efgh-5678-ijkl-7890',
    });
  });

  it('drops unknown fields', () => {
    assert.deepEqual(parseFingerprint(b64({ ip: '::1', userAgent: 'x', extra: 1 })), { ip: '::1', userAgent: 'x' });
  });

  it('rejects malformed values with a message saying what is wrong', () => {
    const cases: Array<[string, RegExp]> = [
      ['%%%', /not base64/],
      [b64('not json'), /does not decode to JSON/],
      [b64([1]), /must decode to a JSON object/],
      [b64({ userAgent: 'x' }), /`ip` is required/],
      [b64({ ip: '999.1.1.1', userAgent: 'x' }), /`ip` is required and must be an IPv4 or IPv6 address/],
      [b64({ ip: '10.0.0.1', userAgent: 7 }), /`userAgent` must be a non-empty string/],
      [b64({ ip: '10.0.0.1' }), /must carry `userAgent`/],
      ['A'.repeat(5000), /at most 4096/],
    ];
    for (const [value, message] of cases) {
      assert.throws(
        () => parseFingerprint(value),
        (e: unknown) => e instanceof AppError && e.code === 'INVALID_DEVICE_FINGERPRINT' && message.test(e.message),
        String(message),
      );
    }
  });

  describe('over HTTP', () => {
    let t: TestApp;
    let seen: unknown;
    before(async () => {
      t = await startTestApp({
        routes: (app) => {
          app.get('/v1/test/fingerprint', { config: { auth: 'client' }, schema: { hide: true } }, async (request) => {
            seen = request.fingerprint;
            return { ok: true };
          });
        },
      });
    });
    after(() => t.close());

    it('makes a valid header available to handlers, and answers a bad one with 400', async () => {
      const ok = await t.app.inject({
        method: 'GET',
        url: '/v1/test/fingerprint',
        headers: { ...t.clientHeaders, 'ratio-device-fingerprint': BROWSER },
      });
      assert.equal(ok.statusCode, 200);
      assert.equal((seen as { ip: string }).ip, '192.168.0.1');
      const bad = await t.app.inject({
        method: 'GET',
        url: '/v1/test/fingerprint',
        headers: { ...t.clientHeaders, 'ratio-device-fingerprint': b64('{') },
      });
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json().code, 'INVALID_DEVICE_FINGERPRINT');
      assert.equal(bad.json().data.field, 'ratio-device-fingerprint');
      await t.app.inject({ method: 'GET', url: '/v1/test/fingerprint', headers: t.clientHeaders });
      assert.equal(seen, null, 'the header is optional');
    });
  });
});
