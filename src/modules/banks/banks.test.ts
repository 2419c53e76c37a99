// The Bank endpoints as a partner uses them, with the official plaid client against the built-in
// sandbox over real HTTP, and verification waiting for KYC through real events and jobs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { post } from '../../../test/auth.ts';
import { linkBank, sandboxPlaid, sandboxPublicToken, setKycStatus } from '../../../test/banks.ts';
import { baseUrl, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { createApiUser, type ApiUser } from '../../../test/users.ts';
import { createClient } from '../clients/create-client.ts';
import { setFlag } from '../flags/index.ts';
import { decryptAccessToken, getBankForDebit } from './repository.ts';

describe('banks', () => {
  let t: TestApp;
  let base: string;
  before(async () => {
    t = await startTestApp({ listen: true, workers: true });
    base = baseUrl(t);
  });
  after(() => t.close());

  const ada = { firstName: 'Ada', middleName: 'King', lastName: 'Lovelace' };
  const newUser = async (kyc: 'APPROVED' | 'NONE' = 'APPROVED'): Promise<ApiUser> => {
    const user = await createApiUser(t, { body: ada });
    if (kyc === 'APPROVED') await setKycStatus(t, user.id, 'APPROVED');
    return user;
  };
  const getBank = (user: ApiUser, bankId: string) =>
    t.app.inject({ method: 'GET', url: `/v1/users/${user.id}/banks/${bankId}`, headers: user.headers });
  const del = (user: ApiUser, bankId: string) =>
    t.app.inject({ method: 'DELETE', url: `/v1/users/${user.id}/banks/${bankId}`, headers: user.headers });
  const bankEvents = (userId: string) =>
    t.db.db
      .selectFrom('events')
      .selectAll()
      .where('user_id', '=', userId)
      .where('type', '=', 'BANK_UPDATED')
      .orderBy('created_at')
      .execute();
  const row = (bankId: string) =>
    t.db.db.selectFrom('banks').selectAll().where('id', '=', bankId).executeTakeFirstOrThrow();

  async function until<T>(what: string, fn: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const value = await fn();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it('links Tartan Bank as custom_ratio_good: ACTIVE and APPROVED, stored encrypted, on the user, with BANK_UPDATED', async () => {
    const user = await newUser();
    const requested = await post(t, `/v1/users/${user.id}/banks:requestLink`, {}, user.headers);
    assert.equal(requested.statusCode, 200);
    assert.match(requested.json().linkToken, /^link-sandbox-[0-9a-f-]{36}$/);

    const publicToken = await sandboxPublicToken(base, user.id);
    const res = await post(t, `/v1/users/${user.id}/banks:activateLink`, { publicToken }, user.headers);
    assert.equal(res.statusCode, 200, res.body);
    const bank = res.json().bankAccount;
    assert.deepEqual(
      { name: bank.name, mask: bank.mask, linkStatus: bank.linkStatus, verificationStatus: bank.verificationStatus },
      { name: 'Plaid Checking', mask: '0000', linkStatus: 'ACTIVE', verificationStatus: 'APPROVED' },
    );
    assert.ok(bank.id && bank.createTime && bank.updateTime);

    const got = await getBank(user, bank.id);
    assert.equal(got.statusCode, 200);
    assert.deepEqual(got.json(), bank);
    const me = await t.app.inject({ method: 'GET', url: `/v1/users/${user.id}`, headers: user.headers });
    assert.deepEqual(me.json().connectedBankAccounts, [bank]);

    const stored = await row(bank.id);
    assert.deepEqual(stored.owner_names, ['Ada King Lovelace']);
    assert.equal(stored.available_cents, 10_000n);
    const accessToken = decryptAccessToken(t.ctx.secrets.keyring, stored);
    assert.match(accessToken, /^access-sandbox-/);
    const storedText = JSON.stringify(stored, (_k, v) => (typeof v === 'bigint' ? String(v) : v));
    assert.ok(
      !storedText.includes(accessToken) && !storedText.includes('1111222233330000'),
      'secrets are encrypted at rest',
    );
    const debit = await getBankForDebit(t.ctx, user.id, bank.id);
    assert.deepEqual(debit, {
      bankId: bank.id,
      userId: user.id,
      status: 'ACTIVE',
      verificationStatus: 'APPROVED',
      accountMask: '0000',
      routingNumber: '011401533',
      accountNumber: '1111222233330000',
      accountName: 'Plaid Checking',
    });

    const events = await bankEvents(user.id);
    assert.equal(events.length, 1);
    assert.deepEqual(events[0]!.data, bank);
    assert.ok(!t.logs.text().includes(accessToken), 'the access token never reaches the logs');
  });

  it('approves custom_ratio_good and declines custom_ratio_bad on every healthy sandbox institution; delete and relink between', async () => {
    const user = await newUser();
    for (const institutionId of ['ins_109511', 'ins_127287', 'ins_132241', 'ins_132363']) {
      for (const [username, password, expected] of [
        ['custom_ratio_good', 'pass_good', 'APPROVED'],
        ['custom_ratio_bad', 'pass_bad', 'DECLINED'],
      ] as const) {
        const res = await linkBank(t, base, user, { institutionId, username, password });
        assert.equal(res.statusCode, 200, `${institutionId} ${username}: ${res.body}`);
        assert.equal(res.json().bankAccount.verificationStatus, expected, `${institutionId} ${username}`);
        const stored = await row(res.json().bankAccount.id);
        assert.equal(stored.institution_id, institutionId);
        assert.equal((await del(user, stored.id)).statusCode, 204);
      }
    }
  });

  it('refuses a second bank with 409 ALREADY_EXISTS_BANK, and removes the Plaid item it was given', async () => {
    const user = await newUser();
    const first = await linkBank(t, base, user);
    const bankId = first.json().bankAccount.id;
    const again = await post(t, `/v1/users/${user.id}/banks:requestLink`, {}, user.headers);
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().code, 'ALREADY_EXISTS_BANK');
    assert.equal(again.json().data.bankId, bankId);
    const second = await post(
      t,
      `/v1/users/${user.id}/banks:activateLink`,
      { publicToken: await sandboxPublicToken(base, user.id) },
      user.headers,
    );
    assert.equal(second.statusCode, 409);
    assert.equal(second.json().code, 'ALREADY_EXISTS_BANK');
  });

  it('deletes a bank: 204, the Plaid item removed, GET 404 NOT_FOUND_BANK, BANK_UPDATED INACTIVE; then a new bank links', async () => {
    const user = await newUser();
    const bankId = (await linkBank(t, base, user)).json().bankAccount.id;
    const stored = await row(bankId);
    assert.equal((await del(user, bankId)).statusCode, 204);
    const item = await t.db.db
      .selectFrom('sandbox_plaid_items')
      .select('removed_at')
      .where('item_id', '=', stored.plaid_item_id)
      .executeTakeFirstOrThrow();
    assert.ok(item.removed_at, 'the Plaid item is removed');
    const gone = await getBank(user, bankId);
    assert.equal(gone.statusCode, 404);
    assert.equal(gone.json().code, 'NOT_FOUND_BANK');
    assert.equal((await del(user, bankId)).json().code, 'NOT_FOUND_BANK');
    const last = (await bankEvents(user.id)).at(-1)!;
    assert.equal((last.data as { linkStatus: string }).linkStatus, 'INACTIVE');
    assert.equal((await getBankForDebit(t.ctx, user.id, bankId))?.status, 'INACTIVE');
    const relinked = await linkBank(t, base, user);
    assert.equal(relinked.statusCode, 200);
    assert.notEqual(relinked.json().bankAccount.id, bankId);
  });

  it('keeps verification IN_REVIEW until KYC is approved, then decides it from the KYC_UPDATED event', async () => {
    const user = await newUser('NONE');
    const res = await linkBank(t, base, user);
    assert.equal(res.statusCode, 200, res.body);
    const bankId = res.json().bankAccount.id;
    assert.equal(res.json().bankAccount.verificationStatus, 'IN_REVIEW');
    await setKycStatus(t, user.id, 'IN_REVIEW');
    await setKycStatus(t, user.id, 'APPROVED');
    const approved = await until('verification', async () => {
      const bank = (await getBank(user, bankId)).json();
      return bank.verificationStatus === 'APPROVED' ? bank : undefined;
    });
    assert.equal(approved.linkStatus, 'ACTIVE');
    const events = await bankEvents(user.id);
    assert.deepEqual(
      events.map((e) => (e.data as { verificationStatus: string }).verificationStatus),
      ['IN_REVIEW', 'APPROVED'],
    );
  });

  it('verifies a bank linked before KYC once KYC is submitted through the API and approved by the sandbox provider', async () => {
    const user = await newUser('NONE');
    const bankId = (await linkBank(t, base, user)).json().bankAccount.id;
    const ssn = `5${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const kyc = await post(
      t,
      `/v1/users/${user.id}/kyc`,
      {
        dateOfBirth: '1990-04-21',
        idType: 'SSN',
        idNumber: `${ssn.slice(0, 3)}-${ssn.slice(3, 5)}-${ssn.slice(5)}`,
        line1: '1 Main St',
        city: 'Springfield',
        state: 'IL',
        postalCode: '62701',
      },
      user.headers,
    );
    assert.equal(kyc.statusCode, 200, kyc.body);
    const bank = await until('verification after KYC', async () => {
      const b = (await getBank(user, bankId)).json();
      return b.verificationStatus === 'APPROVED' ? b : undefined;
    });
    assert.equal(bank.linkStatus, 'ACTIVE');
  });

  it('declines the bank when KYC is declined', async () => {
    const user = await newUser('NONE');
    const bankId = (await linkBank(t, base, user)).json().bankAccount.id;
    await setKycStatus(t, user.id, 'DECLINED');
    await until('decline', async () =>
      (await getBank(user, bankId)).json().verificationStatus === 'DECLINED' ? true : undefined,
    );
  });

  it('update mode: 422 PLAID_LOGIN_ERROR while the link is fine; after reset_login the bank is LOGIN_REQUIRED and gets an update link token', async () => {
    const user = await newUser();
    const bankId = (await linkBank(t, base, user)).json().bankAccount.id;
    const fine = await post(t, `/v1/users/${user.id}/banks/${bankId}:requestLink`, {}, user.headers);
    assert.equal(fine.statusCode, 422);
    assert.equal(fine.json().code, 'PLAID_LOGIN_ERROR');

    const accessToken = decryptAccessToken(t.ctx.secrets.keyring, await row(bankId));
    const reset = await sandboxPlaid(
      base,
      '/sandbox/item/reset_login',
      { access_token: accessToken },
      t.ctx.plaid.sandboxCredentials!,
    );
    assert.equal(reset.status, 200);
    const update = await post(t, `/v1/users/${user.id}/banks/${bankId}:requestLink`, {}, user.headers);
    assert.equal(update.statusCode, 200, update.body);
    assert.match(update.json().linkToken, /^link-sandbox-/);
    const bank = await until('LOGIN_REQUIRED', async () => {
      const b = (await getBank(user, bankId)).json();
      return b.linkStatus === 'LOGIN_REQUIRED' ? b : undefined;
    });
    assert.equal(bank.verificationStatus, 'APPROVED');
    assert.ok(
      (await bankEvents(user.id)).some((e) => (e.data as { linkStatus: string }).linkStatus === 'LOGIN_REQUIRED'),
    );
  });

  it('validates input with the documented codes', async () => {
    const user = await newUser();
    const badId = await t.app.inject({
      method: 'GET',
      url: `/v1/users/${user.id}/banks/not-a-uuid`,
      headers: user.headers,
    });
    assert.equal(badId.json().code, 'INVALID_BANK_ID');
    const unknown = await getBank(user, '00000000-0000-4000-8000-000000000000');
    assert.deepEqual([unknown.statusCode, unknown.json().code], [404, 'NOT_FOUND_BANK']);
    const missing = await post(t, `/v1/users/${user.id}/banks:activateLink`, {}, user.headers);
    assert.deepEqual([missing.statusCode, missing.json().code], [400, 'MISSING_PUBLIC_TOKEN']);
    const expired = await post(
      t,
      `/v1/users/${user.id}/banks:activateLink`,
      { publicToken: 'public-sandbox-00000000-0000-4000-8000-000000000000' },
      user.headers,
    );
    assert.deepEqual(
      [expired.statusCode, expired.json().code, expired.json().data.field],
      [400, 'INVALID_PUBLIC_TOKEN', 'publicToken'],
    );
    const redirect = await post(
      t,
      `/v1/users/${user.id}/banks:requestLink`,
      { redirectUri: 'https://evil.example.com/plaid' },
      user.headers,
    );
    assert.deepEqual([redirect.statusCode, redirect.json().code], [400, 'UNSUPPORTED_REDIRECT_URI']);
    const android = await post(
      t,
      `/v1/users/${user.id}/banks:requestLink`,
      { androidPackageName: 'com.example.app' },
      user.headers,
    );
    assert.equal(android.json().code, 'UNSUPPORTED_ANDROID_PACKAGE_NAME');
    const noBody = await t.app.inject({
      method: 'POST',
      url: `/v1/users/${user.id}/banks:requestLink`,
      headers: user.headers,
    });
    assert.equal(noBody.statusCode, 200, noBody.body);
  });

  it('passes a redirect URI and Android package name registered for the client to Plaid', async () => {
    const partner = await createClient(t.db.db, 'sandbox', {
      name: 'Mobile partner',
      redirectUris: ['https://app.example.com/plaid'],
      androidPackageNames: ['com.example.app'],
    });
    const headers = { 'ratio-client-id': partner.clientId, 'ratio-client-secret': partner.clientSecret };
    const user = await createApiUser(t, { headers, body: ada });
    const res = await post(
      t,
      `/v1/users/${user.id}/banks:requestLink`,
      { redirectUri: 'https://app.example.com/plaid', androidPackageName: 'com.example.app' },
      user.headers,
    );
    assert.equal(res.statusCode, 200, res.body);
    const token = await t.db.db
      .selectFrom('sandbox_plaid_link_tokens')
      .selectAll()
      .where('client_user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      [token.redirect_uri, token.android_package_name, token.legal_name],
      ['https://app.example.com/plaid', 'com.example.app', 'Ada King Lovelace'],
    );
    assert.deepEqual(token.products, ['auth', 'identity']);
  });

  it('applies account flags (403) and hides other users’ banks (404)', async () => {
    const user = await newUser();
    const bankId = (await linkBank(t, base, user)).json().bankAccount.id;
    const other = await newUser();
    const foreign = await t.app.inject({
      method: 'GET',
      url: `/v1/users/${user.id}/banks/${bankId}`,
      headers: other.headers,
    });
    assert.equal(foreign.statusCode, 404);
    const notMine = await getBank(other, bankId);
    assert.equal(notMine.json().code, 'NOT_FOUND_BANK');

    await t.db.db.transaction().execute((trx) =>
      setFlag(trx, {
        userId: user.id,
        code: 'F1001',
        reason: 'test',
        actor: 'SYSTEM:test',
        now: t.ctx.clock.now(),
      }).then(() => undefined),
    );
    const blocked = await del(user, bankId);
    assert.deepEqual([blocked.statusCode, blocked.json().code], [403, 'USER_BLOCKED']);
    assert.equal((await getBank(user, bankId)).statusCode, 200, 'reads stay allowed');
  });
});
