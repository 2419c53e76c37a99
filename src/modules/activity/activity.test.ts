// Activity list and detail, as a partner reads them: rows are inserted as the purchase flow writes
// them, then read through the API with a one-factor session.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { insertUser, walletSignIn, withJwt, type TestUser } from '../../../test/auth.ts';
import { startTestApp, type TestApp } from '../../../test/helpers.ts';
import type { NewRow } from '../../db/schema.ts';
import { setFlag } from '../flags/index.ts';

let t: TestApp;
let user: TestUser;
let jwt: string;

async function signIn(u: TestUser): Promise<string> {
  const res = await walletSignIn(t, u.account);
  assert.equal(res.statusCode, 200, res.body);
  return res.json().sessionJwt as string;
}

const walletA = randomUUID();
const walletB = randomUUID();
const bankId = randomUUID();

function activityRow(userId: string, overrides: Partial<NewRow<'activity_items'>> = {}): NewRow<'activity_items'> {
  const createdAt = overrides.created_at ?? new Date('2026-11-01T12:00:00.000Z');
  return {
    id: randomUUID(),
    user_id: userId,
    client_id: t.client.id,
    kind: 'ACH_PURCHASE',
    created_at: createdAt,
    updated_at: createdAt,
    fiat_status: 'PENDING',
    fiat_currency: 'USD',
    fiat_amount_cents: 10_000n,
    fiat_direction: 'CREDIT',
    funding_method: 'ACH_ORIGINATED_INSTANT',
    bank_id: bankId,
    bank_account: JSON.stringify({
      id: bankId,
      name: 'Plaid Checking',
      mask: '0000',
      linkStatus: 'ACTIVE',
      verificationStatus: 'APPROVED',
    }),
    crypto_status: 'PENDING',
    crypto_currency: 'ETH',
    crypto_direction: 'DEBIT',
    wallet_id: walletA,
    wallet: JSON.stringify({
      id: walletA,
      createTime: createdAt,
      updateTime: createdAt,
      address: '0x000000000000000000000000000000000000dEaD',
      type: 'EVM',
      name: 'Main',
    }),
    crypto_amount_minor: '49561820560000000',
    crypto_amount_estimated: false,
    price_cents: 191_054n,
    fee_cents: 300n,
    network_fee_cents: 231n,
    ...overrides,
  };
}

function list(query: string, token = jwt, userId = user.id) {
  return t.app.inject({
    method: 'GET',
    url: `/v1/users/${userId}/activity${query}`,
    headers: withJwt(t.clientHeaders, token),
  });
}

before(async () => {
  t = await startTestApp();
  user = await insertUser(t);
  jwt = await signIn(user);
});
after(async () => t?.close());

describe('GET /v1/users/{userId}/activity/{activityId}', () => {
  test('returns the ActivityItem with both legs, amounts as decimal strings', async () => {
    const row = activityRow(user.id, {
      transaction_hash: '0xabc',
      crypto_status: 'COMPLETED',
      metadata: JSON.stringify({ achType: 'INSTANT', network: 'ETHEREUM' }),
    });
    await t.db.db.insertInto('activity_items').values(row).execute();
    const res = await t.app.inject({
      method: 'GET',
      url: `/v1/users/${user.id}/activity/${row.id}`,
      headers: withJwt(t.clientHeaders, jwt),
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), {
      id: row.id,
      createTime: '2026-11-01T12:00:00.000Z',
      updateTime: '2026-11-01T12:00:00.000Z',
      fiat: {
        status: 'PENDING',
        currency: 'USD',
        amount: '100.00',
        direction: 'CREDIT',
        fundingMethod: 'ACH_ORIGINATED_INSTANT',
        bankAccount: {
          id: bankId,
          name: 'Plaid Checking',
          mask: '0000',
          linkStatus: 'ACTIVE',
          verificationStatus: 'APPROVED',
        },
      },
      crypto: {
        status: 'COMPLETED',
        currency: 'ETH',
        wallet: {
          id: walletA,
          createTime: '2026-11-01T12:00:00.000Z',
          updateTime: '2026-11-01T12:00:00.000Z',
          address: '0x000000000000000000000000000000000000dEaD',
          type: 'EVM',
          network: 'ETHEREUM',
          name: 'Main',
        },
        direction: 'DEBIT',
        amount: '0.04956182056',
        price: '1910.54',
        fee: '5.31',
        transactionHash: '0xabc',
      },
      metadata: { achType: 'INSTANT', network: 'ETHEREUM', ratioFee: '3.00', networkFee: '2.31', estimated: false },
    });
    await t.db.db.deleteFrom('activity_items').execute();
  });

  test("the wallet carries Ratio's `network` beside `type`: the network the purchase is delivered on", async () => {
    const polygon = activityRow(user.id, { crypto_currency: 'USDC_POLYGON', crypto_amount_minor: '25000000' });
    const ethereum = activityRow(user.id, { crypto_currency: 'USDC_ETHEREUM', crypto_amount_minor: '25000000' });
    await t.db.db.insertInto('activity_items').values([polygon, ethereum]).execute();
    const get = (id: string) =>
      t.app.inject({
        method: 'GET',
        url: `/v1/users/${user.id}/activity/${id}`,
        headers: withJwt(t.clientHeaders, jwt),
      });
    assert.deepEqual(
      [(await get(polygon.id)).json().crypto.wallet, (await get(ethereum.id)).json().crypto.wallet].map((w) => [
        w.type,
        w.network,
      ]),
      [
        ['EVM', 'POLYGON'],
        ['EVM', 'ETHEREUM'],
      ],
    );
    const listed = (await list('')).json().items as Array<{ crypto: { wallet: { network: string } } }>;
    assert.ok(listed.every((i) => ['POLYGON', 'ETHEREUM'].includes(i.crypto.wallet.network)));
    await t.db.db.deleteFrom('activity_items').execute();
  });

  test("an unknown id, or another user's item, is 404 NOT_FOUND_ACTIVITY; a malformed id is INVALID_ACTIVITY_ID", async () => {
    const other = await insertUser(t);
    const row = activityRow(other.id);
    await t.db.db.insertInto('activity_items').values(row).execute();
    for (const id of [randomUUID(), row.id]) {
      const res = await t.app.inject({
        method: 'GET',
        url: `/v1/users/${user.id}/activity/${id}`,
        headers: withJwt(t.clientHeaders, jwt),
      });
      assert.equal(res.statusCode, 404, res.body);
      assert.equal(res.json().code, 'NOT_FOUND_ACTIVITY');
    }
    const bad = await t.app.inject({
      method: 'GET',
      url: `/v1/users/${user.id}/activity/nope`,
      headers: withJwt(t.clientHeaders, jwt),
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().code, 'INVALID_ACTIVITY_ID');
    // Another user's path: the session sees no such user.
    const theirs = await t.app.inject({
      method: 'GET',
      url: `/v1/users/${other.id}/activity/${row.id}`,
      headers: withJwt(t.clientHeaders, jwt),
    });
    assert.equal(theirs.statusCode, 404);
    assert.equal(theirs.json().code, 'NOT_FOUND_USER');
    await t.db.db.deleteFrom('activity_items').execute();
  });

  test('a flagged user keeps their history; a suspended one (F0000) does not', async () => {
    const flagged = await insertUser(t);
    const flaggedJwt = await signIn(flagged);
    const row = activityRow(flagged.id);
    await t.db.db.insertInto('activity_items').values(row).execute();
    const read = () =>
      t.app.inject({
        method: 'GET',
        url: `/v1/users/${flagged.id}/activity/${row.id}`,
        headers: withJwt(t.clientHeaders, flaggedJwt),
      });
    await setFlag(t.db.db, {
      userId: flagged.id,
      code: 'F1001',
      reason: 'test',
      actor: 'OPERATOR:test',
      now: t.ctx.clock.now(),
    });
    assert.equal((await read()).statusCode, 200);
    await setFlag(t.db.db, {
      userId: flagged.id,
      code: 'F0000',
      reason: 'test',
      actor: 'OPERATOR:test',
      now: t.ctx.clock.now(),
    });
    const blocked = await read();
    assert.equal(blocked.statusCode, 403);
    assert.equal(blocked.json().code, 'USER_BLOCKED');
    const listed = await list('', flaggedJwt, flagged.id);
    assert.equal(listed.statusCode, 403);
    await t.db.db.deleteFrom('activity_items').execute();
  });

  test('needs a user session', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/v1/users/${user.id}/activity`, headers: t.clientHeaders });
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().code, 'MISSING_AUTHORIZATION');
  });
});

describe('GET /v1/users/{userId}/activity', () => {
  // 45 items over 15 instants (three share each instant, so the id breaks ties), mixed legs.
  const rows: NewRow<'activity_items'>[] = [];
  before(async () => {
    await t.db.db.deleteFrom('activity_items').execute();
    for (let i = 0; i < 45; i++) {
      const at = new Date(Date.UTC(2026, 10, 1, 0, Math.floor(i / 3)));
      rows.push(
        activityRow(user.id, {
          created_at: at,
          updated_at: at,
          wallet_id: i % 2 === 0 ? walletA : walletB,
          crypto_currency: i % 5 === 0 ? 'USDC_POLYGON' : 'ETH',
          crypto_status: (['PENDING', 'COMPLETED', 'FAILED'] as const)[i % 3],
          fiat_status: i % 4 === 0 ? 'COMPLETED' : 'PENDING',
          crypto_amount_minor: i % 5 === 0 ? '25000000' : '1000000000000000',
        }),
      );
    }
    await t.db.db.insertInto('activity_items').values(rows).execute();
    // Someone else's activity never shows.
    const other = await insertUser(t);
    await t.db.db.insertInto('activity_items').values(activityRow(other.id)).execute();
  });

  const newestFirst = () =>
    [...rows]
      .sort(
        (a, b) =>
          (b.created_at as Date).getTime() - (a.created_at as Date).getTime() ||
          (b.id < a.id ? -1 : b.id > a.id ? 1 : 0),
      )
      .map((r) => r.id);

  async function pages(firstQuery: string, next: (token: string) => string = (tok) => `?pageToken=${tok}`) {
    const ids: string[] = [];
    const sizes: number[] = [];
    let res = await list(firstQuery);
    for (;;) {
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      ids.push(...body.items.map((i: { id: string }) => i.id));
      sizes.push(body.items.length);
      if (!body.nextPageToken) break;
      res = await list(next(body.nextPageToken));
    }
    return { ids, sizes };
  }

  test('pages newest first with nextPageToken, every item exactly once', async () => {
    const { ids, sizes } = await pages('?pageSize=20', (tok) => `?pageToken=${tok}&pageSize=20`);
    assert.deepEqual(sizes, [20, 20, 5]);
    assert.deepEqual(ids, newestFirst());
  });

  test('the default page size is 20 and the last page has no nextPageToken', async () => {
    const res = await list('');
    assert.equal(res.json().items.length, 20);
    const exact = await list('?pageSize=45');
    assert.equal(exact.json().items.length, 45);
    assert.equal(exact.json().nextPageToken, undefined);
  });

  test('filters by wallet, currency, statuses and creation time; later pages keep the filters', async () => {
    const expect = (pred: (r: NewRow<'activity_items'>) => boolean) =>
      newestFirst().filter((id) => pred(rows.find((r) => r.id === id)!));
    const from = '2026-11-01T00:03:00Z';
    const to = '2026-11-01T00:10:00.000Z';
    const cases: Array<[string, string[]]> = [
      [`?walletId=${walletB}`, expect((r) => r.wallet_id === walletB)],
      ['?cryptoCurrency=USDC_POLYGON', expect((r) => r.crypto_currency === 'USDC_POLYGON')],
      ['?cryptoStatus=FAILED&cryptoStatus=PENDING', expect((r) => r.crypto_status !== 'COMPLETED')],
      ['?cryptoStatus=FAILED,PENDING', expect((r) => r.crypto_status !== 'COMPLETED')],
      ['?fiatStatus=COMPLETED', expect((r) => r.fiat_status === 'COMPLETED')],
      [
        `?fromCreateTime=${from}&toCreateTime=${to}`,
        expect((r) => (r.created_at as Date) >= new Date(from) && (r.created_at as Date) <= new Date(to)),
      ],
      [
        `?walletId=${walletA}&cryptoCurrency=ETH&fiatStatus=PENDING`,
        expect((r) => r.wallet_id === walletA && r.crypto_currency === 'ETH' && r.fiat_status === 'PENDING'),
      ],
    ];
    for (const [query, expected] of cases) {
      assert.ok(expected.length > 4, query);
      const { ids } = await pages(`${query}&pageSize=4`);
      assert.deepEqual(ids, expected, query);
      // Repeating the same filters with the token is allowed.
      const { ids: again } = await pages(`${query}&pageSize=4`, (tok) => `${query}&pageToken=${tok}&pageSize=4`);
      assert.deepEqual(again, expected, `${query} (filters repeated)`);
    }
  });

  test('changing the filters with a pageToken is UNSUPPORTED_QUERY_PARAMETERS', async () => {
    const first = await list(`?walletId=${walletA}&pageSize=2`);
    const token = first.json().nextPageToken as string;
    const res = await list(`?walletId=${walletB}&pageToken=${token}`);
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().code, 'UNSUPPORTED_QUERY_PARAMETERS');
    const added = await list(`?walletId=${walletA}&fiatStatus=FAILED&pageToken=${token}`);
    assert.equal(added.json().code, 'UNSUPPORTED_QUERY_PARAMETERS');
  });

  test("a pageToken that is not this user's nextPageToken is INVALID_PAGE_TOKEN", async () => {
    const other = await insertUser(t);
    const otherJwt = await signIn(other);
    const mine = (await list('?pageSize=1')).json().nextPageToken as string;
    const forged = Buffer.from(
      JSON.stringify({ v: 1, u: user.id, f: {}, c: { createdAt: "x'; drop table users; --", id: randomUUID() } }),
    ).toString('base64url');
    for (const [token, who] of [
      ['!!!', user],
      ['e30', user],
      [forged, user],
      [mine, other],
    ] as const) {
      const res = await list(`?pageToken=${encodeURIComponent(token)}`, who === user ? jwt : otherJwt, who.id);
      assert.equal(res.statusCode, 400, `${token}: ${res.body}`);
      assert.equal(res.json().code, 'INVALID_PAGE_TOKEN');
    }
  });

  test('bad filters get the documented field codes', async () => {
    const cases: Array<[string, string]> = [
      ['?pageSize=0', 'INVALID_PAGE_SIZE'],
      ['?pageSize=101', 'INVALID_PAGE_SIZE'],
      ['?pageSize=ten', 'INVALID_PAGE_SIZE'],
      ['?cryptoStatus=DONE', 'INVALID_CRYPTO_STATUS'],
      ['?fiatStatus=PENDING,NOPE', 'INVALID_FIAT_STATUS'],
      ['?cryptoCurrency=BTC', 'INVALID_CRYPTO_CURRENCY'],
      ['?fromCreateTime=yesterday', 'INVALID_FROM_CREATE_TIME'],
      ['?toCreateTime=2026-13-01', 'INVALID_TO_CREATE_TIME'],
      ['?walletId=abc', 'INVALID_WALLET_ID'],
      ['?sort=asc', 'INVALID_BODY'],
    ];
    for (const [query, code] of cases) {
      const res = await list(query);
      assert.equal(res.statusCode, 400, `${query}: ${res.body}`);
      assert.equal(res.json().code, code, query);
    }
  });
});
