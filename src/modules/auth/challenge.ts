// The text a wallet signs to sign in: an EIP-4361 (Sign-In with Ethereum) message for EVM wallets,
// and the same fields in the Sign-In with Solana layout for Solana wallets. The nonce comes from the
// CSPRNG (viem's generateSiweNonce uses Math.random, so it is not used).
import { randomBytes } from 'node:crypto';
import { base58 } from '@scure/base';
import { createSiweMessage } from 'viem/siwe';
import type { AuthConfig } from './config.ts';
import type { WalletType } from '../../lib/addresses.ts';

export interface Challenge {
  nonce: string;
  message: string;
  issuedAt: Date;
  expiresAt: Date;
}

/** 128 random bits in base58: alphanumeric, as EIP-4361 requires of a nonce. */
export function newNonce(): string {
  return base58.encode(randomBytes(16));
}

export function buildChallenge(
  config: AuthConfig['challenge'],
  evmChainId: number,
  type: WalletType,
  address: string,
  now: Date,
): Challenge {
  const nonce = newNonce();
  // Whole seconds: the message shows ISO times, and the stored expiry must match what the user saw.
  const issuedAt = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const expiresAt = new Date(issuedAt.getTime() + config.ttlSeconds * 1000);
  const fields = {
    domain: config.domain,
    address,
    statement: config.statement,
    uri: config.uri,
    nonce,
    issuedAt,
    expiresAt,
  };
  const message = type === 'EVM' ? evmMessage(fields, evmChainId) : solanaMessage(fields, config.solanaChainId);
  return { nonce, message, issuedAt, expiresAt };
}

interface Fields {
  domain: string;
  address: string;
  statement: string;
  uri: string;
  nonce: string;
  issuedAt: Date;
  expiresAt: Date;
}

function evmMessage(f: Fields, chainId: number): string {
  return createSiweMessage({
    domain: f.domain,
    address: f.address as `0x${string}`,
    statement: f.statement,
    uri: f.uri,
    version: '1',
    chainId,
    nonce: f.nonce,
    issuedAt: f.issuedAt,
    expirationTime: f.expiresAt,
  });
}

// Sign-In with Solana (the EIP-4361 layout with a Solana account and chain name).
function solanaMessage(f: Fields, chainId: string): string {
  return [
    `${f.domain} wants you to sign in with your Solana account:`,
    f.address,
    '',
    f.statement,
    '',
    `URI: ${f.uri}`,
    'Version: 1',
    `Chain ID: ${chainId}`,
    `Nonce: ${f.nonce}`,
    `Issued At: ${f.issuedAt.toISOString()}`,
    `Expiration Time: ${f.expiresAt.toISOString()}`,
  ].join('\n');
}
