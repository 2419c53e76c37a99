import type { Timestamp } from '../../db/column-types.ts';

export interface WalletsTable {
  id: string;
  user_id: string;
  type: 'EVM';
  /** EIP-55 checksummed. */
  address: string;
  name: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface WalletTables {
  wallets: WalletsTable;
}
