// Wallet signature verification. EVM: EIP-191 personal_sign over the challenge, checked by a viem
// verifier (a PublicClient also accepts ERC-1271 smart-contract wallets and ERC-6492 counterfactual
// ones). Solana: ed25519 over the UTF-8 challenge with node:crypto; the signature in base58 or base64.
import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { base58 } from '@scure/base';
import type { ChainPublicClient } from '../../chains/types.ts';
import { AppError } from '../../errors/app-error.ts';
import { solanaPublicKey, type WalletType } from '../../lib/addresses.ts';

// ERC-6492 signatures carry a factory call; a few kilobytes covers real smart-account factories.
const MAX_EVM_SIGNATURE_HEX = 16_384;
const EVM_SIGNATURE_RE = /^0x(?:[0-9a-fA-F]{2})+$/;

export type Hex = `0x${string}`;

/** Verifies an EIP-191 signature by `address` of `message`; true or false, never a throw for a bad signature. */
export interface EvmVerifier {
  verifyMessage(args: { address: Hex; message: string; signature: Hex }): Promise<boolean>;
}

/**
 * Through the ETHEREUM chain's public client: an EOA signature is checked locally first (ecrecover,
 * `mode: 'eoa'`, no RPC call); anything else goes to the chain, which runs the wallet's ERC-1271
 * isValidSignature, or deploys it in a simulation first when the signature carries an ERC-6492
 * wrapper. viem reports a failed eth_call as "not valid", so a refusal is confirmed by asking the
 * chain for its block number: an unreachable chain is 503, not a wrong signature.
 */
export function chainVerifier(client: ChainPublicClient): EvmVerifier {
  const unavailable = () =>
    new AppError('SERVICE_UNAVAILABLE', {
      message:
        'The signature could not be checked: the chain is unreachable (smart-contract wallets are verified on chain); retry later',
      headers: { 'retry-after': '5' },
    });
  return {
    async verifyMessage({ address, message, signature }) {
      let valid: boolean;
      try {
        valid = await client.verifyMessage({ address, message, signature, mode: 'eoa' });
      } catch {
        throw unavailable();
      }
      if (valid) return true;
      await client.getBlockNumber({ cacheTime: 0 }).catch(() => {
        throw unavailable();
      });
      return false;
    },
  };
}

/** The signature in its verifiable form, or 400 INVALID_SIGNATURE naming the rule. */
export function parseSignature(type: WalletType, signature: string): Hex | Buffer[] {
  if (type === 'EVM') {
    if (signature.length > MAX_EVM_SIGNATURE_HEX || !EVM_SIGNATURE_RE.test(signature)) {
      throw malformed('`signature` must be the 0x-prefixed hex signature returned by personal_sign');
    }
    return signature as Hex;
  }
  const candidates = solanaSignatureCandidates(signature);
  if (candidates.length === 0) throw malformed('`signature` must be a 64-byte ed25519 signature in base58 or base64');
  return candidates;
}

function malformed(message: string): AppError {
  return new AppError('INVALID_SIGNATURE', { status: 400, message, data: { field: 'signature', rule: 'format' } });
}

// A 64-byte signature can be written in both encodings with the same characters, so keep each
// reading that gives 64 bytes and accept the signature if any of them verifies.
function solanaSignatureCandidates(signature: string): Buffer[] {
  const out: Buffer[] = [];
  if (signature.length > 128) return out;
  try {
    const bytes = Buffer.from(base58.decode(signature));
    if (bytes.length === 64) out.push(bytes);
  } catch {
    // not base58
  }
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(signature) || /^[A-Za-z0-9_-]+$/.test(signature)) {
    const bytes = Buffer.from(signature, /[-_]/.test(signature) ? 'base64url' : 'base64');
    if (bytes.length === 64 && !out.some((b) => b.equals(bytes))) out.push(bytes);
  }
  return out;
}

export function verifySolana(address: string, message: string, signatures: Buffer[]): boolean {
  let key: ReturnType<typeof createPublicKey>;
  try {
    key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(solanaPublicKey(address)).toString('base64url') },
      format: 'jwk',
    });
  } catch {
    return false;
  }
  const data = Buffer.from(message, 'utf8');
  return signatures.some((s) => {
    try {
      return cryptoVerify(null, data, key, s);
    } catch {
      return false;
    }
  });
}
