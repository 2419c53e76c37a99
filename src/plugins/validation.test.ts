// The validation layer refuses text that is not well-formed Unicode (a lone UTF-16 surrogate, which
// JSON's \u escapes can carry but no database or JSON column can store) in every string of a request
// — body, query string, path — with the field's documented code and `rule: 'unicode'`.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import { withJwt } from '../../test/auth.ts';
import { startTestApp, type TestApp } from '../../test/helpers.ts';
import { createApiUser, newUserSession, userBody } from '../../test/users.ts';
import { Obj } from '../lib/schema.ts';

describe('well-formed Unicode in every request string', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({
      routes: (app) => {
        app.post('/v1/test/echo/:label', {
          config: { auth: 'public' },
          schema: {
            params: Obj({ label: Type.String({ maxLength: 50 }) }),
            querystring: Obj({ memo: Type.Optional(Type.String()) }),
            body: Obj({
              city: Type.Optional(Type.String()),
              tags: Type.Optional(Type.Array(Type.String())),
              meta: Type.Optional(Type.Record(Type.String(), Type.String())),
            }),
          },
          handler: async (request) => ({ ok: true, body: request.body }),
        });
      },
    });
  });
  after(() => t.close());

  const echo = (json: string, url = '/v1/test/echo/x') =>
    t.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: json });

  it('names the field and its documented code, at any depth', async () => {
    const cases: Array<[string, string, string]> = [
      ['{"city":"Springfield\\ud800"}', 'INVALID_CITY', 'city'],
      ['{"tags":["ok","\\udc00"]}', 'INVALID_BODY', 'tags.1'],
      ['{"meta":{"k":"\\ud801x"}}', 'INVALID_BODY', 'meta.k'],
      ['{"meta":{"\\ud801":"key"}}', 'INVALID_BODY', 'meta'],
    ];
    for (const [json, code, field] of cases) {
      const res = await echo(json);
      assert.equal(res.statusCode, 400, json);
      assert.equal(res.json().code, code, json);
      assert.deepEqual(res.json().data, { field, rule: 'unicode' }, json);
      assert.match(res.json().message, /well-formed Unicode/);
    }
    assert.equal((await echo('{"city":"Zürich \\ud83c\\udfd4"}')).statusCode, 200);
  });

  it('also checks the query string and the path (percent-encoded lone surrogates decode to U+FFFD or fail)', async () => {
    const query = await echo('{}', '/v1/test/echo/x?memo=%ED%A0%80');
    assert.equal(query.statusCode, 200, 'invalid UTF-8 bytes decode to U+FFFD, which is well-formed');
    const path = await echo('{}', '/v1/test/echo/%ED%A0%80');
    assert.equal(path.statusCode, 400);
    assert.equal(path.json().code, 'MALFORMED_REQUEST');
  });

  it('a first name and a KYC address line get their own codes', async () => {
    const session = await newUserSession(t);
    const body = JSON.stringify(userBody(session.phone)).replace('"Dylan"', '"Dyl\\ud800an"');
    const user = await t.app.inject({
      method: 'POST',
      url: '/v1/users',
      headers: { ...withJwt(t.clientHeaders, session.jwt), 'content-type': 'application/json' },
      payload: body,
    });
    assert.equal(user.json().code, 'INVALID_FIRST_NAME');
    assert.equal(user.json().data.rule, 'unicode');

    const created = await createApiUser(t);
    const kyc = await t.app.inject({
      method: 'POST',
      url: `/v1/users/${created.id}/kyc`,
      headers: { ...created.headers, 'content-type': 'application/json' },
      payload:
        '{"dateOfBirth":"1990-01-01","idType":"SSN","idNumber":"512345678","line1":"1 Main St\\udbff","city":"Austin","state":"TX","postalCode":"78701","nationality":"US","occupation":"Engineer"}',
    });
    assert.equal(kyc.statusCode, 400, kyc.body);
    assert.equal(kyc.json().code, 'INVALID_LINE_1');
    assert.deepEqual(kyc.json().data, { field: 'line1', rule: 'unicode' });
  });
});
