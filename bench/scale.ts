// npm run bench:scale — throughput with 1, 2 and 4 onramp processes on one PostgreSQL database, as
// ratios to one process measured in the same run (docs/scaling.md). Needs DATABASE_URL (a scratch
// database per size is created on that server and dropped). For each size N:
//   - a process running the sandbox chains (role api, no load), and N processes of role `all`;
//   - BENCH_SCALE_BUYERS users made ready to buy through them (sign-in, KYC, Plaid sandbox bank);
//   - reads: GET /v1/users/{id} (client auth + session JWT + database) with autocannon against every
//     process at once for BENCH_SCALE_SECONDS, BENCH_SCALE_CONNECTIONS connections in all;
//   - purchases: every buyer fires BENCH_SCALE_PURCHASES INSTANT ETH purchases at once, spread over the
//     processes; measured from the first request until every crypto leg is COMPLETED on chain.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres BENCH_SCALE_PROCESSES=1,2,4 npm run bench:scale
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import autocannon from 'autocannon';
import { partnerRequest, readyBuyer, roundRobin, until, type Buyer } from '../scripts/partner-api.ts';
import { Cluster } from '../test/processes.ts';
import { scratchDatabase } from './scratch.ts';

if (!process.env.DATABASE_URL) {
  process.stderr.write('bench:scale needs DATABASE_URL (a PostgreSQL server): processes cannot share PGlite\n');
  process.exit(2);
}
const sizes = (process.env.BENCH_SCALE_PROCESSES ?? '1,2,4').split(',').map(Number);
const buyersCount = Number(process.env.BENCH_SCALE_BUYERS ?? 8);
const perBuyer = Number(process.env.BENCH_SCALE_PURCHASES ?? 5);
const seconds = Number(process.env.BENCH_SCALE_SECONDS ?? 10);
const connections = Number(process.env.BENCH_SCALE_CONNECTIONS ?? 32);

interface Result {
  n: number;
  readsPerSecond: number;
  readP99Ms: number;
  purchasesPerSecond: number;
  purchases: number;
}

const log = (line: string) => process.stdout.write(`${line}\n`);

async function reads(bases: string[], cluster: Cluster, buyer: Buyer): Promise<{ rps: number; p99: number }> {
  const headers = {
    'ratio-client-id': cluster.client.id,
    'ratio-client-secret': cluster.client.secret,
    authorization: `Bearer ${buyer.jwt}`,
  };
  const runs = await Promise.all(
    bases.map((base) =>
      autocannon({
        url: `${base}/v1/users/${buyer.id}`,
        connections: Math.max(1, Math.round(connections / bases.length)),
        duration: seconds,
        headers,
      }),
    ),
  );
  for (const r of runs) if (r.non2xx > 0) throw new Error(`${r.non2xx} reads did not answer 2xx`);
  return {
    rps: runs.reduce((sum, r) => sum + r.requests.average, 0),
    p99: Math.max(...runs.map((r) => r.latency.p99)),
  };
}

async function purchaseBurst(bases: string[], cluster: Cluster, buyers: Buyer[]): Promise<number> {
  const started = performance.now();
  let i = 0;
  const answers = await Promise.all(
    buyers.flatMap((b) =>
      Array.from({ length: perBuyer }, () =>
        partnerRequest(
          { base: bases[i++ % bases.length]!, ...cluster.client },
          'POST',
          `/v1/users/${b.id}/banks/${b.bankId}/ach`,
          { fiatAmount: '25.00', cryptoCurrency: 'ETH', walletId: b.walletId, type: 'INSTANT' },
          { 'idempotency-key': randomUUID() },
          b.jwt,
        ),
      ),
    ),
  );
  const refused = answers.filter((a) => a.status !== 201);
  if (refused.length > 0) throw new Error(`${refused.length} purchases refused: ${JSON.stringify(refused[0]!.json)}`);
  const call = roundRobin(bases, cluster.client);
  await until(
    'every crypto leg COMPLETED',
    async () => {
      for (const b of buyers) {
        const { items } = await call(b.jwt, 'GET', `/v1/users/${b.id}/activity?pageSize=100`);
        if (items.some((item: { crypto?: { status?: string } }) => item.crypto?.status !== 'COMPLETED'))
          return undefined;
      }
      return true;
    },
    600_000,
    250,
  );
  return (performance.now() - started) / 1000;
}

async function measure(n: number): Promise<Result> {
  const scratch = await scratchDatabase();
  const cluster = new Cluster(scratch.url!, {
    // Throughput, not limits: the purchase limits out of the way.
    ONRAMP_LIMIT_TRANSACTIONS_PER_DAY: '1000',
    ONRAMP_LIMIT_INSTANT_DAILY_USD: '1000000',
    ONRAMP_LIMIT_DAILY_USD: '1000000',
    ONRAMP_LIMIT_WEEKLY_USD: '1000000',
  });
  try {
    await cluster.startChains();
    const procs = await cluster.startMany(Array.from({ length: n }, () => 'all' as const));
    const bases = procs.map((p) => p.base);
    const call = roundRobin(bases, cluster.client);
    const buyers = await Promise.all(Array.from({ length: buyersCount }, (_, k) => readyBuyer(call, `Scale${k}`)));
    const r = await reads(bases, cluster, buyers[0]!);
    const burst = await purchaseBurst(bases, cluster, buyers);
    const total = buyers.length * perBuyer;
    return { n, readsPerSecond: r.rps, readP99Ms: r.p99, purchasesPerSecond: total / burst, purchases: total };
  } finally {
    await cluster.close();
    await scratch.drop();
  }
}

log(
  `bench:scale on ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), load ${os.loadavg()[0]!.toFixed(1)}`,
);
log(
  `sizes ${sizes.join(', ')}; ${buyersCount} buyers × ${perBuyer} purchases; reads ${seconds} s × ${connections} connections\n`,
);
const results: Result[] = [];
for (const n of sizes) {
  const r = await measure(n);
  results.push(r);
  log(
    `${n} process(es): ${r.readsPerSecond.toFixed(0)} reads/s (p99 ${r.readP99Ms} ms), ${r.purchasesPerSecond.toFixed(2)} purchases/s end to end`,
  );
}
const base = results[0]!;
log('\nprocesses | reads/s | × one process | purchases/s | × one process');
for (const r of results)
  log(
    `${String(r.n).padStart(9)} | ${r.readsPerSecond.toFixed(0).padStart(7)} | ${(r.readsPerSecond / base.readsPerSecond).toFixed(2).padStart(13)} | ${r.purchasesPerSecond.toFixed(2).padStart(11)} | ${(r.purchasesPerSecond / base.purchasesPerSecond).toFixed(2).padStart(13)}`,
  );
log(`\nload average at the end ${os.loadavg()[0]!.toFixed(1)} (the machine is shared: compare ratios within one run)`);
