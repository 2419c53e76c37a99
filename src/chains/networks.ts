// The networks onramp delivers to. One EVM deposit address receives on both; the purchased asset
// picks the network (ETH and USDC_ETHEREUM on ETHEREUM, USDC_POLYGON on POLYGON).
export const NETWORKS = ['ETHEREUM', 'POLYGON'] as const;
export type Network = (typeof NETWORKS)[number];

/** The native currency of each network, for wallet "add network" dialogs and viem chain definitions. */
export const NATIVE_CURRENCY: Record<Network, { name: string; symbol: string; decimals: 18 }> = {
  ETHEREUM: { name: 'Ether', symbol: 'ETH', decimals: 18 },
  POLYGON: { name: 'POL', symbol: 'POL', decimals: 18 },
};
