// The network fee of a payout, in the network's gas token and in USD: the gas a transfer uses at the
// chain's current gas price, priced with the gas token's USD price. Read through ctx.chains — an RPC
// call in production, so never from inside a database transaction.
import type { Chains } from '../../chains/types.ts';
import { AppError } from '../../errors/app-error.ts';
import { divCeil, type Minor, minor, type UsdCents, usdCents } from '../../lib/money.ts';
import type { PriceSnapshot, PricedAsset } from '../../providers/prices/index.ts';
import type { Network } from '../../chains/networks.ts';
import { ASSETS, type CryptoCurrency } from '../../lib/assets.ts';

/**
 * Gas charged per payout. A native transfer costs exactly 21,000; an ERC-20 `transfer` to an address
 * that already holds the token costs ~35k–52k and ~52k–65k to one that does not: charge the upper bound.
 */
export const TRANSFER_GAS: Record<'NATIVE' | 'ERC20', bigint> = { NATIVE: 21_000n, ERC20: 65_000n };

export const GAS_TOKEN = { ETHEREUM: 'ETH', POLYGON: 'POL' } as const satisfies Record<Network, PricedAsset>;
export type GasToken = (typeof GAS_TOKEN)[Network];

export interface NetworkFee {
  network: Network;
  /** In the gas token's smallest unit, per unit of gas. */
  gasPriceWei: Minor<GasToken>;
  gasLimit: bigint;
  /** gasLimit × gasPrice, in the gas token's smallest unit (wei). */
  feeWei: Minor<GasToken>;
  /** The same in USD cents, rounded up. */
  feeCents: UsdCents;
}

/** Gas prices are reused this long (wall time) so a burst of estimates costs one RPC call per network. */
const GAS_PRICE_TTL_MS = 5_000;
// A cache per app's chains (a WeakMap so it goes with them), not a way for modules to talk.
const gasPriceCache = new WeakMap<Chains, Map<Network, { wei: Minor<GasToken>; until: number }>>();

async function gasPrice(chains: Chains, network: Network): Promise<Minor<GasToken>> {
  let perChains = gasPriceCache.get(chains);
  if (!perChains) {
    perChains = new Map();
    gasPriceCache.set(chains, perChains);
  }
  const hit = perChains.get(network);
  if (hit && performance.now() < hit.until) return hit.wei;
  let wei: Minor<GasToken>;
  try {
    wei = minor(await chains.publicClient(network).getGasPrice());
  } catch (error) {
    throw new AppError('SERVICE_UNAVAILABLE', {
      message: `The ${network} network's gas price is unavailable; retry later`,
      data: { network, reason: (error as Error).name },
    });
  }
  perChains.set(network, { wei, until: performance.now() + GAS_PRICE_TTL_MS });
  return wei;
}

export async function networkFee(chains: Chains, prices: PriceSnapshot, currency: CryptoCurrency): Promise<NetworkFee> {
  const { network } = ASSETS[currency];
  const gasLimit = currency === 'ETH' ? TRANSFER_GAS.NATIVE : TRANSFER_GAS.ERC20;
  const gasPriceWei = await gasPrice(chains, network);
  const feeWei = minor<GasToken>(gasLimit * gasPriceWei);
  const feeCents = usdCents(divCeil(feeWei * prices.cents[GAS_TOKEN[network]], 10n ** 18n));
  return { network, gasPriceWei, gasLimit, feeWei, feeCents };
}
