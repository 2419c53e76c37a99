// The built-in Plaid sandbox through the official `plaid` client, over real HTTP: shapes, keys,
// institutions and test users, token lifetimes, item errors and signed item webhooks.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import { Configuration, CountryCode, PlaidApi, Products, type PlaidError } from 'plaid';
import { baseUrl, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { plaidFailure } from '../../../test/plaid.ts';
import { OTHER_OWNER, PLAID_DEFAULT_OWNER } from './institutions.ts';

/** A receiver for item webhooks: records raw bodies and their Plaid-Verification header. */
function webhookReceiver() {
  const received: Array<{ body: string; jwt: string }> = [];
  const waiters: Array<() => void> = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ body, jwt: String(req.headers['plaid-verification'] ?? '') });
      res.writeHead(200).end('ok');
      for (const w of waiters.splice(0)) w();
    });
  });
  return {
    received,
    async start(): Promise<string> {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      return `http://127.0.0.1:${(server.address() as { port: number }).port}/plaid`;
    },
    async next(count: number): Promise<void> {
      const deadline = Date.now() + 20_000;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`no webhook after 20 s (got ${received.length})`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 250);
        });
      }
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('built-in Plaid sandbox, through the official plaid client', () => {
  let t: TestApp;
  let plaid: PlaidApi;
  const receiver = webhookReceiver();
  let webhook: string;

  before(async () => {
    t = await startTestApp({ listen: true, workers: true });
    plaid = t.ctx.plaid.api();
    webhook = await receiver.start();
  });
  after(async () => {
    await t.close();
    await receiver.close();
  });

  const linkToken = (clientUserId: string, legalName: string) =>
    plaid.linkTokenCreate({
      client_name: 'onramp test',
      language: 'en',
      country_codes: [CountryCode.Us],
      user: { client_user_id: clientUserId, legal_name: legalName },
      products: [Products.Auth, Products.Identity],
    });

  const publicToken = async (institutionId: string, username: string, password: string, userId?: string) =>
    (
      await plaid.sandboxPublicTokenCreate({
        institution_id: institutionId,
        initial_products: [Products.Auth, Products.Identity],
        options: { override_username: username, override_password: password, webhook },
        ...(userId ? { user_id: userId } : {}),
      })
    ).data.public_token;

  const link = async (institutionId: string, username: string, password: string, userId?: string) => {
    const exchanged = await plaid.itemPublicTokenExchange({
      public_token: await publicToken(institutionId, username, password, userId),
    });
    return exchanged.data;
  };

  it('creates link tokens in Plaid’s format with a four-hour expiry', async () => {
    const { data } = await linkToken('user-1', 'Ada Lovelace');
    assert.match(data.link_token, /^link-sandbox-[0-9a-f-]{36}$/);
    assert.match(data.request_id, /^[A-Za-z0-9]{15}$/);
    const hours = (new Date(data.expiration).getTime() - Date.now()) / 3600_000;
    assert.ok(hours > 3.9 && hours <= 4, `expiration ${data.expiration}`);
  });

  it('links Tartan Bank as custom_ratio_good: accounts, ACH numbers, identity named after the link user, balances, item', async () => {
    await linkToken('user-ada', 'Ada King Lovelace');
    const { access_token, item_id } = await link('ins_109511', 'custom_ratio_good', 'pass_good', 'user-ada');
    assert.match(access_token, /^access-sandbox-[0-9a-f-]{36}$/);
    assert.match(item_id, /^[A-Za-z0-9]{37}$/);

    const accounts = (await plaid.accountsGet({ access_token })).data;
    assert.deepEqual(
      accounts.accounts.map((a) => [a.name, a.type, a.subtype, a.mask]),
      [
        ['Plaid Checking', 'depository', 'checking', '0000'],
        ['Plaid Saving', 'depository', 'savings', '1111'],
      ],
    );
    assert.equal(accounts.item.item_id, item_id);
    assert.equal(accounts.item.institution_id, 'ins_109511');
    assert.equal(accounts.item.error, null);

    const auth = (await plaid.authGet({ access_token })).data;
    assert.deepEqual(
      auth.numbers.ach.map((n) => [n.account, n.routing]),
      [
        ['1111222233330000', '011401533'],
        ['1111222233331111', '011401533'],
      ],
    );
    assert.equal(auth.numbers.ach[0]!.account_id, accounts.accounts[0]!.account_id);

    const identity = (await plaid.identityGet({ access_token })).data;
    assert.deepEqual(identity.accounts[0]!.owners[0]!.names, ['Ada King Lovelace']);

    const balance = (
      await plaid.accountsBalanceGet({ access_token, options: { account_ids: [accounts.accounts[1]!.account_id] } })
    ).data;
    assert.deepEqual(
      balance.accounts.map((a) => [a.balances.available, a.balances.current, a.balances.iso_currency_code]),
      [[200, 210, 'USD']],
    );

    const item = (await plaid.itemGet({ access_token })).data;
    assert.equal(item.item.webhook, webhook);
    assert.deepEqual(item.item.products, ['auth', 'identity']);
  });

  it('gives each test user its documented owner, on every institution but the one that is down', async () => {
    for (const institution of ['ins_109511', 'ins_127287', 'ins_132241', 'ins_132363']) {
      const bad = await link(institution, 'custom_ratio_bad', 'pass_bad');
      assert.deepEqual(
        (await plaid.identityGet({ access_token: bad.access_token })).data.accounts[0]!.owners[0]!.names,
        [OTHER_OWNER],
        institution,
      );
      const standard = await link(institution, 'user_good', 'pass_good');
      assert.deepEqual(
        (await plaid.identityGet({ access_token: standard.access_token })).data.accounts[0]!.owners[0]!.names,
        [PLAID_DEFAULT_OWNER],
        institution,
      );
    }
    const down = await plaidFailure(publicToken('ins_132361', 'custom_ratio_good', 'pass_good'));
    assert.equal(down.error_type, 'INSTITUTION_ERROR');
    assert.equal(down.error_code, 'INSTITUTION_DOWN');
    assert.equal(down.status, 400);
  });

  it('answers wrong credentials, triggered errors and unknown institutions with Plaid’s error objects', async () => {
    const wrong = await plaidFailure(publicToken('ins_109511', 'custom_ratio_good', 'pass_bad'));
    assert.deepEqual([wrong.error_type, wrong.error_code], ['ITEM_ERROR', 'INVALID_CREDENTIALS']);
    assert.match(wrong.request_id!, /^[A-Za-z0-9]{15}$/);
    assert.ok(wrong.display_message);
    const locked = await plaidFailure(publicToken('ins_109511', 'user_good', 'error_ITEM_LOCKED'));
    assert.deepEqual([locked.error_type, locked.error_code], ['ITEM_ERROR', 'ITEM_LOCKED']);
    const unknown = await plaidFailure(publicToken('ins_999999', 'user_good', 'pass_good'));
    assert.deepEqual([unknown.error_type, unknown.error_code], ['INVALID_INPUT', 'INVALID_INSTITUTION']);
    const product = await plaidFailure(
      plaid.sandboxPublicTokenCreate({ institution_id: 'ins_109511', initial_products: ['assets' as Products] }),
    );
    assert.deepEqual([product.error_type, product.error_code], ['INVALID_INPUT', 'INVALID_PRODUCT']);
  });

  it('checks Plaid keys from headers or body; sandbox/public_token/create alone works without keys', async () => {
    const base = `${baseUrl(t)}/sandbox/plaid`;
    const wrong = new PlaidApi(
      new Configuration({
        basePath: base,
        baseOptions: {
          headers: { 'PLAID-CLIENT-ID': t.ctx.plaid.sandboxCredentials!.clientId, 'PLAID-SECRET': 'not-the-secret' },
        },
      }),
    );
    const refused = await plaidFailure(
      wrong.linkTokenCreate({
        client_name: 'x',
        language: 'en',
        country_codes: [CountryCode.Us],
        user: { client_user_id: 'u' },
        products: [Products.Auth],
      }),
    );
    assert.deepEqual(
      [refused.status, refused.error_type, refused.error_code],
      [400, 'INVALID_INPUT', 'INVALID_API_KEYS'],
    );

    const none = await fetch(`${base}/item/get`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ access_token: 'access-sandbox-x' }),
    });
    const missing = (await none.json()) as PlaidError;
    assert.equal(none.status, 400);
    assert.deepEqual(
      [missing.error_type, missing.error_code, missing.error_message],
      ['INVALID_REQUEST', 'MISSING_FIELDS', 'the following required fields are missing: client_id, secret'],
    );

    const { clientId, secret } = t.ctx.plaid.sandboxCredentials!;
    const inBody = await fetch(`${base}/link/token/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_id: clientId,
        secret,
        client_name: 'x',
        language: 'en',
        country_codes: ['US'],
        user: { client_user_id: 'u' },
        products: ['auth'],
      }),
    });
    assert.equal(inBody.status, 200);

    const script = await fetch(`${base}/sandbox/public_token/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ institution_id: 'ins_109511', initial_products: ['auth'] }),
    });
    assert.equal(script.status, 200);
    assert.match(((await script.json()) as { public_token: string }).public_token, /^public-sandbox-/);

    const extra = await fetch(`${base}/item/public_token/exchange`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: clientId, secret, public_token: 'p', surprise: 1 }),
    });
    assert.equal(((await extra.json()) as PlaidError).error_code, 'UNKNOWN_FIELDS');

    const nowhere = await fetch(`${base}/transactions/nope`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(nowhere.status, 404);
    assert.equal(((await nowhere.json()) as PlaidError).error_code, 'NOT_FOUND');
  });

  it('exchanges a public token once; refuses malformed and unknown access tokens', async () => {
    const token = await publicToken('ins_109511', 'user_good', 'pass_good');
    await plaid.itemPublicTokenExchange({ public_token: token });
    const again = await plaidFailure(plaid.itemPublicTokenExchange({ public_token: token }));
    assert.deepEqual([again.error_type, again.error_code], ['INVALID_INPUT', 'INVALID_PUBLIC_TOKEN']);
    const malformed = await plaidFailure(plaid.accountsGet({ access_token: 'nope' }));
    assert.equal(malformed.error_code, 'INVALID_ACCESS_TOKEN');
    const unknown = await plaidFailure(
      plaid.accountsGet({ access_token: 'access-sandbox-00000000-0000-4000-8000-000000000000' }),
    );
    assert.equal(unknown.error_code, 'INVALID_ACCESS_TOKEN');
  });

  it('removes items: the access token then answers ITEM_NOT_FOUND', async () => {
    const { access_token } = await link('ins_127287', 'user_good', 'pass_good');
    const removed = await plaid.itemRemove({ access_token });
    assert.match(removed.data.request_id, /^[A-Za-z0-9]{15}$/);
    const gone = await plaidFailure(plaid.accountsGet({ access_token }));
    assert.deepEqual([gone.error_type, gone.error_code], ['ITEM_ERROR', 'ITEM_NOT_FOUND']);
  });

  it('reset_login puts the item in ITEM_LOGIN_REQUIRED and fires an ERROR webhook signed with an ES256 key from /webhook_verification_key/get', async () => {
    const { access_token, item_id } = await link('ins_109511', 'user_good', 'pass_good');
    const before = receiver.received.length;
    assert.equal((await plaid.sandboxItemResetLogin({ access_token })).data.reset_login, true);

    const failed = await plaidFailure(plaid.authGet({ access_token }));
    assert.deepEqual([failed.error_type, failed.error_code], ['ITEM_ERROR', 'ITEM_LOGIN_REQUIRED']);
    const item = (await plaid.itemGet({ access_token })).data.item;
    assert.equal(item.error?.error_code, 'ITEM_LOGIN_REQUIRED');

    await receiver.next(before + 1);
    const { body, jwt } = receiver.received.at(-1)!;
    const payload = JSON.parse(body);
    assert.deepEqual(
      [payload.webhook_type, payload.webhook_code, payload.item_id, payload.error.error_code, payload.environment],
      ['ITEM', 'ERROR', item_id, 'ITEM_LOGIN_REQUIRED', 'sandbox'],
    );

    const header = decodeProtectedHeader(jwt);
    assert.equal(header.alg, 'ES256');
    const { key } = (await plaid.webhookVerificationKeyGet({ key_id: header.kid! })).data;
    assert.deepEqual([key.alg, key.kty, key.crv, key.use, key.expired_at], ['ES256', 'EC', 'P-256', 'sig', null]);
    const { payload: claims } = await jwtVerify(jwt, await importJWK(key as never, 'ES256'), { algorithms: ['ES256'] });
    assert.equal(claims.request_body_sha256, createHash('sha256').update(body).digest('hex'));
    assert.ok(Math.abs((claims.iat as number) - Date.now() / 1000) < 60);

    const unknownKey = await plaidFailure(plaid.webhookVerificationKeyGet({ key_id: 'nope' }));
    assert.equal(unknownKey.error_code, 'INVALID_WEBHOOK_VERIFICATION_KEY_ID');
  });

  it('fires PENDING_EXPIRATION with a consent expiry on request', async () => {
    const { access_token, item_id } = await link('ins_127287', 'user_good', 'pass_good');
    const before = receiver.received.length;
    await plaid.sandboxItemFireWebhook({ access_token, webhook_code: 'PENDING_EXPIRATION' as never });
    await receiver.next(before + 1);
    const payload = JSON.parse(receiver.received.at(-1)!.body);
    assert.deepEqual([payload.webhook_code, payload.item_id], ['PENDING_EXPIRATION', item_id]);
    assert.ok(new Date(payload.consent_expiration_time).getTime() > Date.now());
  });
});
