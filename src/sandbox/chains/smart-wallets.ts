// Smart-contract wallets on the sandbox chains, for testing signature checks against real contracts:
// a deployed SandboxSmartWallet answers ERC-1271 isValidSignature; a counterfactual one (not deployed
// yet) signs with an ERC-6492 wrapper that tells the verifier how to deploy it through the factory.
//
//   const chains = sandboxChainsOf(t.ctx);
//   const owner = privateKeyToAccount(generatePrivateKey());
//   const wallet = await deploySmartWallet(chains, 'ETHEREUM', owner);          // ERC-1271
//   const later = await counterfactualSmartWallet(chains, 'ETHEREUM', owner, salt); // ERC-6492
//   const signature = await wallet.signMessage('hello');
//   await chains.publicClient('ETHEREUM').verifyMessage({ address: wallet.address, message: 'hello', signature }); // true
import {
  encodeFunctionData,
  parseAbi,
  serializeErc6492Signature,
  zeroHash,
  type Address,
  type Hex,
  type LocalAccount,
  type SignableMessage,
} from 'viem';
import type { Network } from '../../chains/networks.ts';
import type { AppContext } from '../../context.ts';
import { SandboxChains } from './sandbox-chains.ts';

export const smartWalletFactoryAbi = parseAbi([
  'function deploy(address owner, bytes32 salt) returns (address wallet)',
  'function walletAddress(address owner, bytes32 salt) view returns (address)',
  'event WalletDeployed(address indexed wallet, address indexed owner, bytes32 salt)',
]);

export const smartWalletAbi = parseAbi([
  'function owner() view returns (address)',
  'function isValidSignature(bytes32 hash, bytes signature) view returns (bytes4)',
  'function execute(address to, uint256 value, bytes data) returns (bytes)',
]);

export interface SmartWallet {
  address: Address;
  owner: LocalAccount;
  salt: Hex;
  /** Whether the wallet's code is on chain now. */
  isDeployed(): Promise<boolean>;
  /**
   * The owner's EIP-191 signature of `message`, which the wallet accepts through ERC-1271; wrapped
   * per ERC-6492 while the wallet is not deployed.
   */
  signMessage(message: SignableMessage): Promise<Hex>;
}

/** The sandbox chains of an app in sandbox mode (tests use this to reach the sandbox-only helpers). */
export function sandboxChainsOf(ctx: Pick<AppContext, 'chains'>): SandboxChains {
  if (!(ctx.chains instanceof SandboxChains))
    throw new Error('this app does not run the sandbox chains (production mode)');
  return ctx.chains;
}

/** The wallet `owner` would get from the factory with `salt`, without deploying it. */
export async function counterfactualSmartWallet(
  chains: SandboxChains,
  network: Network,
  owner: LocalAccount,
  salt: Hex = zeroHash,
): Promise<SmartWallet> {
  const client = chains.publicClient(network);
  const factory = chains.contracts.smartWalletFactory;
  const address = await client.readContract({
    address: factory,
    abi: smartWalletFactoryAbi,
    functionName: 'walletAddress',
    args: [owner.address, salt],
  });
  const isDeployed = async () => ((await client.getCode({ address })) ?? '0x') !== '0x';
  return {
    address,
    owner,
    salt,
    isDeployed,
    async signMessage(message) {
      const signature = await owner.signMessage({ message });
      if (await isDeployed()) return signature;
      const data = encodeFunctionData({
        abi: smartWalletFactoryAbi,
        functionName: 'deploy',
        args: [owner.address, salt],
      });
      return serializeErc6492Signature({ address: factory, data, signature });
    },
  };
}

/** Deploys `owner`'s wallet through the factory (paid by the sandbox faucet) and waits for it. */
export async function deploySmartWallet(
  chains: SandboxChains,
  network: Network,
  owner: LocalAccount,
  salt: Hex = zeroHash,
): Promise<SmartWallet> {
  const wallet = await counterfactualSmartWallet(chains, network, owner, salt);
  if (await wallet.isDeployed()) return wallet;
  const faucet = chains.walletClient(network, chains.accounts.faucet);
  const hash = await faucet.writeContract({
    address: chains.contracts.smartWalletFactory,
    abi: smartWalletFactoryAbi,
    functionName: 'deploy',
    args: [owner.address, salt],
  });
  const receipt = await chains.publicClient(network).waitForTransactionReceipt({ hash, timeout: 30_000 });
  if (receipt.status !== 'success')
    throw new Error(`deploying the smart wallet of ${owner.address} reverted (${hash})`);
  return wallet;
}
