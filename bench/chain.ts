// npm run bench:chain — the sandbox chains: how long they take to start (loading the shipped contract
// artifacts, the first start that deploys and funds, a restart that replays recorded transactions) and how many
// transfers one chain takes per second, against a plain eth_blockNumber measured in the same run.
//   BENCH_TRANSFERS=500 npm run bench:chain   (with DATABASE_URL, records in a scratch database on that server)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPublicClient, http, parseEther, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { buildApp, type BuiltApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import type { DbHandle } from '../src/db/index.ts';
import { generateSecrets, resolveRuntimeSecrets } from '../src/runtime-secrets.ts';
import { loadSandboxArtifacts } from '../src/sandbox/chains/compile.ts';
import { sandboxChainsOf } from '../src/sandbox/chains/smart-wallets.ts';
import { openTestDatabase } from '../test/helpers.ts';

const transfers = Number(process.env.BENCH_TRANSFERS ?? 500);
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onramp-bench-chain-'));
const config = loadConfig({
  ...process.env,
  ONRAMP_STATE_DIR: stateDir,
  LOG_LEVEL: 'warn',
  ONRAMP_RATE_LIMIT_ENABLED: 'false',
  PORT: '0',
});
const secrets = resolveRuntimeSecrets(config, generateSecrets());
// A fresh database (in-memory PGlite, or a new database on the DATABASE_URL server), dropped at the end.
const db: DbHandle = await openTestDatabase();

const ms = (since: number) => performance.now() - since;
const open = async (): Promise<BuiltApp> => {
  const built = await buildApp({ config, dbHandle: db, migrate: false, secrets, workers: false });
  await built.app.listen({ host: '127.0.0.1', port: 0 });
  return built;
};
async function rate(count: number, task: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(20, count); i++) await task(i); // warm-up
  const started = performance.now();
  for (let i = 0; i < count; i++) await task(i);
  return count / (ms(started) / 1000);
}

let started = performance.now();
loadSandboxArtifacts();
const compileMs = ms(started);

let built = await open();
started = performance.now();
await built.ctx.chains.start();
const firstStartMs = ms(started);

const chains = sandboxChainsOf(built.ctx);
const client = chains.publicClient('ETHEREUM');
const hot = chains.hotWallet('ETHEREUM');
const port = (built.app.server.address() as { port: number }).port;
const overHttp = createPublicClient({ transport: http(`http://127.0.0.1:${port}/sandbox/rpc/ethereum`) });
const recipient = privateKeyToAccount(generatePrivateKey()).address;

const blockNumberInProcess = await rate(transfers * 4, () => client.getBlockNumber({ cacheTime: 0 }));
const blockNumberHttp = await rate(transfers * 2, () => overHttp.getBlockNumber({ cacheTime: 0 }));
const viemTransfers = await rate(transfers, () => hot.client.sendTransaction({ to: recipient, value: 1n }));

// Pre-signed: the chain and the recording alone, without viem's nonce, gas and fee look-ups.
const sender = privateKeyToAccount(generatePrivateKey());
await chains.fund('ETHEREUM', sender.address, { wei: parseEther('10') });
const fees = { gas: 21_000n, maxFeePerGas: 10n ** 11n, maxPriorityFeePerGas: 10n ** 9n };
const signed: Hex[] = [];
for (let nonce = 0; nonce < 2 * (transfers + 20); nonce++)
  signed.push(await sender.signTransaction({ chainId: 31337, to: recipient, value: 1n, nonce, ...fees }));
let next = 0;
const rawInProcess = await rate(transfers, () => client.sendRawTransaction({ serializedTransaction: signed[next++]! }));
const rawHttp = await rate(transfers, () => overHttp.sendRawTransaction({ serializedTransaction: signed[next++]! }));

const recorded = (
  await db.db
    .selectFrom('sandbox_chain_transactions')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow()
).n;
await built.app.close();
started = performance.now();
built = await open();
await built.ctx.chains.start();
const restartMs = ms(started);
await built.app.close();
await db.close();
fs.rmSync(stateDir, { recursive: true, force: true });

const line = (name: string, value: string) => `  ${name.padEnd(58)} ${value}`;
const perS = (n: number) => `${n.toFixed(0).padStart(6)} /s`;
process.stdout.write(
  [
    `bench:chain — Node ${process.version}, ${os.cpus().length} CPUs, database ${db.kind}, ${transfers} transfers per measure, sequential`,
    'start-up',
    line('load the shipped contract artifacts', `${compileMs.toFixed(0).padStart(6)} ms`),
    line('first start: 2 chains, deploy + fund', `${firstStartMs.toFixed(0).padStart(6)} ms`),
    line(`restart: 2 chains, replay ${recorded} recorded transactions`, `${restartMs.toFixed(0).padStart(6)} ms`),
    'one chain (ETHEREUM)',
    line('baseline: eth_blockNumber, in process', perS(blockNumberInProcess)),
    line('baseline: eth_blockNumber over HTTP (/sandbox/rpc)', perS(blockNumberHttp)),
    line('ETH transfer, hot wallet, viem sendTransaction, in process', perS(viemTransfers)),
    line('ETH transfer, pre-signed, eth_sendRawTransaction, in process', perS(rawInProcess)),
    line('ETH transfer, pre-signed, eth_sendRawTransaction over HTTP', perS(rawHttp)),
    `  ratios to eth_blockNumber in process: viem transfer ${(viemTransfers / blockNumberInProcess).toFixed(3)}, pre-signed ${(rawInProcess / blockNumberInProcess).toFixed(3)}; over HTTP: pre-signed / eth_blockNumber ${(rawHttp / blockNumberHttp).toFixed(3)}`,
    '',
  ].join('\n'),
);
