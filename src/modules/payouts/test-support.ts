// Helpers for payout tests: wait for a payout's state, read balances through viem.
import { erc20Abi, type Address } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import type { Network } from '../../chains/networks.ts';
import type { AppContext } from '../../context.ts';
import { getPayout, type PayoutRow } from './repository.ts';
import type { PayoutStatus } from './tables.ts';

export function newAddress(): Address {
  return privateKeyToAccount(generatePrivateKey()).address;
}

export async function waitForStatus(
  t: { ctx: AppContext; logs?: { records(): Array<Record<string, unknown>> } },
  id: string,
  statuses: PayoutStatus[],
  timeoutMs = 120_000,
): Promise<PayoutRow> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const row = await getPayout(t.ctx.db, id);
    if (row && statuses.includes(row.status)) return row;
    if (Date.now() > until) {
      const problems = (t.logs?.records() ?? []).filter((r) => (r.level as number) >= 40).slice(-10);
      throw new Error(
        `payout ${id} is ${row?.status ?? 'missing'} (${row?.last_error ?? 'no error'}), not ${statuses.join('/')}, after ${timeoutMs} ms; recent warnings: ${JSON.stringify(problems)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function ethBalance(t: { ctx: AppContext }, network: Network, address: Address): Promise<bigint> {
  return t.ctx.chains.publicClient(network).getBalance({ address });
}

export function usdcBalance(t: { ctx: AppContext }, network: Network, address: Address): Promise<bigint> {
  return t.ctx.chains.publicClient(network).readContract({
    address: t.ctx.chains.usdcAddress(network),
    abi: erc20Abi,
    functionName: 'balanceOf',
    args: [address],
  });
}
