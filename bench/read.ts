// npm run bench:read — a client-authenticated /v1 read against a bare Fastify route, same process,
// same machine, measured in one run with autocannon (load generated on a worker thread): with the
// client id and secret (server to server), and with a client session id (an embedded front end).
// Goal kept by every issue: the authenticated read reaches ≥ 50% of the bare route's req/s.
//   BENCH_DURATION=10 BENCH_CONNECTIONS=50 npm run bench:read   (DATABASE_URL=… runs on a scratch database on that server)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createClientSession } from '../src/modules/clients/client-sessions.ts';
import { createClient } from '../src/modules/clients/create-client.ts';
import { scratchDatabase } from './scratch.ts';

const duration = Number(process.env.BENCH_DURATION ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);

async function run(name: string, url: string, headers: Record<string, string>) {
  await autocannon({ url, headers, connections, duration: 2, workers: 1 }); // warm-up
  const r = await autocannon({ url, headers, connections, duration, workers: 1 });
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return { name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99 };
}

const scratch = await scratchDatabase();
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onramp-bench-'));
const config = loadConfig({
  ...process.env,
  ...(scratch.url ? { DATABASE_URL: scratch.url } : {}),
  ONRAMP_STATE_DIR: stateDir,
  LOG_LEVEL: 'warn',
  ONRAMP_RATE_LIMIT_ENABLED: 'false',
  PORT: '0',
});
const { app, ctx } = await buildApp({ config, workers: false });
await app.listen({ host: '127.0.0.1', port: 0 });
const client = await createClient(ctx.db, config.mode, { name: 'bench' });
const appUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}/v1/config`;
const configBody = await (
  await fetch(appUrl, { headers: { 'ratio-client-id': client.clientId, 'ratio-client-secret': client.clientSecret } })
).json();

// A client session as POST /v1/client/sessions makes it (the address is EIP-55's test vector).
const session = await createClientSession(ctx.db, ctx.clock, client.clientId, config.clients.sessionTtlSeconds, {
  signingAddress: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
  signingType: 'EVM',
});

const bare = Fastify();
bare.get('/bare', async () => configBody);
await bare.listen({ host: '127.0.0.1', port: 0 });
const bareUrl = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}/bare`;

const baseline = await run('bare Fastify route (same JSON body)', bareUrl, {});
const ours = await run('GET /v1/config with client id + secret', appUrl, {
  'ratio-client-id': client.clientId,
  'ratio-client-secret': client.clientSecret,
});
const viaSession = await run('GET /v1/config with a client session id', appUrl, {
  'ratio-client-session-id': session.id,
});

const line = (r: typeof ours) =>
  `${r.name.padEnd(44)} ${r.rps.toFixed(0).padStart(8)} req/s   p50 ${r.p50} ms   p99 ${r.p99} ms`;
process.stdout.write(
  [
    `bench:read — ${connections} connections, ${duration} s each, Node ${process.version}, ${os.cpus().length} CPUs, database ${ctx.dbHandle.kind}`,
    line(baseline),
    line(ours),
    line(viaSession),
    `ratio authenticated / bare: ${(ours.rps / baseline.rps).toFixed(2)} with the secret, ${(viaSession.rps / baseline.rps).toFixed(2)} with a session (goals ≥ 0.6 and ≥ 0.5)`,
    '',
  ].join('\n'),
);
await bare.close();
await app.close();
fs.rmSync(stateDir, { recursive: true, force: true });
await scratch.drop();
