// Ratio's partner session flow, as aliases over client sessions: the partner's backend has the
// user's wallet sign a challenge (partner/auth/cryptoWallet:start, :authenticate with the
// depositAddress) and gets a sessionId and partnerUrl; GET /v1/partner/sessions/{sessionId} reads it;
// the embedded front end sends it as ratio-partner-session-id, exactly like ratio-client-session-id.
// Shapes are compared with Ratio's own OpenAPI document (test/fixtures/ratio-openapi-extract.json).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { PrivateKeyAccount } from 'viem/accounts';
import { insertUser, newAccount, post, walletSignIn, type Headers } from '../../../test/auth.ts';
import { startTestApp, type TestApp } from '../../../test/helpers.ts';
import { setFlag } from '../flags/index.ts';
import { createClient } from './create-client.ts';

const ratio = JSON.parse(fs.readFileSync(path.join(process.cwd(), 'test/fixtures/ratio-openapi-extract.json'), 'utf8'));
const ratioSchema = (name: string) =>
  ratio.components.schemas[name] as { required?: string[]; properties: Record<string, { enum?: string[] }> };

/** Every field is one Ratio's schema has, every required one is there, and enums hold. */
function assertRatioShape(value: Record<string, unknown>, schemaName: string): void {
  const schema = ratioSchema(schemaName);
  for (const key of schema.required ?? []) assert.ok(key in value, `${schemaName}.${key} is required`);
  for (const [key, v] of Object.entries(value)) {
    const property = schema.properties[key];
    assert.ok(property, `${schemaName} has no property ${key}`);
    if (property.enum) assert.ok(property.enum.includes(String(v)), `${schemaName}.${key}=${String(v)}`);
  }
}

describe("Ratio's partner session flow", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  async function partnerSignIn(account: PrivateKeyAccount, extra: Record<string, unknown> = {}, headers?: Headers) {
    const start = await post(
      t,
      '/v1/partner/auth/cryptoWallet:start',
      { walletAddress: account.address, walletNetwork: 'ETHEREUM' },
      headers,
    );
    assert.equal(start.statusCode, 200, start.body);
    const signature = await account.signMessage({ message: start.json().challenge });
    return post(
      t,
      '/v1/partner/auth/cryptoWallet:authenticate',
      { walletAddress: account.address, walletNetwork: 'ETHEREUM', signature, ...extra },
      headers,
    );
  }
  const getSession = (id: string, headers: Headers = { 'ratio-client-id': t.client.id }) =>
    t.app.inject({ method: 'GET', url: `/v1/partner/sessions/${id}`, headers });

  it('authenticates a wallet into a partner session: sessionId and partnerUrl, readable with the client id', async () => {
    const account = newAccount();
    const deposit = newAccount().address;
    const res = await partnerSignIn(account, { depositAddress: deposit.toLowerCase() });
    assert.equal(res.statusCode, 200, res.body);
    assertRatioShape(res.json(), 'PartnerAuthenticationResponse');
    const { sessionId, partnerUrl } = res.json();
    assert.match(sessionId, /^cs_/);
    assert.equal(partnerUrl, `${t.config.http.publicUrl}/v1/partner/sessions/${sessionId}`);

    const got = await getSession(sessionId);
    assert.equal(got.statusCode, 200, got.body);
    assertRatioShape(got.json(), 'PartnerSession');
    assert.equal(got.json().id, sessionId);
    assert.equal(got.json().depositAddress, deposit, 'checksummed');
    assert.equal(got.json().depositNetwork, 'ETHEREUM');
    assert.equal(got.json().userMask, undefined, 'a new wallet belongs to nobody yet');
    // The same session, read as a client session with the secret.
    const asClient = await t.app.inject({
      method: 'GET',
      url: `/v1/client/sessions/${sessionId}`,
      headers: t.clientHeaders,
    });
    assert.equal(asClient.json().signingAddress, account.address);
  });

  it('the depositAddress defaults to the signing wallet; a bad one is 400 and uses no challenge', async () => {
    const account = newAccount();
    const bad = await partnerSignIn(account, { depositAddress: '0x1234' });
    assert.equal(bad.statusCode, 400, bad.body);
    assert.equal(bad.json().code, 'INVALID_DEPOSIT_ADDRESS');
    const res = await partnerSignIn(account);
    assert.equal((await getSession(res.json().sessionId)).json().depositAddress, account.address);
  });

  it('ratio-partner-session-id works like ratio-client-session-id: only its wallet signs in through it', async () => {
    const user = await insertUser(t);
    const { sessionId } = (await partnerSignIn(user.account)).json();
    // A partner session of a known wallet knows its user.
    const mask = (await getSession(sessionId)).json().userMask;
    assertRatioShape(mask, 'UserMask');
    assert.equal(mask.id, user.id);
    const headers = { 'ratio-partner-session-id': sessionId };
    const signedIn = await walletSignIn(t, user.account, { headers });
    assert.equal(signedIn.statusCode, 200, signedIn.body);
    assert.equal(signedIn.json().userMask.id, user.id);
    const other = await post(
      t,
      '/v1/auth/cryptoWallet:start',
      { walletAddress: newAccount().address, walletType: 'EVM' },
      headers,
    );
    assert.equal(other.statusCode, 403);
    assert.equal(other.json().data.rule, 'clientSessionSigningAddress');
    const wrong = await post(
      t,
      '/v1/auth/cryptoWallet:start',
      { walletAddress: user.account.address, walletType: 'EVM' },
      { 'ratio-partner-session-id': 'cs_not-a-session-at-all' },
    );
    assert.equal(wrong.statusCode, 401);
  });

  it('refuses a wrong signature (401), a reused challenge, a suspended user (403), and another client', async () => {
    const account = newAccount();
    const start = await post(t, '/v1/partner/auth/cryptoWallet:start', {
      walletAddress: account.address,
      walletNetwork: 'ETHEREUM',
    });
    const forged = await newAccount().signMessage({ message: start.json().challenge });
    const wrong = await post(t, '/v1/partner/auth/cryptoWallet:authenticate', {
      walletAddress: account.address,
      walletNetwork: 'ETHEREUM',
      signature: forged,
    });
    assert.equal(wrong.statusCode, 401);
    assert.equal(wrong.json().code, 'INVALID_SIGNATURE');
    const signature = await account.signMessage({ message: start.json().challenge });
    const body = { walletAddress: account.address, walletNetwork: 'ETHEREUM', signature };
    assert.equal((await post(t, '/v1/partner/auth/cryptoWallet:authenticate', body)).statusCode, 200);
    const reused = await post(t, '/v1/partner/auth/cryptoWallet:authenticate', body);
    assert.equal(reused.json().data.rule, 'reused');

    const suspended = await insertUser(t);
    await setFlag(t.db.db, {
      userId: suspended.id,
      code: 'F0000',
      reason: 'test',
      actor: 'OPERATOR:test',
      now: t.ctx.clock.now(),
    });
    const blocked = await partnerSignIn(suspended.account);
    assert.equal(blocked.statusCode, 403, blocked.body);
    assert.equal(blocked.json().code, 'USER_BLOCKED');

    const { sessionId } = (await partnerSignIn(newAccount())).json();
    const other = await createClient(t.db.db, t.config.mode, { name: 'Another partner' });
    const foreign = await getSession(sessionId, { 'ratio-client-id': other.clientId });
    assert.equal(foreign.statusCode, 404);
    assert.equal(foreign.json().code, 'NOT_FOUND_SESSION');
    const noClient = await getSession(sessionId, {});
    assert.equal(noClient.json().code, 'MISSING_CLIENT_ID');
    // Starting needs the client secret: it is the partner's backend that vouches for the session.
    const viaId = await post(
      t,
      '/v1/partner/auth/cryptoWallet:start',
      { walletAddress: account.address, walletNetwork: 'ETHEREUM' },
      { 'ratio-client-id': t.client.id },
    );
    assert.equal(viaId.json().code, 'MISSING_CLIENT_SECRET');
  });
});
