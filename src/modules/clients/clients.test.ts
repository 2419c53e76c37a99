import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../../../test/helpers.ts';
import { ManualClock } from '../../lib/clock.ts';
import { createClient } from './create-client.ts';
import { ensureDemoClient } from './ensure-demo-client.ts';
import { setClientStatus } from './repository.ts';
import { rotateClientSecret } from './rotate-client-secret.ts';

const EVM = '0x8ba1f109551bD432803012645Ac136ddd64DBA72';

describe('client authentication', () => {
  let t: TestApp;
  const clock = new ManualClock('2026-01-05T10:00:00Z');
  before(async () => {
    // No client cache, so each request sees the database's current state.
    t = await startTestApp({ clock, env: { ONRAMP_CLIENT_CACHE_TTL_MS: '0' } });
  });
  after(() => t.close());

  const get = (headers: Record<string, string>) => t.app.inject({ method: 'GET', url: '/v1/config', headers });

  it('accepts the client id and secret', async () => {
    const res = await get(t.clientHeaders);
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().fiatCurrencies[0], 'USD');
  });

  it('answers 401 with the documented code when a header is missing or wrong', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{}, 'MISSING_CLIENT_ID'],
      [{ 'ratio-client-id': t.client.id }, 'MISSING_CLIENT_SECRET'],
      [{ 'ratio-client-id': 'not-a-uuid', 'ratio-client-secret': t.client.secret }, 'INVALID_CLIENT_ID'],
      [{ 'ratio-client-id': t.client.id, 'ratio-client-secret': `${t.client.secret}x` }, 'INVALID_CLIENT_SECRET'],
      [
        { 'ratio-client-id': '00000000-0000-4000-8000-000000000000', 'ratio-client-secret': t.client.secret },
        'INVALID_CLIENT_SECRET',
      ],
    ];
    for (const [headers, code] of cases) {
      const res = await get(headers);
      assert.equal(res.statusCode, 401, code);
      assert.equal(res.json().code, code);
      assert.deepEqual(Object.keys(res.json()).sort(), ['code', 'createTime', 'data', 'message']);
    }
  });

  it('keeps a rotated-out secret working for the overlap, then not', async () => {
    const c = await createClient(t.db.db, 'sandbox', { name: 'Rotating' });
    const rotated = await rotateClientSecret(t.db.db, clock, 'sandbox', c.clientId, 3600);
    const oldHeaders = { 'ratio-client-id': c.clientId, 'ratio-client-secret': c.clientSecret };
    const newHeaders = { 'ratio-client-id': c.clientId, 'ratio-client-secret': rotated.clientSecret };
    assert.equal((await get(oldHeaders)).statusCode, 200);
    assert.equal((await get(newHeaders)).statusCode, 200);
    clock.advance(3601_000);
    assert.equal((await get(oldHeaders)).json().code, 'INVALID_CLIENT_SECRET');
    assert.equal((await get(newHeaders)).statusCode, 200);
  });

  it('a second rotation ends the previous overlap at once; overlap 0 revokes immediately', async () => {
    const c = await createClient(t.db.db, 'sandbox', { name: 'Twice' });
    const first = await rotateClientSecret(t.db.db, clock, 'sandbox', c.clientId, 3600);
    const second = await rotateClientSecret(t.db.db, clock, 'sandbox', c.clientId, 3600);
    const headers = (secret: string) => ({ 'ratio-client-id': c.clientId, 'ratio-client-secret': secret });
    assert.equal((await get(headers(c.clientSecret))).statusCode, 401);
    assert.equal((await get(headers(first.clientSecret))).statusCode, 200);
    assert.equal((await get(headers(second.clientSecret))).statusCode, 200);
    const third = await rotateClientSecret(t.db.db, clock, 'sandbox', c.clientId, 0);
    assert.equal((await get(headers(second.clientSecret))).statusCode, 401);
    assert.equal((await get(headers(third.clientSecret))).statusCode, 200);
  });

  it('refuses a disabled client with 403 CLIENT_DISABLED, and its sessions too', async () => {
    const c = await createClient(t.db.db, 'sandbox', { name: 'To disable' });
    const headers = { 'ratio-client-id': c.clientId, 'ratio-client-secret': c.clientSecret };
    const session = await t.app.inject({
      method: 'POST',
      url: '/v1/client/sessions',
      headers,
      payload: { signingAddress: EVM, signingType: 'EVM' },
    });
    assert.equal(session.statusCode, 201);
    await setClientStatus(t.db.db, c.clientId, 'DISABLED', clock.now());
    const res = await get(headers);
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().code, 'CLIENT_DISABLED');
    assert.equal((await get({ 'ratio-client-session-id': session.json().id })).json().code, 'CLIENT_DISABLED');
  });

  it('stores only a hash of the secret', async () => {
    const rows = await t.db.db.selectFrom('client_secrets').selectAll().where('client_id', '=', t.client.id).execute();
    assert.equal(rows.length, 1);
    assert.ok(!Buffer.from(rows[0]!.secret_hash).toString('utf8').includes(t.client.secret));
    assert.equal(rows[0]!.hint, t.client.secret.slice(-4));
  });
});

describe('client sessions', () => {
  let t: TestApp;
  const clock = new ManualClock('2026-01-05T10:00:00Z');
  before(async () => {
    t = await startTestApp({
      clock,
      env: { ONRAMP_CLIENT_SESSION_TTL_SECONDS: '600', ONRAMP_CLIENT_CACHE_TTL_MS: '0' },
    });
  });
  after(() => t.close());

  const create = (payload: object, headers = t.clientHeaders) =>
    t.app.inject({ method: 'POST', url: '/v1/client/sessions', headers, payload });

  it('creates a session bound to the signing address, deposit defaulting to it, checksummed', async () => {
    const res = await create({ signingAddress: EVM.toLowerCase(), signingType: 'EVM' });
    assert.equal(res.statusCode, 201);
    const s = res.json();
    assert.match(s.id, /^cs_[A-Za-z0-9_-]{43}$/);
    assert.equal(s.signingAddress, EVM);
    assert.equal(s.depositAddress, EVM);
    assert.equal(s.depositType, 'EVM');
    assert.equal(Date.parse(s.expireTime) - Date.parse(s.createTime), 600_000);
    const got = await t.app.inject({ method: 'GET', url: `/v1/client/sessions/${s.id}`, headers: t.clientHeaders });
    assert.equal(got.statusCode, 200);
    assert.equal(got.json().signingAddress, EVM);
  });

  it('takes a separate deposit address and a Solana signer', async () => {
    const res = await create({
      signingAddress: '4Nd1mYQzvgV8Vr3Z3nYb7pD1Ww7Wc5yZ6Ejc8Q1sBzgY',
      signingType: 'SOLANA',
      depositAddress: EVM,
    });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().signingType, 'SOLANA');
    assert.equal(res.json().depositType, 'EVM');
  });

  it('rejects addresses that are not valid for their type, naming the field', async () => {
    const bad = await create({ signingAddress: '0x123', signingType: 'EVM' });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().code, 'INVALID_SIGNING_ADDRESS');
    const checksum = await create({ signingAddress: '0x8ba1f109551bD432803012645Ac136ddd64dBA72', signingType: 'EVM' });
    assert.equal(checksum.json().code, 'INVALID_SIGNING_ADDRESS', 'a wrong EIP-55 checksum is rejected');
    const deposit = await create({ signingAddress: EVM, signingType: 'EVM', depositAddress: 'nope' });
    assert.equal(deposit.json().code, 'INVALID_DEPOSIT_ADDRESS');
  });

  it('authenticates client-level calls with only the session id, until it expires', async () => {
    const s = (await create({ signingAddress: EVM, signingType: 'EVM' })).json();
    const ok = await t.app.inject({ method: 'GET', url: '/v1/config', headers: { 'ratio-client-session-id': s.id } });
    assert.equal(ok.statusCode, 200);
    const withId = await t.app.inject({
      method: 'GET',
      url: '/v1/config',
      headers: { 'ratio-client-session-id': s.id, 'ratio-client-id': t.client.id },
    });
    assert.equal(withId.statusCode, 200);
    clock.advance(601_000);
    const expired = await t.app.inject({
      method: 'GET',
      url: '/v1/config',
      headers: { 'ratio-client-session-id': s.id },
    });
    assert.equal(expired.statusCode, 401);
    assert.equal(expired.json().code, 'EXPIRED_SESSION_ID');
    const lookup = await t.app.inject({ method: 'GET', url: `/v1/client/sessions/${s.id}`, headers: t.clientHeaders });
    assert.equal(lookup.statusCode, 422);
    assert.equal(lookup.json().code, 'EXPIRED_SESSION_ID');
  });

  it('does not let a session act for another client or reach secret-only endpoints', async () => {
    const s = (await create({ signingAddress: EVM, signingType: 'EVM' })).json();
    const other = await createClient(t.db.db, 'sandbox', { name: 'Other' });
    const mixed = await t.app.inject({
      method: 'GET',
      url: '/v1/config',
      headers: { 'ratio-client-session-id': s.id, 'ratio-client-id': other.clientId },
    });
    assert.equal(mixed.statusCode, 401);
    assert.equal(mixed.json().code, 'INVALID_CLIENT_ID');
    const foreign = await t.app.inject({
      method: 'GET',
      url: `/v1/client/sessions/${s.id}`,
      headers: { 'ratio-client-id': other.clientId, 'ratio-client-secret': other.clientSecret },
    });
    assert.equal(foreign.statusCode, 404);
    assert.equal(foreign.json().code, 'NOT_FOUND_SESSION');
    const secretOnly = await t.app.inject({
      method: 'POST',
      url: '/v1/client/sessions',
      headers: { 'ratio-client-session-id': s.id },
      payload: { signingAddress: EVM, signingType: 'EVM' },
    });
    assert.equal(secretOnly.statusCode, 401);
    assert.equal(secretOnly.json().code, 'MISSING_CLIENT_ID');
    const unknown = await t.app.inject({
      method: 'GET',
      url: '/v1/config',
      headers: { 'ratio-client-session-id': 'cs_doesnotexist_doesnotexist' },
    });
    assert.equal(unknown.json().code, 'NOT_FOUND_SESSION');
  });
});

describe('client sessions with the client cache on', () => {
  let t: TestApp;
  const clock = new ManualClock('2026-01-05T10:00:00Z');
  before(async () => {
    // Sessions live 60 s, less than the cache's 120 s: the expiry must hold while the session is cached.
    t = await startTestApp({
      clock,
      env: { ONRAMP_CLIENT_SESSION_TTL_SECONDS: '60', ONRAMP_CLIENT_CACHE_TTL_MS: '120000' },
    });
  });
  after(() => t.close());

  const config = (headers: Record<string, string>) => t.app.inject({ method: 'GET', url: '/v1/config', headers });

  it('a cached session still expires on time, still refuses another client id, and its disabled client', async () => {
    const s = (
      await t.app.inject({
        method: 'POST',
        url: '/v1/client/sessions',
        headers: t.clientHeaders,
        payload: { signingAddress: EVM, signingType: 'EVM' },
      })
    ).json();
    assert.equal((await config({ 'ratio-client-session-id': s.id })).statusCode, 200);
    assert.equal((await config({ 'ratio-client-session-id': s.id })).statusCode, 200, 'served from the cache');
    const other = await createClient(t.db.db, 'sandbox', { name: 'Other, cached' });
    const mixed = await config({ 'ratio-client-session-id': s.id, 'ratio-client-id': other.clientId });
    assert.equal(mixed.json().code, 'INVALID_CLIENT_ID');
    clock.advance(61_000);
    const expired = await config({ 'ratio-client-session-id': s.id });
    assert.equal(expired.statusCode, 401);
    assert.equal(expired.json().code, 'EXPIRED_SESSION_ID');

    // Disabling the client through this process's authenticator ends its cached sessions at once.
    const c = await createClient(t.db.db, 'sandbox', { name: 'To disable, cached' });
    const cs = (
      await t.app.inject({
        method: 'POST',
        url: '/v1/client/sessions',
        headers: { 'ratio-client-id': c.clientId, 'ratio-client-secret': c.clientSecret },
        payload: { signingAddress: EVM, signingType: 'EVM' },
      })
    ).json();
    assert.equal((await config({ 'ratio-client-session-id': cs.id })).statusCode, 200);
    await setClientStatus(t.db.db, c.clientId, 'DISABLED', clock.now());
    t.ctx.clientAuth.invalidate(c.clientId);
    assert.equal((await config({ 'ratio-client-session-id': cs.id })).json().code, 'CLIENT_DISABLED');
  });
});

describe('demo client', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it('uses ONRAMP_DEMO_CLIENT_ID/SECRET exactly, and keeps working across restarts', async () => {
    const config = {
      ...t.config,
      demoClient: { id: '11111111-1111-4111-8111-111111111111', secret: 'demo-secret-demo-secret-demo-secret-1' },
    };
    const first = await ensureDemoClient(t.db.db, config, t.ctx.clock);
    assert.deepEqual(first, { clientId: config.demoClient.id, clientSecret: config.demoClient.secret });
    const again = await ensureDemoClient(t.db.db, config, t.ctx.clock);
    assert.deepEqual(again, first);
    const res = await t.app.inject({
      method: 'GET',
      url: '/v1/config',
      headers: { 'ratio-client-id': first.clientId, 'ratio-client-secret': first.clientSecret },
    });
    assert.equal(res.statusCode, 200);
  });

  it('generates credentials once and keeps them in the state directory', async () => {
    const config = {
      ...t.config,
      stateDir: `${t.config.stateDir}/gen`,
      demoClient: { id: undefined, secret: undefined },
    };
    const t2 = await startTestApp();
    try {
      const first = await ensureDemoClient(t2.db.db, config, t2.ctx.clock);
      const second = await ensureDemoClient(t2.db.db, config, t2.ctx.clock);
      assert.deepEqual(second, first);
      assert.match(first.clientSecret, /^sk_sandbox_/);
    } finally {
      await t2.close();
    }
  });
});
