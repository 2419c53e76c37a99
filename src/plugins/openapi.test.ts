import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { compileErrors, validate } from '@readme/openapi-parser';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import Fastify from 'fastify';
import { startTestApp, testConfig, type TestApp } from '../../test/helpers.ts';
import { openapiPlugin } from './openapi.ts';

type Json = Record<string, any>;

interface Operation {
  path: string;
  method: string;
  op: Json;
}

function operations(doc: Json): Operation[] {
  return Object.entries(doc.paths as Record<string, Json>).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method, op: op as Json })),
  );
}

describe('OpenAPI document', () => {
  let t: TestApp;
  let doc: Json;
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
    const ops = operations(doc);
    assert.ok(ops.length >= 40);
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

  it('names every operation (a unique camelCase operationId), summarises it and tags it with a described tag', () => {
    const ids = new Set<string>();
    const described = new Map((doc.tags as Json[]).map((tag) => [tag.name, tag.description]));
    for (const { path, method, op } of operations(doc)) {
      const where = `${method.toUpperCase()} ${path}`;
      assert.match(op.operationId ?? '', /^[a-z][a-zA-Z0-9]+$/, `${where} has a camelCase operationId`);
      assert.ok(!ids.has(op.operationId), `${where}: operationId ${op.operationId} is unique`);
      ids.add(op.operationId);
      assert.ok(typeof op.summary === 'string' && op.summary.length > 3, `${where} has a summary`);
      for (const tag of op.tags ?? []) assert.ok(described.get(tag), `${where}: tag ${tag} has a description`);
    }
    for (const id of [
      'createUser',
      'startWalletSignIn',
      'initiateAchPurchase',
      'calculateAchLimits',
      'createWebhook',
    ]) {
      assert.ok(ids.has(id), `operation ${id} exists`);
    }
  });

  it('has a request example for every body and a response example for every answer with a body, each valid against its schema', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const compiled = new Map<string, ReturnType<typeof ajv.compile>>();
    const check = (where: string, schema: Json, example: unknown) => {
      const key = JSON.stringify(schema);
      const validateExample = compiled.get(key) ?? ajv.compile({ ...schema, components: doc.components });
      compiled.set(key, validateExample);
      assert.ok(
        validateExample(example),
        `${where}: example does not match its schema: ${ajv.errorsText(validateExample.errors)}`,
      );
    };
    for (const { path, method, op } of operations(doc)) {
      const where = `${method.toUpperCase()} ${path}`;
      const body = op.requestBody?.content?.['application/json'];
      if (body) {
        assert.ok(body.example !== undefined, `${where} has a request example`);
        check(`${where} request`, body.schema, body.example);
      }
      for (const [status, response] of Object.entries(op.responses as Record<string, Json>)) {
        const media = response.content?.['application/json'];
        if (!media || path.startsWith('/sandbox/rpc/')) continue;
        assert.ok(media.example !== undefined, `${where} ${status} has an example`);
        check(`${where} ${status}`, media.schema, media.example);
      }
    }
  });

  it('puts the Idempotency-Key header on the operations that honour it, and only there', () => {
    const keyed = operations(doc)
      .filter(({ op }) => (op.parameters ?? []).some((p: Json) => p.name === 'Idempotency-Key'))
      .map(({ op }) => op.operationId as string)
      .sort();
    assert.ok(keyed.includes('initiateAchPurchase'));
    for (const id of keyed) assert.ok(!/^(get|list)/.test(id), `${id} is a write`);
  });

  it('puts the session-less credentials first, so the docs page does not send a placeholder bearer token', () => {
    const start = doc.paths['/v1/auth/cryptoWallet:start'].post;
    assert.deepEqual(start.security[0], { clientId: [], clientSecret: [] });
    const user = doc.paths['/v1/users/{userId}'].get;
    assert.deepEqual(user.security[0], { clientId: [], clientSecret: [], userSession: [] });
  });

  it('serves the human docs page from the package, with no CDN and none of the renderer product buttons', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/docs/' });
    assert.equal(page.statusCode, 200);
    assert.match(page.headers['content-type'] as string, /text\/html/);
    assert.ok(!/https?:\/\/(cdn|unpkg|jsdelivr)/.test(page.body), 'no CDN scripts');
    assert.match(page.body, /"withDefaultFonts": false/);
    assert.match(page.body, /"showDeveloperTools": "never"/);
    const script = page.body.match(/<script[^>]+src="([^"]+)"/)?.[1];
    assert.ok(script, 'the page loads its renderer script');
    const js = await t.app.inject({ method: 'GET', url: `/docs/${script!.replace(/^\.?\//, '')}` });
    assert.equal(js.statusCode, 200);
    assert.ok(js.body.length > 100_000);
  });
});

describe('the OpenAPI plugin', () => {
  async function start(schema: Record<string, unknown>): Promise<unknown> {
    const app = Fastify();
    try {
      await app.register(openapiPlugin, { config: testConfig() });
      app.post('/v1/things', { config: { auth: 'client' }, schema }, async () => ({}));
      await app.ready();
      return undefined;
    } catch (error) {
      return error;
    } finally {
      await app.close();
    }
  }

  it('refuses to start when a /v1 route has no operationId or no summary, naming the route and the fix', async () => {
    const noId = await start({ summary: 'Make a thing' });
    assert.match(String(noId), /POST \/v1\/things must declare schema\.operationId.*npm run sdk:generate/);
    const badId = await start({ operationId: 'Make-Thing', summary: 'Make a thing' });
    assert.match(String(badId), /camelCase/);
    const noSummary = await start({ operationId: 'createThing' });
    assert.match(String(noSummary), /must declare schema\.summary/);
    assert.equal(await start({ operationId: 'createThing', summary: 'Create a thing' }), undefined);
    assert.equal(await start({ hide: true }), undefined, 'hidden routes are not in the document');
  });
});
