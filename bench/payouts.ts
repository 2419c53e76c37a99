// npm run bench:payouts — on-chain payouts end to end (ctx.payouts.request → nonce, sign, store,
// broadcast → confirmation job → CONFIRMED) on the sandbox chains, against plain viem
// sendTransaction from a funded account measured in the same run: what the crash-safe bookkeeping
// (rows, leases, jobs) costs per transfer.
//   BENCH_DELIVERIES=300 npm run bench:payouts   (with DATABASE_URL: a scratch database on that server)
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseEther } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import type { DbHandle } from '../src/db/index.ts';
import { generateSecrets, resolveRuntimeSecrets } from '../src/runtime-secrets.ts';
import { sandboxChainsOf } from '../src/sandbox/chains/smart-wallets.ts';
import { openTestDatabase } from '../test/helpers.ts';

const count = Number(process.env.BENCH_DELIVERIES ?? 300);
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onramp-bench-delivery-'));
const config = loadConfig({
  ...process.env,
  ONRAMP_STATE_DIR: stateDir,
  LOG_LEVEL: 'warn',
  ONRAMP_RATE_LIMIT_ENABLED: 'false',
  PORT: '0',
});
const db: DbHandle = await openTestDatabase();
const built = await buildApp({
  config,
  dbHandle: db,
  migrate: false,
  secrets: resolveRuntimeSecrets(config, generateSecrets()),
  workers: true,
  jobsPollingIntervalSeconds: 0.5,
});
await built.app.ready();
const { ctx } = built;
await ctx.chains.start();
const chains = sandboxChainsOf(ctx);
const ms = (since: number) => performance.now() - since;
const recipient = () => privateKeyToAccount(generatePrivateKey()).address;

// Baseline: viem sendTransaction (nonce, gas and fee look-ups, local signing, broadcast) from a
// funded account, one after another, as a bare script would deliver.
const sender = privateKeyToAccount(generatePrivateKey());
await chains.fund('ETHEREUM', sender.address, { wei: parseEther('100') });
const wallet = chains.walletClient('ETHEREUM', sender);
for (let i = 0; i < 20; i++) await wallet.sendTransaction({ to: recipient(), value: 1n });
let started = performance.now();
for (let i = 0; i < count; i++) await wallet.sendTransaction({ to: recipient(), value: 1n });
const viemPerS = count / (ms(started) / 1000);

async function confirmed(ids: string[]): Promise<void> {
  for (;;) {
    const row = await ctx.db
      .selectFrom('payouts')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('id', 'in', ids)
      .where('status', '=', 'CONFIRMED')
      .executeTakeFirstOrThrow();
    if (Number(row.n) === ids.length) return;
    const failed = await ctx.db
      .selectFrom('payouts')
      .select(['id', 'status', 'last_error'])
      .where('id', 'in', ids)
      .where('status', 'in', ['FAILED', 'FAILED_RETRYABLE'])
      .execute();
    if (failed.length > 0) throw new Error(`payouts failed: ${JSON.stringify(failed.slice(0, 3))}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// Warm-up, then one payout at a time: the latency a purchase sees (request → CONFIRMED).
const single: number[] = [];
for (let i = 0; i < 12; i++) {
  const id = randomUUID();
  const t0 = performance.now();
  await ctx.db
    .transaction()
    .execute((trx) =>
      ctx.payouts.request(trx, { id, network: 'ETHEREUM', asset: 'ETH', toAddress: recipient(), amountMinor: 1n }),
    );
  await confirmed([id]);
  if (i >= 2) single.push(ms(t0));
}
single.sort((a, b) => a - b);

// Throughput: `count` payouts requested by concurrent callers (one transaction each), until all are CONFIRMED.
async function burst(asset: 'ETH' | 'USDC'): Promise<number> {
  const ids = Array.from({ length: count }, () => randomUUID());
  const t0 = performance.now();
  await Promise.all(
    ids.map((id) =>
      ctx.db
        .transaction()
        .execute((trx) =>
          ctx.payouts.request(trx, { id, network: 'ETHEREUM', asset, toAddress: recipient(), amountMinor: 1n }),
        ),
    ),
  );
  await confirmed(ids);
  return count / (ms(t0) / 1000);
}
const ethPerS = await burst('ETH');
const usdcPerS = await burst('USDC');

started = performance.now();
await built.app.close();
await db.close();
fs.rmSync(stateDir, { recursive: true, force: true });

const line = (name: string, value: string) => `  ${name.padEnd(62)} ${value}`;
const perS = (n: number) => `${n.toFixed(1).padStart(7)} /s`;
process.stdout.write(
  [
    `bench:payouts — Node ${process.version}, ${os.cpus().length} CPUs, database ${db.kind}, ${count} transfers per measure, ETHEREUM sandbox chain, job polling 0.5 s`,
    line('baseline: viem sendTransaction, funded account, sequential', perS(viemPerS)),
    line(`payouts confirmed, ${count} ETH requested at once`, perS(ethPerS)),
    line(`payouts confirmed, ${count} USDC requested at once`, perS(usdcPerS)),
    line(
      'one payout at a time, request → CONFIRMED, p50 / max',
      `${single[Math.floor(single.length / 2)]!.toFixed(0)} / ${single.at(-1)!.toFixed(0)} ms`,
    ),
    `  ratio payouts/s ÷ viem sendTransaction/s: ETH ${(ethPerS / viemPerS).toFixed(3)}, USDC ${(usdcPerS / viemPerS).toFixed(3)}`,
    '',
  ].join('\n'),
);
