// The generated Postman collection, run by newman against a sandbox server started here: the
// Quickstart folder (a purchase with a verified webhook) and a reference request, with no failure.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import newman from 'newman';
import { ROOT } from '../scripts/generate.ts';
import { baseUrl, startTestApp, type TestApp } from './helpers.ts';

interface Summary {
  run: {
    failures: Array<{ error: { message: string; test?: string }; source?: { name?: string } }>;
    executions: Array<{ item: { name: string }; assertions?: Array<{ assertion: string; error?: unknown }> }>;
  };
}

function runCollection(env: Record<string, string>, folders: string[]): Promise<Summary> {
  return new Promise((resolve, reject) =>
    newman.run(
      {
        collection: path.join(ROOT, 'postman', 'onramp.postman_collection.json'),
        environment: path.join(ROOT, 'postman', 'onramp-sandbox.postman_environment.json'),
        envVar: Object.entries(env).map(([key, value]) => ({ key, value })),
        folder: folders,
        reporters: [],
        timeoutRequest: 30_000,
      },
      (error, summary) => (error ? reject(error) : resolve(summary as unknown as Summary)),
    ),
  );
}

describe('Postman collection (newman)', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ listen: true, workers: true });
  });
  after(() => t.close());

  it('runs the Quickstart folder to a completed purchase with a verified webhook, and a reference request', async () => {
    const summary = await runCollection({ baseUrl: baseUrl(t), clientId: t.client.id, clientSecret: t.client.secret }, [
      'Quickstart',
      'Config',
    ]);
    const failures = summary.run.failures.map((f) => `${f.source?.name}: ${f.error.test ?? ''} ${f.error.message}`);
    assert.deepEqual(failures, []);
    const passed = summary.run.executions.flatMap((e) =>
      (e.assertions ?? []).filter((a) => !a.error).map((a) => a.assertion),
    );
    for (const expected of [
      'KYC APPROVED',
      'ACTIVE and APPROVED',
      'ACTIVITY_UPDATED: the crypto leg COMPLETED',
      'ratio-webhook-signature verifies over the raw body',
      'deleted',
    ]) {
      assert.ok(passed.includes(expected), `assertion "${expected}" ran and passed`);
    }
    assert.ok(summary.run.executions.some((e) => e.item.name === 'Retrieve configuration'));
    const hooks = await t.app.inject({ method: 'GET', url: '/v1/webhooks', headers: t.clientHeaders });
    assert.deepEqual(hooks.json().items, [], 'the collection deleted the webhook it registered');
  });
});
