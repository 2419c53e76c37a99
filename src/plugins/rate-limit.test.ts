import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../../test/helpers.ts';
import { createClient } from '../modules/clients/create-client.ts';

describe('rate limiting', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({
      env: {
        ONRAMP_RATE_LIMIT_ENABLED: 'true',
        ONRAMP_RATE_LIMIT_PER_CLIENT_PER_MINUTE: '5',
        ONRAMP_RATE_LIMIT_PER_IP_PER_MINUTE: '12',
      },
    });
  });
  after(() => t.close());

  it('limits each client, with RateLimit headers and a 429 carrying Retry-After', async () => {
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof t.app.inject>> | undefined;
    for (let i = 0; i < 6; i++) {
      last = await t.app.inject({
        method: 'GET',
        url: '/v1/config',
        headers: t.clientHeaders,
        remoteAddress: '10.0.0.1',
      });
      statuses.push(last.statusCode);
      if (i === 0) {
        assert.equal(last.headers['ratelimit-limit'], '5');
        assert.equal(last.headers['ratelimit-remaining'], '4');
      }
    }
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429]);
    assert.equal(last!.json().code, 'RATE_LIMITED');
    assert.ok(Number(last!.headers['retry-after']) >= 1);
    assert.match(last!.json().message, /5 requests per minute/);
    // Another client on the same address is not affected by the first one's limit.
    const other = await createClient(t.db.db, 'sandbox', { name: 'Other' });
    const res = await t.app.inject({
      method: 'GET',
      url: '/v1/config',
      headers: { 'ratio-client-id': other.clientId, 'ratio-client-secret': other.clientSecret },
      remoteAddress: '10.0.0.1',
    });
    assert.equal(res.statusCode, 200);
  });

  it('limits each IP address before authentication, so guessing secrets is throttled', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 13; i++) {
      const res = await t.app.inject({
        method: 'GET',
        url: '/v1/config',
        headers: { 'ratio-client-id': t.client.id, 'ratio-client-secret': `guess-${i}` },
        remoteAddress: '10.0.0.2',
      });
      statuses.push(res.statusCode);
    }
    assert.deepEqual(statuses, [...Array(12).fill(401), 429]);
    const health = await t.app.inject({ method: 'GET', url: '/healthz', remoteAddress: '10.0.0.2' });
    assert.equal(health.statusCode, 200, 'health checks are never limited');
  });
});
