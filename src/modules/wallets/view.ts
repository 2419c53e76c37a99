// The API Wallet object and the input rules shared by connect and update.
import { AppError } from '../../errors/app-error.ts';
import { hasUnsafeCharacters } from '../../lib/text.ts';
import type { WalletRow } from './repository.ts';
import { WALLET_NAME_MAX } from './schemas.ts';

export interface Wallet {
  id: string;
  createTime: string;
  updateTime: string;
  address: string;
  name?: string;
  type: 'EVM';
}

export function toWallet(row: WalletRow): Wallet {
  return {
    id: row.id,
    createTime: row.created_at.toISOString(),
    updateTime: row.updated_at.toISOString(),
    address: row.address,
    ...(row.name !== null ? { name: row.name } : {}),
    type: row.type,
  };
}

/** Trims a wallet nickname; undefined/empty → null when `optional`, else INVALID_NAME. */
export function walletName(input: string | undefined, optional: boolean): string | null {
  const name = input?.trim() ?? '';
  if (name === '') {
    if (optional) return null;
    throw new AppError('INVALID_NAME', {
      message: '`name` must not be empty',
      data: { field: 'name', rule: 'minLength', limit: 1 },
    });
  }
  if (name.length > WALLET_NAME_MAX) {
    throw new AppError('INVALID_NAME', {
      message: `\`name\` must be at most ${WALLET_NAME_MAX} characters after trimming`,
      data: { field: 'name', rule: 'maxLength', limit: WALLET_NAME_MAX },
    });
  }
  if (hasUnsafeCharacters(name, { markup: false }))
    throw new AppError('INVALID_NAME', {
      message: '`name` must not contain control characters',
      data: { field: 'name', rule: 'printable' },
    });
  return name;
}
