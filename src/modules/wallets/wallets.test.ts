import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getAddress } from 'viem';
import { startTestApp, type TestApp } from '../../../test/helpers.ts';
import { newAccount, walletSignIn, withJwt } from '../../../test/auth.ts';
import { createApiUser, type ApiUser } from '../../../test/users.ts';
import { findUserWallet } from './repository.ts';

const LIMIT = 4;

describe('deposit wallets (assign-a-deposit-address.md)', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ env: { ONRAMP_WALLETS_PER_USER: String(LIMIT) } });
  });
  after(() => t.close());

  const req = (method: 'GET' | 'POST' | 'PATCH', url: string, headers: Record<string, string>, payload?: object) =>
    t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  const address = () => newAccount().address;

  it('connects an EVM wallet: stored checksummed, name trimmed, 201 Wallet; legacy {address, network} means EVM', async () => {
    const user = await createApiUser(t);
    const a = address();
    const res = await req('POST', `/v1/users/${user.id}/wallets`, user.headers, {
      address: a.toLowerCase(),
      type: 'EVM',
      name: '  Collectibles  ',
    });
    assert.equal(res.statusCode, 201, res.body);
    const wallet = res.json();
    assert.equal(wallet.address, a);
    assert.equal(wallet.type, 'EVM');
    assert.equal(wallet.name, 'Collectibles');
    assert.ok(wallet.id && wallet.createTime && wallet.updateTime);
    const legacy = await req('POST', `/v1/users/${user.id}/wallets`, user.headers, {
      address: address(),
      network: 'POLYGON',
    });
    assert.equal(legacy.statusCode, 201, legacy.body);
    assert.equal(legacy.json().type, 'EVM');
    assert.equal(legacy.json().name, undefined);
    const got = await req('GET', `/v1/users/${user.id}/wallets/${wallet.id}`, user.headers);
    assert.deepEqual(got.json(), wallet);
    // The contract other modules use.
    const row = await findUserWallet(t.db.db, user.id, wallet.id);
    assert.equal(row?.address, a);
    assert.equal(await findUserWallet(t.db.db, '00000000-0000-4000-8000-000000000000', wallet.id), undefined);
    // Audited with the request that did it.
    const audit = await t.db.db
      .selectFrom('audit_log')
      .selectAll()
      .where('subject_id', '=', wallet.id)
      .executeTakeFirstOrThrow();
    assert.equal(audit.action, 'wallet.connect');
    assert.equal(audit.actor_id, user.id);
    assert.equal(audit.client_id, t.client.id);
    assert.ok(audit.request_id);
  });

  it('an address appears once per user whatever its case (409 ALREADY_EXISTS_WALLET_ADDRESS); another user may add it', async () => {
    const user = await createApiUser(t);
    const a = address();
    assert.equal(
      (await req('POST', `/v1/users/${user.id}/wallets`, user.headers, { address: a, type: 'EVM' })).statusCode,
      201,
    );
    const dup = await req('POST', `/v1/users/${user.id}/wallets`, user.headers, {
      address: a.toUpperCase().replace('0X', '0x'),
      type: 'EVM',
    });
    assert.equal(dup.statusCode, 409, dup.body);
    assert.equal(dup.json().code, 'ALREADY_EXISTS_WALLET_ADDRESS');
    assert.equal(dup.json().data.field, 'address');
    // The signing wallet is already the first deposit wallet.
    const signing = await req('POST', `/v1/users/${user.id}/wallets`, user.headers, {
      address: user.account.address,
      type: 'EVM',
    });
    assert.equal(signing.json().code, 'ALREADY_EXISTS_WALLET_ADDRESS');
    const other = await createApiUser(t);
    assert.equal(
      (await req('POST', `/v1/users/${other.id}/wallets`, other.headers, { address: a, type: 'EVM' })).statusCode,
      201,
    );
  });

  it('rejects bad input with the documented code naming the field', async () => {
    const user = await createApiUser(t);
    const a = address();
    const mixedBad = `0x${a.slice(2, 3) === a.slice(2, 3).toLowerCase() ? a.slice(2, 3).toUpperCase() : a.slice(2, 3).toLowerCase()}${a.slice(3)}`;
    const cases: Array<[Record<string, unknown>, number, string, string]> = [
      [{ type: 'EVM' }, 400, 'MISSING_WALLET_ADDRESS', 'address'],
      [{ address: a }, 400, 'MISSING_WALLET_TYPE', 'type'],
      [{ address: 'hello', type: 'EVM' }, 400, 'INVALID_WALLET_ADDRESS', 'address'],
      [{ address: `${a}00`, type: 'EVM' }, 400, 'INVALID_WALLET_ADDRESS', 'address'],
      [{ address: 'So11111111111111111111111111111111111111112', type: 'SOLANA' }, 400, 'INVALID_WALLET_TYPE', 'type'],
      [{ address: a, type: 'BITCOIN' }, 400, 'INVALID_WALLET_TYPE', 'type'],
      [{ address: a, network: 'SOLANA' }, 400, 'INVALID_WALLET_TYPE', 'network'],
      [{ address: a, type: 'EVM', name: 'x'.repeat(65) }, 400, 'INVALID_NAME', 'name'],
      [{ address: a, type: 'EVM', name: 'tab\there' }, 400, 'INVALID_NAME', 'name'],
      [{ address: a, type: 'EVM', chain: 1 }, 400, 'INVALID_BODY', 'chain'],
    ];
    if (
      getAddress(mixedBad.toLowerCase()) !== mixedBad &&
      /[a-f]/.test(mixedBad.slice(2)) &&
      /[A-F]/.test(mixedBad.slice(2))
    ) {
      cases.push([{ address: mixedBad, type: 'EVM' }, 400, 'INVALID_WALLET_ADDRESS', 'address']);
    }
    for (const [body, status, code, field] of cases) {
      const res = await req('POST', `/v1/users/${user.id}/wallets`, user.headers, body);
      assert.equal(res.statusCode, status, `${JSON.stringify(body)}: ${res.body}`);
      assert.equal(res.json().code, code, JSON.stringify(body));
      assert.equal(res.json().data.field, field, JSON.stringify(body));
    }
  });

  it(`enforces the per-user limit (${LIMIT} here) with 422 EXCEEDS_LIMIT_WALLETS, also under concurrent requests`, async () => {
    const user = await createApiUser(t); // 1 wallet: the signing wallet
    const results = await Promise.all(
      Array.from({ length: LIMIT + 2 }, () =>
        req('POST', `/v1/users/${user.id}/wallets`, user.headers, { address: address(), type: 'EVM' }),
      ),
    );
    const created = results.filter((r) => r.statusCode === 201).length;
    assert.equal(created, LIMIT - 1);
    const refused = results.filter((r) => r.statusCode === 422);
    assert.equal(refused.length, 3);
    assert.equal(refused[0]!.json().code, 'EXCEEDS_LIMIT_WALLETS');
    assert.equal(refused[0]!.json().data.limit, LIMIT);
    const list = await req('GET', `/v1/users/${user.id}/wallets?pageSize=100`, user.headers);
    assert.equal(list.json().items.length, LIMIT);
  });

  it('pages with nextPageToken in creation order; bad tokens and sizes are 400', async () => {
    const user = await createApiUser(t);
    for (let i = 0; i < 2; i++)
      await req('POST', `/v1/users/${user.id}/wallets`, user.headers, {
        address: address(),
        type: 'EVM',
        name: `w${i}`,
      });
    const first = await req('GET', `/v1/users/${user.id}/wallets?pageSize=2`, user.headers);
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(first.json().items.length, 2);
    assert.equal(first.json().items[0].address, user.account.address);
    const token = first.json().nextPageToken as string;
    assert.ok(token);
    const second = await req('GET', `/v1/users/${user.id}/wallets?pageSize=2&pageToken=${token}`, user.headers);
    assert.deepEqual(
      second.json().items.map((w: { name: string }) => w.name),
      ['w1'],
    );
    assert.equal(second.json().nextPageToken, undefined);
    const all = await req('GET', `/v1/users/${user.id}/wallets`, user.headers);
    assert.deepEqual(
      all.json().items.map((w: { id: string }) => w.id),
      [...first.json().items, ...second.json().items].map((w: { id: string }) => w.id),
    );

    const bad = await req('GET', `/v1/users/${user.id}/wallets?pageToken=%%%`, user.headers);
    assert.equal(bad.json().code, 'INVALID_PAGE_TOKEN');
    assert.equal(bad.json().data.field, 'pageToken');
    const other = await createApiUser(t);
    const foreign = await req('GET', `/v1/users/${other.id}/wallets?pageToken=${token}`, other.headers);
    assert.equal(foreign.json().code, 'INVALID_PAGE_TOKEN', 'a token is bound to its user');
    for (const size of ['0', '101', 'ten']) {
      const r = await req('GET', `/v1/users/${user.id}/wallets?pageSize=${size}`, user.headers);
      assert.equal(r.statusCode, 400);
      assert.equal(r.json().code, 'INVALID_PAGE_SIZE', size);
    }
  });

  it("renames with PATCH and the legacy POST; another user's wallet is NOT_FOUND_WALLET", async () => {
    const user: ApiUser = await createApiUser(t);
    const list = await req('GET', `/v1/users/${user.id}/wallets`, user.headers);
    const walletId = list.json().items[0].id as string;
    const patched = await req('PATCH', `/v1/users/${user.id}/wallets/${walletId}`, user.headers, { name: ' Main ' });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal(patched.json().name, 'Main');
    const legacy = await req('POST', `/v1/users/${user.id}/wallets/${walletId}`, user.headers, { name: 'Savings' });
    assert.equal(legacy.statusCode, 200, legacy.body);
    assert.equal(legacy.json().name, 'Savings');
    assert.equal(
      (await req('PATCH', `/v1/users/${user.id}/wallets/${walletId}`, user.headers, { name: '  ' })).json().code,
      'INVALID_NAME',
    );
    assert.equal(
      (await req('PATCH', `/v1/users/${user.id}/wallets/${walletId}`, user.headers, {})).json().code,
      'MISSING_NAME',
    );
    const other = await createApiUser(t);
    const otherWallet = (await req('GET', `/v1/users/${other.id}/wallets`, other.headers)).json().items[0].id as string;
    const foreign = await req('GET', `/v1/users/${user.id}/wallets/${otherWallet}`, user.headers);
    assert.equal(foreign.statusCode, 404);
    assert.equal(foreign.json().code, 'NOT_FOUND_WALLET');
    assert.equal(
      (await req('PATCH', `/v1/users/${user.id}/wallets/${otherWallet}`, user.headers, { name: 'mine' })).json().code,
      'NOT_FOUND_WALLET',
    );
    assert.equal(
      (await req('GET', `/v1/users/${user.id}/wallets/nope`, user.headers)).json().code,
      'INVALID_WALLET_ID',
    );
  });

  it('honours Idempotency-Key: a retried connect replays the first 201 instead of 409', async () => {
    const user = await createApiUser(t);
    const headers = { ...user.headers, 'idempotency-key': `connect-${user.id}` };
    const body = { address: address(), type: 'EVM' };
    const first = await req('POST', `/v1/users/${user.id}/wallets`, headers, body);
    assert.equal(first.statusCode, 201, first.body);
    const retry = await req('POST', `/v1/users/${user.id}/wallets`, headers, body);
    assert.equal(retry.statusCode, 201, retry.body);
    assert.equal(retry.headers['idempotent-replayed'], 'true');
    assert.equal(retry.json().id, first.json().id);
    const other = await req('POST', `/v1/users/${user.id}/wallets`, headers, { address: address(), type: 'EVM' });
    assert.equal(other.json().code, 'IDEMPOTENCY_KEY_REUSED');
  });

  it('one factor reads; connecting and renaming (PATCH and the legacy POST) need two (MFA_REQUIRED)', async () => {
    const user = await createApiUser(t);
    const oneFactor = (await walletSignIn(t, user.account)).json().sessionJwt as string;
    const headers = withJwt(t.clientHeaders, oneFactor);
    const list = await req('GET', `/v1/users/${user.id}/wallets`, headers);
    assert.equal(list.statusCode, 200);
    const walletId = list.json().items[0].id as string;
    const post = await req('POST', `/v1/users/${user.id}/wallets`, headers, { address: address(), type: 'EVM' });
    assert.equal(post.statusCode, 403);
    assert.equal(post.json().code, 'MFA_REQUIRED');
    for (const method of ['PATCH', 'POST'] as const) {
      const rename = await req(method, `/v1/users/${user.id}/wallets/${walletId}`, headers, { name: 'One factor' });
      assert.equal(rename.statusCode, 403, `${method} ${rename.body}`);
      assert.equal(rename.json().code, 'MFA_REQUIRED');
    }
    const unchanged = await req('GET', `/v1/users/${user.id}/wallets/${walletId}`, headers);
    assert.equal(unchanged.json().name, undefined);
  });

  it('refuses invalid Unicode (a lone surrogate) in a name with 400 INVALID_NAME, on connect and on rename', async () => {
    const user = await createApiUser(t);
    const walletId = (await req('GET', `/v1/users/${user.id}/wallets`, user.headers)).json().items[0].id as string;
    // inject() would re-encode a JS string; the raw bytes are what a client sends.
    const raw = (method: 'PATCH' | 'POST', url: string, json: string) =>
      t.app.inject({ method, url, headers: { ...user.headers, 'content-type': 'application/json' }, payload: json });
    for (const [method, url, json] of [
      ['PATCH', `/v1/users/${user.id}/wallets/${walletId}`, '{"name":"\\ud800"}'],
      ['POST', `/v1/users/${user.id}/wallets/${walletId}`, '{"name":"a\\udfffb"}'],
      ['POST', `/v1/users/${user.id}/wallets`, `{"address":"${address()}","type":"EVM","name":"\\ud83d"}`],
    ] as const) {
      const res = await raw(method, url, json);
      assert.equal(res.statusCode, 400, `${method} ${url} ${res.body}`);
      assert.equal(res.json().code, 'INVALID_NAME');
      assert.deepEqual(res.json().data, { field: 'name', rule: 'unicode' });
    }
    assert.equal((await req('GET', `/v1/users/${user.id}/wallets`, user.headers)).json().items.length, 1);
    // A well-formed pair (an emoji) is fine.
    const emoji = await raw('PATCH', `/v1/users/${user.id}/wallets/${walletId}`, '{"name":"\\ud83d\\ude80 Rocket"}');
    assert.equal(emoji.statusCode, 200, emoji.body);
    assert.equal(emoji.json().name, '\u{1F680} Rocket');
  });
});
