// POST /v1/users/{userId}/wallets: a deposit address for purchases. EVM only (one address receives
// on Ethereum and Polygon); stored checksummed; once per user; at most `walletsPerUser`.
import type { Db, Executor } from '../../db/index.ts';
import { AppError } from '../../errors/app-error.ts';
import { normalizeAddress } from '../../lib/addresses.ts';
import type { Clock } from '../../lib/clock.ts';
import { newId } from '../../lib/crypto.ts';
import { assertFlagsAllow } from '../flags/index.ts';
import { auditUserAction, type RequestActor } from '../users/audit.ts';
import {
  countUserWallets,
  findWalletByAddress,
  insertWallet,
  insertWalletIfAbsent,
  lockWalletOwner,
  type WalletRow,
} from './repository.ts';
import { toWallet, walletName, type Wallet } from './view.ts';

export interface ConnectWalletInput {
  address: string;
  type?: string;
  /** Legacy: ETHEREUM | POLYGON mean EVM. */
  network?: string;
  name?: string;
}

export interface WalletDeps {
  db: Db;
  clock: Clock;
  walletsPerUser: number;
}

/** The wallet type of a request, from `type` or the legacy `network`. */
export function resolveWalletType(input: { type?: string; network?: string }): 'EVM' {
  const { type, network } = input;
  if (type === undefined && network === undefined) {
    throw new AppError('MISSING_WALLET_TYPE', {
      message: '`type` is required (EVM); older clients may send `network` (ETHEREUM or POLYGON) instead',
      data: { field: 'type', rule: 'required' },
    });
  }
  if (type !== undefined && type !== 'EVM') {
    const why =
      type === 'SOLANA'
        ? 'SOLANA wallets can sign in but cannot receive the supported assets (ETH, USDC)'
        : 'the only deposit wallet type is EVM';
    throw new AppError('INVALID_WALLET_TYPE', {
      message: `\`type\` must be EVM: ${why}`,
      data: { field: 'type', rule: 'enum', allowed: ['EVM'] },
    });
  }
  if (network !== undefined && network !== 'ETHEREUM' && network !== 'POLYGON') {
    throw new AppError('INVALID_WALLET_TYPE', {
      message: '`network` must be ETHEREUM or POLYGON (both mean type EVM)',
      data: { field: 'network', rule: 'enum', allowed: ['ETHEREUM', 'POLYGON'] },
    });
  }
  return 'EVM';
}

export function parseDepositAddress(address: string, field = 'address'): string {
  const canonical = normalizeAddress('EVM', address.trim());
  if (canonical === undefined) {
    throw new AppError('INVALID_WALLET_ADDRESS', {
      message: `\`${field}\` must be a 0x-prefixed 40-hex-digit EVM address (a mixed-case address must have a valid EIP-55 checksum)`,
      data: { field, rule: 'evmAddress' },
    });
  }
  return canonical;
}

export async function connectWallet(
  deps: WalletDeps,
  userId: string,
  input: ConnectWalletInput,
  actor: RequestActor,
): Promise<Wallet> {
  const type = resolveWalletType(input);
  const address = parseDepositAddress(input.address);
  const name = walletName(input.name, true);
  await assertFlagsAllow(deps.db, userId, 'UPDATE_PROFILE');
  const row = await deps.db.transaction().execute(async (trx) => {
    await lockWalletOwner(trx, userId);
    const existing = await findWalletByAddress(trx, userId, type, address);
    if (existing) {
      throw new AppError('ALREADY_EXISTS_WALLET_ADDRESS', {
        message: `The user already has wallet ${existing.id} with this address`,
        data: { field: 'address', walletId: existing.id },
      });
    }
    const count = await countUserWallets(trx, userId);
    if (count >= deps.walletsPerUser) {
      throw new AppError('EXCEEDS_LIMIT_WALLETS', {
        message: `A user can have at most ${deps.walletsPerUser} wallets; this user has ${count}`,
        data: { limit: deps.walletsPerUser, count },
      });
    }
    const now = deps.clock.now();
    const wallet = await insertWallet(trx, {
      id: newId(),
      user_id: userId,
      type,
      address,
      name,
      created_at: now,
      updated_at: now,
    });
    await auditUserAction(trx, actor, {
      action: 'wallet.connect',
      userId,
      subjectType: 'WALLET',
      subjectId: wallet.id,
      at: now,
      details: { address, legacyNetwork: input.network ?? null },
    });
    return wallet;
  });
  return toWallet(row);
}

/** The user's first deposit wallet, added inside the create-user transaction (idempotent). */
export async function addFirstDepositWallet(
  trx: Executor,
  userId: string,
  address: string,
  now: Date,
): Promise<WalletRow | undefined> {
  return insertWalletIfAbsent(trx, {
    id: newId(),
    user_id: userId,
    type: 'EVM',
    address,
    name: null,
    created_at: now,
    updated_at: now,
  });
}
