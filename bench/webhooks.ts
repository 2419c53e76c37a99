// npm run bench:webhooks — webhook deliveries per second, end to end (an event published through the
// outbox → fan-out → pg-boss job → signed POST → recorded attempt), against raw HTTP POSTs of the same
// bodies to the same local receiver at the same concurrency, measured in the same run.
//   BENCH_EVENTS=2000 npm run bench:webhooks   (with DATABASE_URL, on a scratch database on that server)
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import type { DbHandle } from '../src/db/index.ts';
import type { ActivityItem } from '../src/modules/activity/repository.ts';
import { createClient } from '../src/modules/clients/create-client.ts';
import { generateSecrets, resolveRuntimeSecrets } from '../src/runtime-secrets.ts';
import { openTestDatabase } from '../test/helpers.ts';
import { WebhookReceiver } from '../test/webhook-receiver.ts';

const events = Number(process.env.BENCH_EVENTS ?? 2000);
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onramp-bench-webhooks-'));
const config = loadConfig({
  ...process.env,
  ONRAMP_STATE_DIR: stateDir,
  LOG_LEVEL: 'warn',
  ONRAMP_RATE_LIMIT_ENABLED: 'false',
  PORT: '0',
});
const secrets = resolveRuntimeSecrets(config, generateSecrets());
const db: DbHandle = await openTestDatabase();
const built = await buildApp({
  config,
  dbHandle: db,
  migrate: false,
  secrets,
  workers: true,
  jobsPollingIntervalSeconds: 0.5,
});
await built.app.ready();
const { ctx } = built;

const receiver = await new WebhookReceiver().start();
const client = await createClient(db.db, config.mode, { name: 'Bench partner' });
const headers = { 'ratio-client-id': client.clientId, 'ratio-client-secret': client.clientSecret };
const created = await built.app.inject({
  method: 'POST',
  url: '/v1/webhooks',
  headers,
  payload: { url: receiver.url, events: ['ACTIVITY_UPDATED'] },
});
if (created.statusCode !== 201) throw new Error(created.body);
const userId = crypto.randomUUID();
await db.db
  .insertInto('users')
  .values({
    id: userId,
    client_id: client.clientId,
    first_name: 'Bench',
    last_name: 'User',
    email: 'bench@example.com',
    email_normalized: 'bench@example.com',
    phone: '+12025550123',
    country: 'US',
  })
  .execute();
await db.db.insertInto('user_clients').values({ user_id: userId, client_id: client.clientId }).execute();

const data = (n: number): ActivityItem => ({
  id: `activity-${n}`,
  createTime: '2026-01-01T00:00:00.000Z',
  updateTime: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, n)).toISOString(),
  fiat: {
    status: 'PENDING',
    currency: 'USD',
    amount: '25.00',
    direction: 'CREDIT',
    fundingMethod: 'ACH_ORIGINATED_INSTANT',
  },
  crypto: { status: 'PENDING', currency: 'ETH', direction: 'DEBIT', amount: '0.0098', price: '2475.00', fee: '0.75' },
  metadata: {},
});

async function publishAll(count: number, offset: number): Promise<void> {
  for (let start = 0; start < count; start += 100) {
    await db.db.transaction().execute(async (trx) => {
      for (let i = start; i < Math.min(count, start + 100); i++)
        await ctx.events.publish(trx, { userId, type: 'ACTIVITY_UPDATED', data: data(offset + i) });
    });
  }
}

const seconds = (since: number) => (performance.now() - since) / 1000;

// Warm-up.
await publishAll(50, 0);
await receiver.waitFor((r) => r.length >= 50, 'warm-up', 120_000);

// End to end: from the first publish to the last delivery received.
const before = receiver.requests.length;
let started = performance.now();
await publishAll(events, 1000);
const publishSeconds = seconds(started);
await receiver.waitFor((r) => r.length >= before + events, 'every delivery', 600_000);
const endToEnd = events / seconds(started);

// Baseline: the same number of raw POSTs of a same-sized body, same concurrency, keep-alive.
const agent = new http.Agent({ keepAlive: true, maxSockets: config.webhooks.perWebhookConcurrency });
const body = receiver.requests.at(-1)!.raw;
const url = new URL(receiver.url);
async function post(): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', resolve);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
started = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: config.webhooks.perWebhookConcurrency }, async () => {
    while (next++ < events) await post();
  }),
);
const raw = events / seconds(started);

const database = config.db.url || process.env.DATABASE_URL ? 'PostgreSQL server' : 'PGlite (embedded)';
process.stdout.write(
  [
    `webhooks bench — ${events} events, one webhook (concurrency ${config.webhooks.perWebhookConcurrency}), ${database}, ${os.cpus().length} CPUs`,
    `  publish (outbox rows + dispatch jobs):     ${(events / publishSeconds).toFixed(0)} events/s`,
    `  end to end (publish → signed POST → recorded): ${endToEnd.toFixed(0)} deliveries/s`,
    `  baseline: raw HTTP POSTs to the same receiver: ${raw.toFixed(0)} POSTs/s`,
    `  ratio end-to-end / raw POST: ${(endToEnd / raw).toFixed(3)}`,
    '',
  ].join('\n'),
);

agent.destroy();
await receiver.stop();
await built.app.close();
await db.close();
fs.rmSync(stateDir, { recursive: true, force: true });
