// npm run bench:journey — full INSTANT purchases per second: POST …/ach through the risk check, the
// ACH origination, the ledger, the on-chain delivery and its confirmation, until the activity item's
// crypto leg is COMPLETED; against a baseline measured in the same run on the same sandbox chain:
// plain ETH transfers signed and sent with viem, each awaited to its receipt.
//   BENCH_PURCHASES=40 BENCH_CONCURRENCY=5 npm run bench:journey   (DATABASE_URL=… for a PostgreSQL server)
import os from 'node:os';
import { parseEther } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { sandboxChainsOf } from '../src/sandbox/chains/smart-wallets.ts';
import { baseUrl, startTestApp } from '../test/helpers.ts';
import { buy, readyBuyer } from '../test/purchases.ts';

const purchases = Number(process.env.BENCH_PURCHASES ?? 40);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 5);

// Limits out of the way: this measures throughput, not the limits.
const t = await startTestApp({
  listen: true,
  workers: true,
  env: {
    LOG_LEVEL: 'warn',
    ONRAMP_LIMIT_TRANSACTIONS_PER_DAY: '1000',
    ONRAMP_LIMIT_INSTANT_DAILY_USD: '1000000',
    ONRAMP_LIMIT_DAILY_USD: '1000000',
    ONRAMP_LIMIT_WEEKLY_USD: '1000000',
  },
});
const ms = (since: number) => performance.now() - since;

// Baseline: the chain alone — a funded account sends `purchases` transfers, each to its receipt.
const chains = sandboxChainsOf(t.ctx);
const sender = privateKeyToAccount(generatePrivateKey());
await chains.fund('ETHEREUM', sender.address, { wei: parseEther('10') });
const { createWalletClient, custom } = await import('viem');
const publicClient = t.ctx.chains.publicClient('ETHEREUM');
const wallet = createWalletClient({ account: sender, chain: t.ctx.chains.chain('ETHEREUM'), transport: custom({ request: (args) => publicClient.request(args as never) }) });
const recipient = privateKeyToAccount(generatePrivateKey()).address;
let started = performance.now();
for (let i = 0; i < purchases; i++) {
  const hash = await wallet.sendTransaction({ to: recipient, value: 1n });
  await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 50 });
}
const baselinePerSecond = purchases / (ms(started) / 1000);

// The journey: one buyer made through the API (wallet + SMS, user, KYC, bank via the Plaid sandbox).
const buyer = await readyBuyer(t, baseUrl(t));
const postLatencies: number[] = [];
started = performance.now();
const ids: string[] = [];
let next = 0;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < purchases) {
      next++;
      const t0 = performance.now();
      const res = await buy(t, buyer, { fiatAmount: '25', cryptoCurrency: 'ETH', type: 'INSTANT' });
      postLatencies.push(ms(t0));
      if (res.statusCode !== 201) throw new Error(`purchase failed: ${res.body}`);
      ids.push(res.json().activityItem.id);
    }
  }),
);
// Done when every crypto leg is COMPLETED (read from the database the API reads, to keep polling cheap).
for (;;) {
  const done = await t.db.db.selectFrom('activity_items').select('id').where('id', 'in', ids).where('crypto_status', '=', 'COMPLETED').execute();
  const failed = await t.db.db.selectFrom('activity_items').select('id').where('id', 'in', ids).where('crypto_status', '=', 'FAILED').execute();
  if (failed.length > 0) throw new Error(`${failed.length} purchases failed`);
  if (done.length === ids.length) break;
  if (ms(started) > 600_000) throw new Error(`only ${done.length}/${ids.length} purchases completed in 10 minutes`);
  await new Promise((r) => setTimeout(r, 50));
}
const journeyPerSecond = purchases / (ms(started) / 1000);
postLatencies.sort((a, b) => a - b);
const pct = (p: number) => postLatencies[Math.min(postLatencies.length - 1, Math.floor((p / 100) * postLatencies.length))]!.toFixed(0);

process.stdout.write(
  [
    `bench:journey — ${purchases} INSTANT ETH purchases, ${concurrency} at a time, Node ${process.version}, ${os.cpus().length} CPUs, database ${t.db.kind}`,
    `baseline: ETH transfer signed + sent + receipt (viem)   ${baselinePerSecond.toFixed(1).padStart(7)} /s`,
    `full purchase: POST …/ach → crypto COMPLETED            ${journeyPerSecond.toFixed(1).padStart(7)} /s   (POST p50 ${pct(50)} ms, p99 ${pct(99)} ms)`,
    `ratio purchases / plain transfers: ${(journeyPerSecond / baselinePerSecond).toFixed(2)}`,
    '',
  ].join('\n'),
);
await t.close();
