import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { compileErrors, validate } from '@readme/openapi-parser';
import { startTestApp, type TestApp } from '../../test/helpers.ts';

describe('OpenAPI document', () => {
  let t: TestApp;
  let doc: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- an arbitrary JSON document
  before(async () => {
    t = await startTestApp();
    const res = await t.app.inject({ method: 'GET', url: '/v1/api-docs' });
    assert.equal(res.statusCode, 200);
    doc = res.json();
  });
  after(() => t.close());

  it('is a valid OpenAPI 3.1 document', async () => {
    assert.equal(doc.openapi, '3.1.0');
    const result = await validate(structuredClone(doc) as Parameters<typeof validate>[0]);
    assert.ok(result.valid, result.valid ? '' : compileErrors(result));
  });

  it('lists every /v1 route with its security, error responses and the Error schema', () => {
    const ops = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(
      (
        [path, methods], // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON
      ) => Object.entries(methods).map(([method, op]) => ({ path, method, op })),
    );
    assert.ok(ops.length >= 3);
    for (const { path, method, op } of ops) {
      if (!path.startsWith('/v1/')) continue;
      assert.ok(op.responses['400'], `${method} ${path} documents 400`);
      assert.ok(op.responses['500'], `${method} ${path} documents 500`);
      assert.ok(Array.isArray(op.security) && op.security.length > 0, `${method} ${path} declares security`);
    }
    assert.deepEqual(Object.keys(doc.components.schemas.Error.properties).sort(), [
      'code',
      'createTime',
      'data',
      'message',
    ]);
    assert.ok(doc.components.securitySchemes.clientSecret);
    assert.match(doc.info.description, /RATE_LIMITED/);
  });

  it("documents banks:requestLink as taking no body (Ratio's document), while {} stays accepted", () => {
    for (const path of ['/v1/users/{userId}/banks:requestLink', '/v1/users/{userId}/banks/{bankId}:requestLink']) {
      const body = doc.paths[path].post.requestBody;
      assert.equal(body.required, false, path);
      assert.ok(body.content['application/json'].schema, `${path} still describes the optional fields`);
      assert.equal(doc.paths[path].post['x-body-optional'], undefined, 'no internal marker leaks');
    }
    assert.equal(doc.paths['/v1/users/{userId}/banks:activateLink'].post.requestBody.required, true);
  });

  it('the purchase answers 202 Accepted', () => {
    const responses = doc.paths['/v1/users/{userId}/banks/{bankId}/ach'].post.responses;
    assert.ok(responses['202']);
    assert.equal(responses['201'], undefined);
  });

  it('serves the human docs page from the package, with no CDN', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/docs/' });
    assert.equal(page.statusCode, 200);
    assert.match(page.headers['content-type'] as string, /text\/html/);
    assert.ok(!/https?:\/\/(cdn|unpkg|jsdelivr)/.test(page.body), 'no CDN scripts');
    const script = page.body.match(/<script[^>]+src="([^"]+)"/)?.[1];
    assert.ok(script, 'the page loads its renderer script');
    const js = await t.app.inject({ method: 'GET', url: `/docs/${script!.replace(/^\.?\//, '')}` });
    assert.equal(js.statusCode, 200);
    assert.ok(js.body.length > 100_000);
  });
});
