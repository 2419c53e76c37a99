// A payout process for the crash tests (crash.test.ts): starts the app with workers on the given
// database and state directory, optionally requests payouts, and SIGKILLs itself at a chosen point
// of the sender — right after signed transactions are stored, or right after one was broadcast.
// Without a crash point it waits for the given payouts to finish and prints what the chain shows.
//
//   CRASH_SPEC='{"crashAt":"after-sign","request":[…]}' ONRAMP_STATE_DIR=… node --import tsx crash-child.ts
import { erc20Abi, type Address } from 'viem';
import { buildApp } from '../../app.ts';
import { NETWORKS } from '../../chains/networks.ts';
import { loadConfig } from '../../config.ts';
import { getPayout } from './repository.ts';
import { payoutFaults } from './broadcaster.ts';

interface Spec {
  crashAt?: 'after-sign' | 'after-broadcast';
  request?: Array<{
    id: string;
    network: 'ETHEREUM' | 'POLYGON';
    asset: 'ETH' | 'USDC';
    toAddress: string;
    amountMinor: string;
  }>;
  waitIds?: string[];
  /** Payouts whose recipients' balances to report (default: `request`). */
  check?: Spec['request'];
}

const spec = JSON.parse(process.env.CRASH_SPEC ?? '{}') as Spec;
const crash = (where: string) => {
  process.stdout.write(`${JSON.stringify({ crashing: where })}\n`);
  process.kill(process.pid, 'SIGKILL');
};
if (spec.crashAt === 'after-sign')
  payoutFaults.afterSign = async (ids) => (ids.length > 0 ? crash('after-sign') : undefined);
if (spec.crashAt === 'after-broadcast') payoutFaults.afterBroadcast = async () => crash('after-broadcast');

const config = loadConfig({
  ...process.env,
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  PORT: '0',
  ONRAMP_RATE_LIMIT_ENABLED: 'false',
});
const { app, ctx } = await buildApp({ config, workers: true, jobsPollingIntervalSeconds: 0.5 });
await app.ready();
// Started here rather than in onReady (startChains), whose 10 s limit a loaded machine can exceed.
await ctx.chains.start();

// One transaction, so the sender finds them all at once and signs them as one batch.
await ctx.db.transaction().execute(async (trx) => {
  for (const r of spec.request ?? []) await ctx.payouts.request(trx, { ...r, amountMinor: BigInt(r.amountMinor) });
});

if (spec.crashAt) {
  // The sender kills this process; if it never gets there, say so.
  await new Promise((r) => setTimeout(r, 240_000));
  process.stdout.write(`${JSON.stringify({ error: 'the crash point was never reached' })}\n`);
  process.exit(3);
}

const until = Date.now() + 240_000;
const rows = [];
for (const id of spec.waitIds ?? []) {
  for (;;) {
    const row = await getPayout(ctx.db, id);
    if (row && (row.status === 'CONFIRMED' || row.status === 'FAILED' || row.status === 'FAILED_RETRYABLE')) {
      rows.push({ id, status: row.status, txHash: row.tx_hash, nonce: row.nonce?.toString() });
      break;
    }
    if (Date.now() > until) {
      rows.push({ id, status: row?.status, txHash: row?.tx_hash, timedOut: true });
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
const chain: Record<string, unknown> = {};
for (const network of NETWORKS) {
  const client = ctx.chains.publicClient(network);
  const hot = ctx.chains.hotWallet(network).address;
  const recipients = (spec.check ?? spec.request ?? []).filter((r) => r.network === network);
  chain[network] = {
    hotWalletNonce: await client.getTransactionCount({ address: hot }),
    balances: Object.fromEntries(
      await Promise.all(
        recipients.map(async (r) => [
          r.id,
          (r.asset === 'ETH'
            ? await client.getBalance({ address: r.toAddress as Address })
            : await client.readContract({
                address: ctx.chains.usdcAddress(network),
                abi: erc20Abi,
                functionName: 'balanceOf',
                args: [r.toAddress as Address],
              })
          ).toString(),
        ]),
      ),
    ),
  };
}
await app.close();
process.stdout.write(`${JSON.stringify({ rows, chain })}\n`);
process.exit(0);
