// The wallet named in a cryptoWallet request: `walletType` (current docs) or the legacy
// `walletNetwork` (ETHEREUM/POLYGON ⇒ EVM, SOLANA ⇒ SOLANA), and the address in canonical form.
import { AppError } from '../../errors/app-error.ts';
import { normalizeAddress, walletTypeFromNetwork, WALLET_TYPES, type WalletType } from '../../lib/addresses.ts';
import type { ClientPrincipal } from '../../plugins/types.ts';

export interface WalletInput {
  walletAddress: string;
  walletType?: WalletType;
  walletNetwork?: string;
}

export interface Wallet {
  type: WalletType;
  address: string;
}

export function resolveWallet(input: WalletInput): Wallet {
  const fromNetwork = input.walletNetwork === undefined ? undefined : walletTypeFromNetwork(input.walletNetwork);
  if (input.walletType === undefined && input.walletNetwork === undefined) {
    throw new AppError('MISSING_WALLET_TYPE', {
      message: '`walletType` is required in the request body (EVM or SOLANA)',
      data: { field: 'walletType', rule: 'required' },
    });
  }
  if (input.walletType !== undefined && fromNetwork !== undefined && fromNetwork !== input.walletType) {
    throw new AppError('INVALID_WALLET_TYPE', {
      message: `\`walletNetwork\` ${input.walletNetwork} does not match \`walletType\` ${input.walletType}; send only walletType`,
      data: { field: 'walletNetwork', rule: 'consistent' },
    });
  }
  const type = (input.walletType ?? fromNetwork)!;
  const address = normalizeAddress(type, input.walletAddress);
  if (address !== undefined) return { type, address };
  const other = WALLET_TYPES.find((t) => t !== type && normalizeAddress(t, input.walletAddress) !== undefined);
  if (other) {
    throw new AppError('UNSUPPORTED_WALLET_ADDRESS', {
      message: `\`walletAddress\` is a ${other} address, not ${type}`,
      data: { field: 'walletAddress', rule: 'walletType' },
    });
  }
  const rule =
    type === 'EVM'
      ? 'a 0x-prefixed 20-byte hex address (mixed case must carry a valid EIP-55 checksum)'
      : 'a base58 ed25519 public key';
  throw new AppError('INVALID_WALLET_ADDRESS', {
    message: `\`walletAddress\` must be ${rule}`,
    data: { field: 'walletAddress', rule: 'address' },
  });
}

/** Through a client session, only the wallet the session was created for may sign in. */
export function assertClientSessionWallet(client: ClientPrincipal, wallet: Wallet): void {
  const bound = client.session;
  if (!bound) return;
  if (bound.signingType !== wallet.type || bound.signingAddress !== wallet.address) {
    throw new AppError('INVALID_WALLET_ADDRESS', {
      status: 403,
      message:
        '`walletAddress` must be the signingAddress of the client session (ratio-client-session-id) used for this request',
      data: { field: 'walletAddress', rule: 'clientSessionSigningAddress' },
    });
  }
}
