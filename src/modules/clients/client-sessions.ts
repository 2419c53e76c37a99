// Client sessions let an embedded front end call the API without the client secret. A session is
// bound to its client, to the signing wallet it was created for, and to its deposit address.
import type { Db, Executor } from '../../db/index.ts';
import { AppError } from '../../errors/app-error.ts';
import { normalizeAddress, type WalletType } from '../../lib/addresses.ts';
import type { Clock } from '../../lib/clock.ts';
import { newSecret, sha256 } from '../../lib/crypto.ts';
import { findClientSession, insertClientSession, type ClientSessionRow } from './repository.ts';

export interface CreateClientSessionInput {
  signingAddress: string;
  signingType: WalletType;
  depositAddress?: string;
}

export interface UserMask {
  id: string;
  createTime: string;
  updateTime: string;
  phoneMask: string;
  preferredMfaMethod: 'OTP_SMS';
}

export interface ClientSessionView {
  id: string;
  createTime: string;
  updateTime: string;
  expireTime: string;
  depositAddress: string;
  depositType: WalletType;
  signingAddress: string;
  signingType: WalletType;
  userMask?: UserMask;
}

export async function userMask(db: Executor, userId: string): Promise<UserMask | undefined> {
  const user = await db
    .selectFrom('users')
    .select(['id', 'created_at', 'updated_at', 'phone'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user) return undefined;
  return {
    id: user.id,
    createTime: user.created_at.toISOString(),
    updateTime: user.updated_at.toISOString(),
    phoneMask: user.phone.slice(-4),
    preferredMfaMethod: 'OTP_SMS',
  };
}

async function view(db: Executor, id: string, row: ClientSessionRow): Promise<ClientSessionView> {
  const mask = row.user_id ? await userMask(db, row.user_id) : undefined;
  return {
    id,
    createTime: row.created_at.toISOString(),
    updateTime: row.updated_at.toISOString(),
    expireTime: row.expires_at.toISOString(),
    depositAddress: row.deposit_address,
    depositType: row.deposit_type as WalletType,
    signingAddress: row.signing_address,
    signingType: row.signing_type as WalletType,
    ...(mask ? { userMask: mask } : {}),
  };
}

/**
 * A new client session: its id (shown once; only its hash is stored) and the row to insert. The
 * addresses are checked and made canonical here, before anything is written.
 */
export function newClientSession(
  now: Date,
  clientId: string,
  ttlSeconds: number,
  input: CreateClientSessionInput,
): { id: string; row: ClientSessionRow } {
  const signingAddress = normalizeAddress(input.signingType, input.signingAddress);
  if (!signingAddress) {
    throw new AppError('INVALID_SIGNING_ADDRESS', {
      message: `\`signingAddress\` is not a valid ${input.signingType} address`,
      data: { field: 'signingAddress', rule: 'address' },
    });
  }
  // Deposits go to EVM addresses (the supported assets live on Ethereum and Polygon).
  let depositAddress = signingAddress;
  let depositType: WalletType = input.signingType;
  if (input.depositAddress !== undefined) {
    const normalized = normalizeAddress('EVM', input.depositAddress);
    if (!normalized) {
      throw new AppError('INVALID_DEPOSIT_ADDRESS', {
        message: '`depositAddress` is not a valid EVM address',
        data: { field: 'depositAddress', rule: 'address' },
      });
    }
    depositAddress = normalized;
    depositType = 'EVM';
  }
  const id = newSecret('cs_');
  const row: ClientSessionRow = {
    id_hash: sha256(id),
    client_id: clientId,
    signing_address: signingAddress,
    signing_type: input.signingType,
    deposit_address: depositAddress,
    deposit_type: depositType,
    user_id: null,
    created_at: now,
    updated_at: now,
    expires_at: new Date(now.getTime() + ttlSeconds * 1000),
  };
  return { id, row };
}

export async function createClientSession(
  db: Db,
  clock: Clock,
  clientId: string,
  ttlSeconds: number,
  input: CreateClientSessionInput,
): Promise<ClientSessionView> {
  const { id, row } = newClientSession(clock.now(), clientId, ttlSeconds, input);
  return view(db, id, await insertClientSession(db, row));
}

export async function getClientSession(
  db: Db,
  clock: Clock,
  clientId: string,
  sessionId: string,
): Promise<ClientSessionView> {
  const row = await findClientSession(db, sha256(sessionId));
  // Another client's session is reported as not found: its existence is not the caller's business.
  if (!row || row.client_id !== clientId) throw new AppError('NOT_FOUND_SESSION');
  if (row.expires_at.getTime() <= clock.now().getTime())
    throw new AppError('EXPIRED_SESSION_ID', {
      status: 422,
      message: 'The client session has expired; create a new one',
    });
  return view(db, sessionId, row);
}

/** Ratio's PartnerSession: the client session seen through the partner session endpoints. */
export interface PartnerSessionView {
  id: string;
  createTime: string;
  updateTime: string;
  depositAddress: string;
  depositNetwork: 'ETHEREUM' | 'SOLANA';
  userMask?: UserMask;
}

/**
 * GET /v1/partner/sessions/{sessionId}: the session id is the credential (with the ratio-client-id
 * it belongs to), as in Ratio's document. Another client's session, or none, is 404.
 */
export async function getPartnerSession(
  db: Db,
  clock: Clock,
  clientId: string,
  sessionId: string,
): Promise<PartnerSessionView> {
  const row = await findClientSession(db, sha256(sessionId));
  if (!row || row.client_id !== clientId.toLowerCase()) throw new AppError('NOT_FOUND_SESSION');
  if (row.expires_at.getTime() <= clock.now().getTime())
    throw new AppError('EXPIRED_SESSION_ID', { message: 'The partner session has expired; authenticate again' });
  const mask = row.user_id ? await userMask(db, row.user_id) : undefined;
  return {
    id: sessionId,
    createTime: row.created_at.toISOString(),
    updateTime: row.updated_at.toISOString(),
    depositAddress: row.deposit_address,
    depositNetwork: row.deposit_type === 'SOLANA' ? 'SOLANA' : 'ETHEREUM',
    ...(mask ? { userMask: mask } : {}),
  };
}
