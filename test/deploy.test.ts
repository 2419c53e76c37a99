// deploy/: the example Prometheus alert rules and Grafana dashboard name only metrics that /metrics
// really shows after a partner's journey (webhook, sign-in, KYC, bank, INSTANT purchase delivered,
// the debit settled), and the deployment files say what they must.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { refreshBusinessMetrics } from '../src/modules/ops/index.ts';
import { post } from './auth.ts';
import { baseUrl, startTestApp, type TestApp } from './helpers.ts';
import { buy, readyBuyer, waitForActivity } from './purchases.ts';
import { WebhookReceiver } from './webhook-receiver.ts';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const read = (file: string) => fs.readFileSync(path.join(root, 'deploy', file), 'utf8');

/** Every onramp metric an expression names (histogram series by their own names, _bucket etc. included). */
function metricNames(text: string): Set<string> {
  return new Set(text.match(/\bonramp_[a-z0-9_]+/g) ?? []);
}

describe('deploy/ monitoring examples', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let metrics = '';

  before(async () => {
    receiver = await new WebhookReceiver().start();
    t = await startTestApp({ listen: true, workers: true });
    const hook = await post(t, '/v1/webhooks', { url: receiver.url, events: ['ACTIVITY_UPDATED', 'KYC_UPDATED'] });
    assert.equal(hook.statusCode, 201, hook.body);
    const user = await readyBuyer(t, baseUrl(t), { kyc: 'api' });
    const bought = await buy(t, user, { fiatAmount: '25', cryptoCurrency: 'ETH', type: 'INSTANT' });
    assert.equal(bought.statusCode, 202, bought.body);
    const id = bought.json().activityItem.id as string;
    await waitForActivity(t, user, id, (a) => a.crypto.status === 'COMPLETED');
    const advanced = await post(t, '/sandbox/clock:advance', { days: 7 });
    assert.equal(advanced.statusCode, 200, advanced.body);
    await waitForActivity(t, user, id, (a) => a.fiat.status === 'COMPLETED');
    await receiver.waitFor((r) => r.length > 0, 'a webhook attempt');
    await refreshBusinessMetrics(t.ctx);
    metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
  });
  after(async () => {
    await t?.close();
    await receiver?.stop();
  });

  function assertShown(names: Set<string>, where: string): void {
    assert.ok(names.size > 10, `${where} names metrics`);
    const missing = [...names].filter((name) => !new RegExp(`^${name}(\\{| )`, 'm').test(metrics));
    assert.deepEqual(missing, [], `${where} names metrics /metrics does not show`);
  }

  it('alert rules name only metrics /metrics shows', () => {
    const rules = read('prometheus/onramp-alerts.yml');
    const exprs = [...rules.matchAll(/expr: (\|\n(?:\s{10}.*\n)+|.*)/g)].map((m) => m[1]!).join('\n');
    assertShown(metricNames(exprs), 'deploy/prometheus/onramp-alerts.yml');
  });

  it('the Grafana dashboard names only metrics /metrics shows', () => {
    const dashboard = JSON.parse(read('grafana/onramp-dashboard.json')) as {
      panels: Array<{ targets?: Array<{ expr: string }> }>;
    };
    const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((target) => target.expr)).join('\n');
    assertShown(metricNames(exprs), 'deploy/grafana/onramp-dashboard.json');
  });

  it('shows the business metrics with values from the journey', () => {
    const value = (series: string) => {
      const line = metrics.split('\n').find((l) => l.startsWith(series));
      assert.ok(line, `${series} in /metrics`);
      return Number(line.split(' ').at(-1));
    };
    assert.ok(value('onramp_webhook_attempts_total{webhook_id=') >= 1);
    assert.equal(value('onramp_payout_updates_total{status="CONFIRMED"}'), 1);
    assert.equal(value('onramp_ach_debits_resolved_total{status="SETTLED"}'), 1);
    assert.equal(value('onramp_ach_debits_pending '), 0);
    assert.equal(value('onramp_payouts{network="ETHEREUM",status="PENDING"}'), 0);
    assert.ok(value('onramp_hot_wallet_balance{network="ETHEREUM",asset="ETH"}') > 0);
    assert.equal(value('onramp_hot_wallet_nonce_lag{network="ETHEREUM"}'), 0);
    assert.ok(metrics.includes('onramp_queue_jobs{queue="purchase-process",state="ready"}'));
    assert.ok(metrics.includes('route="/v1/users/{userId}/banks/{bankId}/ach"'));
  });

  it('runs api and worker roles in the systemd units, the image and the compose file', () => {
    assert.match(read('systemd/onramp-api@.service'), /serve --role api/);
    assert.match(read('systemd/onramp-worker@.service'), /serve --role worker/);
    const compose = read('compose.yaml');
    assert.match(compose, /"serve", "--role", "api"/);
    assert.match(compose, /"serve", "--role", "worker"/);
    assert.match(read('Dockerfile'), /ENTRYPOINT \["node", "bin\/onramp.mjs"\]/);
  });
});
