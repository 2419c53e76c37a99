import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import http from 'node:http';
import { baseUrl, startTestApp, type TestApp } from '../../test/helpers.ts';
import { createClient } from '../modules/clients/create-client.ts';
import { Obj } from '../lib/schema.ts';
import { idempotencyId, LEASE_MS, sweepIdempotencyKeys } from './idempotency.ts';

// A money-moving POST stand-in: counts executions, can be held open, and can fail.
let executions = 0;
let hold: Promise<void> | undefined;
const ids: string[] = [];

describe('Idempotency-Key', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({
      listen: true,
      routes: (app) => {
        app.post('/v1/test/transfers', {
          config: { auth: 'client', idempotency: true },
          schema: {
            hide: true,
            body: Obj({
              amount: Type.String(),
              memo: Type.Optional(Type.String()),
              fail: Type.Optional(Type.Boolean()),
            }),
          },
          handler: async (request, reply) => {
            executions++;
            const id = idempotencyId(request);
            if (id) ids.push(id);
            if (await hold) await hold;
            const body = request.body as { amount: string; fail?: boolean };
            if (body.fail) throw new Error('boom');
            if (body.amount === '0')
              return reply
                .code(422)
                .send({ code: 'INVALID_FIAT_AMOUNT', message: 'zero', createTime: new Date().toISOString(), data: {} });
            return reply
              .code(201)
              .send({ transfer: executions, amount: body.amount, at: process.hrtime.bigint().toString() });
          },
        });
        app.post('/v1/test/plain', {
          config: { auth: 'client' },
          schema: { hide: true },
          handler: async () => ({ n: ++executions }),
        });
      },
    });
  });
  after(() => t.close());

  const post = (key: string | undefined, payload: Record<string, unknown>, headers = t.clientHeaders) =>
    t.app.inject({
      method: 'POST',
      url: '/v1/test/transfers',
      headers: { ...headers, ...(key !== undefined ? { 'idempotency-key': key } : {}) },
      payload,
    });

  it('replays the first response for the same key and body, byte for byte, without running again', async () => {
    const before = executions;
    const first = await post('k-replay', { amount: '10.00', memo: 'a' });
    assert.equal(first.statusCode, 201);
    assert.equal(first.headers['idempotent-replayed'], undefined);
    // Same body with keys in another order is the same request.
    const again = await post('k-replay', { memo: 'a', amount: '10.00' });
    assert.equal(again.statusCode, 201);
    assert.equal(again.body, first.body);
    assert.equal(again.headers['content-type'], first.headers['content-type']);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(executions, before + 1);
  });

  it('answers 422 IDEMPOTENCY_KEY_REUSED for the same key with another body', async () => {
    await post('k-reuse', { amount: '10.00' });
    const other = await post('k-reuse', { amount: '10.01' });
    assert.equal(other.statusCode, 422);
    assert.equal(other.json().code, 'IDEMPOTENCY_KEY_REUSED');
  });

  it('scopes keys to the client', async () => {
    const c = await createClient(t.db.db, 'sandbox', { name: 'Other partner' });
    const otherHeaders = { 'ratio-client-id': c.clientId, 'ratio-client-secret': c.clientSecret };
    const before = executions;
    const mine = await post('k-scope', { amount: '1.00' });
    const theirs = await post('k-scope', { amount: '2.00' }, otherHeaders);
    assert.equal(mine.statusCode, 201);
    assert.equal(theirs.statusCode, 201);
    assert.equal(executions, before + 2);
  });

  it('answers 409 IDEMPOTENCY_KEY_IN_USE while the first request runs, then replays', async () => {
    let release!: () => void;
    hold = new Promise((r) => (release = r));
    const before = executions;
    const first = post('k-flight', { amount: '5.00' });
    while (executions === before) await new Promise((r) => setTimeout(r, 5));
    const second = await post('k-flight', { amount: '5.00' });
    assert.equal(second.statusCode, 409);
    assert.equal(second.json().code, 'IDEMPOTENCY_KEY_IN_USE');
    assert.equal(second.headers['retry-after'], '1');
    hold = undefined;
    release();
    assert.equal((await first).statusCode, 201);
    assert.equal((await post('k-flight', { amount: '5.00' })).body, (await first).body);
    assert.equal(executions, before + 1);
  });

  it('gives ten parallel requests with one key exactly one execution', async () => {
    const before = executions;
    const results = await Promise.all(Array.from({ length: 10 }, () => post('k-parallel', { amount: '7.00' })));
    assert.equal(executions, before + 1);
    const ok = results.filter((r) => r.statusCode === 201);
    assert.ok(ok.length >= 1);
    assert.ok(
      results.every(
        (r) => r.statusCode === 201 || (r.statusCode === 409 && r.json().code === 'IDEMPOTENCY_KEY_IN_USE'),
      ),
    );
    assert.ok(ok.every((r) => r.body === ok[0]!.body));
  });

  it('stores 4xx outcomes but releases the key after a 5xx so the client can retry', async () => {
    const before = executions;
    const rejected = await post('k-4xx', { amount: '0' });
    assert.equal(rejected.statusCode, 422);
    assert.equal((await post('k-4xx', { amount: '0' })).headers['idempotent-replayed'], 'true');
    assert.equal(executions, before + 1);

    const failed = await post('k-5xx', { amount: '3.00', fail: true });
    assert.equal(failed.statusCode, 500);
    const retried = await post('k-5xx', { amount: '3.00', fail: true });
    assert.equal(retried.statusCode, 500);
    assert.equal(retried.headers['idempotent-replayed'], undefined);
    assert.equal(executions, before + 3);
  });

  it('takes over a key whose request died once its lease has run out', async () => {
    // Another request's record (a different hash) is 422 even while in flight.
    const now = new Date();
    await t.db.db
      .insertInto('idempotency_keys')
      .values({
        client_id: t.client.id,
        key: 'k-other',
        request_hash: 'another-request',
        status: 'IN_FLIGHT',
        owner: 'someone',
        locked_until: new Date(now.getTime() + LEASE_MS),
        created_at: now,
        expires_at: new Date(now.getTime() + 86_400_000),
      })
      .execute();
    assert.equal((await post('k-other', { amount: '9.00' })).json().code, 'IDEMPOTENCY_KEY_REUSED');

    let release!: () => void;
    hold = new Promise((r) => (release = r));
    const before = executions;
    const dying = post('k-dead', { amount: '9.00' });
    while (executions === before) await new Promise((r) => setTimeout(r, 5));
    const live = await t.db.db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('key', '=', 'k-dead')
      .executeTakeFirstOrThrow();
    assert.equal(live.status, 'IN_FLIGHT');
    // Simulate the process dying: forget the owner and let the lease lapse.
    await t.db.db
      .updateTable('idempotency_keys')
      .set({ owner: 'dead', locked_until: new Date(Date.now() - 1) })
      .where('key', '=', 'k-dead')
      .execute();
    hold = undefined;
    const takeover = await post('k-dead', { amount: '9.00' });
    assert.equal(takeover.statusCode, 201);
    assert.equal(takeover.headers['idempotent-replayed'], undefined);
    release();
    await dying; // the "dead" original finishing late must not overwrite the takeover's record
    const replay = await post('k-dead', { amount: '9.00' });
    assert.equal(replay.body, takeover.body);
    assert.equal(executions, before + 2);
    // Both runs saw the same derived id: the use case can make its own writes idempotent with it.
    assert.equal(ids.at(-1), ids.at(-2));
  });

  it('refuses malformed keys and ignores the header on routes that do not opt in', async () => {
    for (const key of ['', 'x'.repeat(256), 'tab\tkey', 'ключ', ' leading']) {
      const res = await post(key, { amount: '1.00' });
      assert.equal(res.statusCode, 400, JSON.stringify(key));
      assert.equal(res.json().code, 'INVALID_IDEMPOTENCY_KEY');
    }
    assert.equal((await post('x'.repeat(255), { amount: '1.00' })).statusCode, 201);
    const a = await t.app.inject({
      method: 'POST',
      url: '/v1/test/plain',
      headers: { ...t.clientHeaders, 'idempotency-key': 'p' },
    });
    const b = await t.app.inject({
      method: 'POST',
      url: '/v1/test/plain',
      headers: { ...t.clientHeaders, 'idempotency-key': 'p' },
    });
    assert.notEqual(a.body, b.body);
    // No key: every request runs.
    const before = executions;
    await post(undefined, { amount: '1.00' });
    await post(undefined, { amount: '1.00' });
    assert.equal(executions, before + 2);
  });

  it('answers 400 to an empty or blank Idempotency-Key sent over HTTP, instead of running without one', async () => {
    const before = executions;
    const url = `${baseUrl(t)}/v1/test/transfers`;
    const viaFetch = await fetch(url, {
      method: 'POST',
      headers: { ...t.clientHeaders, 'content-type': 'application/json', 'idempotency-key': '' },
      body: JSON.stringify({ amount: '1.00' }),
    });
    assert.equal(viaFetch.status, 400);
    assert.equal(((await viaFetch.json()) as { code: string }).code, 'INVALID_IDEMPOTENCY_KEY');
    // What `curl -H 'Idempotency-Key;'` or a blank value sends: the header with nothing after the colon.
    const status = await new Promise<number>((resolve, reject) => {
      const body = JSON.stringify({ amount: '1.00' });
      const req = http.request(url, {
        method: 'POST',
        headers: { ...t.clientHeaders, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      });
      req.setHeader('Idempotency-Key', '   ');
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(body);
    });
    assert.equal(status, 400);
    assert.equal(executions, before, 'nothing ran');
  });

  it('forgets keys after 24 hours', async () => {
    const first = await post('k-expire', { amount: '4.00' });
    await t.app.inject({
      method: 'POST',
      url: '/sandbox/clock:advance',
      headers: t.clientHeaders,
      payload: { hours: 25 },
    });
    const idsBefore = ids.length;
    const later = await post('k-expire', { amount: '4.00' });
    assert.equal(later.statusCode, 201);
    assert.notEqual(later.body, first.body);
    // A new request, so a new id for what it creates: the first run's rows are not found again.
    assert.equal(ids.length, idsBefore + 1);
    assert.ok(!ids.slice(0, idsBefore).includes(ids.at(-1)!), 'the id derived after retention is new');
    await t.app.inject({
      method: 'POST',
      url: '/sandbox/clock:advance',
      headers: t.clientHeaders,
      payload: { hours: 25 },
    });
    assert.ok((await sweepIdempotencyKeys(t.db.db, t.ctx.clock.now())) >= 1);
    assert.equal(
      (await t.db.db.selectFrom('idempotency_keys').select('key').where('key', '=', 'k-expire').execute()).length,
      0,
    );
  });
});
