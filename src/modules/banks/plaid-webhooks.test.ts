// Plaid item webhooks end to end: the built-in sandbox fires them (reset_login, fire_webhook, a
// repaired login) to /webhooks/plaid, which verifies the JWT through the official client and moves
// the bank. Forged, tampered and stale webhooks are refused and change nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateKeyPair, SignJWT } from 'jose';
import { linkBank, sandboxPlaid, setKycStatus } from '../../../test/banks.ts';
import { baseUrl, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { createApiUser, type ApiUser } from '../../../test/users.ts';
import { ManualClock } from '../../lib/clock.ts';
import { sha256 } from '../../lib/crypto.ts';
import { signWebhook } from '../../sandbox/plaid/sandbox.ts';
import { decryptAccessToken } from './repository.ts';

describe('Plaid item webhooks', () => {
  let t: TestApp;
  let base: string;
  before(async () => {
    t = await startTestApp({ listen: true, workers: true });
    base = baseUrl(t);
  });
  after(() => t.close());

  const linked = async (): Promise<{ user: ApiUser; bankId: string; accessToken: string; itemId: string }> => {
    const user = await createApiUser(t, { body: { firstName: 'Grace', lastName: 'Hopper' } });
    await setKycStatus(t, user.id, 'APPROVED');
    const res = await linkBank(t, base, user);
    assert.equal(res.statusCode, 200, res.body);
    const bankId = res.json().bankAccount.id;
    const row = await t.db.db.selectFrom('banks').selectAll().where('id', '=', bankId).executeTakeFirstOrThrow();
    return { user, bankId, accessToken: decryptAccessToken(t.ctx.secrets.keyring, row), itemId: row.plaid_item_id };
  };
  const linkStatus = async (bankId: string) =>
    (await t.db.db.selectFrom('banks').select('link_status').where('id', '=', bankId).executeTakeFirstOrThrow())
      .link_status;
  const waitFor = async (bankId: string, status: string) => {
    const deadline = Date.now() + 20_000;
    while ((await linkStatus(bankId)) !== status) {
      if (Date.now() > deadline)
        throw new Error(`bank ${bankId} never became ${status} (is ${await linkStatus(bankId)})`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const deliver = (body: string, jwt?: string) =>
    fetch(`${base}/webhooks/plaid`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(jwt ? { 'plaid-verification': jwt } : {}) },
      body,
    });

  it('reset_login → ERROR ITEM_LOGIN_REQUIRED webhook → LOGIN_REQUIRED with BANK_UPDATED; LOGIN_REPAIRED → ACTIVE', async () => {
    const { user, bankId, accessToken, itemId } = await linked();
    const reset = await sandboxPlaid(
      base,
      '/sandbox/item/reset_login',
      { access_token: accessToken },
      t.ctx.plaid.sandboxCredentials!,
    );
    assert.equal(reset.status, 200);
    await waitFor(bankId, 'LOGIN_REQUIRED');
    const events = await t.db.db
      .selectFrom('events')
      .select('data')
      .where('user_id', '=', user.id)
      .where('type', '=', 'BANK_UPDATED')
      .orderBy('created_at')
      .execute();
    assert.deepEqual(
      events.map((e) => (e.data as { linkStatus: string }).linkStatus),
      ['ACTIVE', 'LOGIN_REQUIRED'],
    );

    // The user repairs the login in update mode (the sandbox Link API, as the page calls it).
    const update = await t.app.inject({
      method: 'POST',
      url: `/v1/users/${user.id}/banks/${bankId}:requestLink`,
      headers: user.headers,
      payload: {},
    });
    assert.equal(update.statusCode, 200, update.body);
    const done = await fetch(`${base}/sandbox/link/complete`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: update.json().linkToken, username: 'custom_ratio_good', password: 'pass_good' }),
    });
    assert.equal(done.status, 200);
    assert.equal(((await done.json()) as { updateMode: boolean }).updateMode, true);
    await waitFor(bankId, 'ACTIVE');
    const item = await sandboxPlaid(base, '/item/get', { access_token: accessToken }, t.ctx.plaid.sandboxCredentials!);
    assert.equal((item.body.item as { item_id: string; error: unknown }).error, null);
    assert.equal((item.body.item as { item_id: string }).item_id, itemId);
  });

  it('PENDING_EXPIRATION moves the bank to LOGIN_REQUIRED', async () => {
    const { bankId, accessToken } = await linked();
    const fired = await sandboxPlaid(
      base,
      '/sandbox/item/fire_webhook',
      { access_token: accessToken, webhook_code: 'PENDING_EXPIRATION' },
      t.ctx.plaid.sandboxCredentials!,
    );
    assert.equal(fired.status, 200, JSON.stringify(fired.body));
    await waitFor(bankId, 'LOGIN_REQUIRED');
  });

  it('refuses unsigned, forged, tampered and stale webhooks with 401 INVALID_SIGNATURE, changing nothing', async () => {
    const { bankId, itemId } = await linked();
    const payload = {
      webhook_type: 'ITEM',
      webhook_code: 'PENDING_EXPIRATION',
      item_id: itemId,
      consent_expiration_time: new Date().toISOString(),
      environment: 'sandbox',
    };
    const deps = { db: t.db.db, keyring: t.ctx.secrets.keyring, clock: t.ctx.clock };
    const genuine = await signWebhook(deps, payload);

    const unsigned = await deliver(genuine.body);
    assert.equal(unsigned.status, 401);
    assert.equal(((await unsigned.json()) as { code: string }).code, 'INVALID_SIGNATURE');

    const tampered = await deliver(genuine.body.replace('PENDING_EXPIRATION', 'PENDING_DISCONNECT'), genuine.jwt);
    assert.match(((await tampered.json()) as { message: string }).message, /request_body_sha256/);

    const stale = await signWebhook({ ...deps, clock: new ManualClock(Date.now() - 10 * 60_000) }, payload);
    assert.match(
      ((await (await deliver(stale.body, stale.jwt)).json()) as { message: string }).message,
      /does not verify/,
    );

    // Signed with someone else's key under the sandbox key's id.
    const kid = JSON.parse(Buffer.from(genuine.jwt.split('.')[0]!, 'base64url').toString()).kid as string;
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({ request_body_sha256: sha256(genuine.body).toString('hex') })
      .setProtectedHeader({ alg: 'ES256', kid })
      .setIssuedAt()
      .sign(privateKey);
    assert.equal((await deliver(genuine.body, forged)).status, 401);

    // alg none / HS256 with the public key as secret are refused before any key is used.
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid })).toString('base64url')}.${Buffer.from(JSON.stringify({ request_body_sha256: sha256(genuine.body).toString('hex'), iat: Math.floor(Date.now() / 1000) })).toString('base64url')}.`;
    assert.match(((await (await deliver(genuine.body, none)).json()) as { message: string }).message, /ES256/);

    assert.equal(await linkStatus(bankId), 'ACTIVE', 'nothing changed');
    const accepted = await deliver(genuine.body, genuine.jwt);
    assert.equal(accepted.status, 200);
    assert.equal(await linkStatus(bankId), 'LOGIN_REQUIRED');
  });
  it('a forged webhook with an unknown key id is 401, and the miss is cached: one upstream key fetch per kid', async () => {
    const keyFetches = () =>
      t.logs.records().filter(
        // The one line each request logs (plugins/metrics.ts).
        (r) => r.msg === 'request' && r.path === '/sandbox/plaid/webhook_verification_key/get',
      ).length;
    const body = JSON.stringify({ webhook_type: 'ITEM', webhook_code: 'LOGIN_REPAIRED', item_id: 'item-x' });
    const { privateKey } = await generateKeyPair('ES256');
    const forge = (kid: string) =>
      new SignJWT({ request_body_sha256: sha256(body).toString('hex') })
        .setProtectedHeader({ alg: 'ES256', kid })
        .setIssuedAt()
        .sign(privateKey);
    const before = keyFetches();
    const jwt = await forge('forged-kid-0001');
    for (let i = 0; i < 5; i++) {
      const res = await deliver(body, jwt);
      assert.equal(res.status, 401);
      const answer = (await res.json()) as { code: string; message: string };
      assert.equal(answer.code, 'INVALID_SIGNATURE');
      assert.match(answer.message, /unknown key id/);
    }
    assert.equal(keyFetches() - before, 1, 'five forgeries with one kid cost one upstream fetch');
    // Past the miss's time in the cache the key is asked for again, once.
    const advanced = await t.app.inject({
      method: 'POST',
      url: '/sandbox/clock:advance',
      headers: t.clientHeaders,
      payload: { seconds: 360 },
    });
    assert.equal(advanced.statusCode, 200, advanced.body);
    assert.equal((await deliver(body, jwt)).status, 401);
    assert.equal((await deliver(body, jwt)).status, 401);
    assert.equal(keyFetches() - before, 2);
  });
});
