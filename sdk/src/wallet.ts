// Wallet sign-in signers: a viem account (privateKeyToAccount, toAccount — anything with `address`
// and `signMessage`) or an EIP-1193 provider (window.ethereum, WalletConnect, a viem wallet client's
// transport). Both sign the EIP-4361 challenge with personal_sign (EIP-191), which cryptoWallet:
// authenticate verifies (EOAs, ERC-1271 and ERC-6492 smart wallets). EVM wallets only.

/** A viem LocalAccount or anything shaped like one. */
export interface MessageSigner {
  address: string;
  signMessage(args: { message: string }): Promise<string>;
}

/** An EIP-1193 provider. */
export interface Eip1193Provider {
  request(args: { method: string; params?: unknown[] | Record<string, unknown> }): Promise<unknown>;
}

export type WalletSigner = MessageSigner | Eip1193Provider;

function isMessageSigner(signer: WalletSigner): signer is MessageSigner {
  return (
    typeof (signer as MessageSigner).signMessage === 'function' && typeof (signer as MessageSigner).address === 'string'
  );
}

function utf8Hex(text: string): string {
  let hex = '0x';
  for (const byte of new TextEncoder().encode(text)) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/** The address that will sign: the account's, `address` when given, else the provider's first account. */
export async function signerAddress(signer: WalletSigner, address?: string): Promise<string> {
  if (address) return address;
  if (isMessageSigner(signer)) return signer.address;
  const accounts = (await signer.request({ method: 'eth_requestAccounts' })) as unknown;
  if (!Array.isArray(accounts) || typeof accounts[0] !== 'string') {
    throw new Error('the EIP-1193 provider returned no account for eth_requestAccounts');
  }
  return accounts[0];
}

/** personal_sign of `message` by `address`. */
export async function signChallenge(signer: WalletSigner, address: string, message: string): Promise<string> {
  if (isMessageSigner(signer)) return signer.signMessage({ message });
  const signature = await signer.request({ method: 'personal_sign', params: [utf8Hex(message), address] });
  if (typeof signature !== 'string') throw new Error('the EIP-1193 provider returned no signature for personal_sign');
  return signature;
}
