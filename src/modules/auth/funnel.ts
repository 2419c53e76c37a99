// The first steps of a client's acquisition funnel (docs/dashboard.md), recorded as they happen in
// the transaction of the auth step: a wallet signing in through the client for the first time, the
// first SMS code asked for in a session with that wallet, the first SMS code verified in one. Only
// the first time of each is kept (one row per client and wallet).
import type { Executor } from '../../db/index.ts';

export interface FunnelWallet {
  type: 'EVM' | 'SOLANA';
  address: string;
}

export async function recordWalletConnected(
  trx: Executor,
  clientId: string,
  wallet: FunnelWallet,
  at: Date,
): Promise<void> {
  await trx
    .insertInto('funnel_wallets')
    .values({ client_id: clientId, wallet_type: wallet.type, address: wallet.address, connected_at: at })
    .onConflict((oc) => oc.columns(['client_id', 'wallet_type', 'address']).doNothing())
    .execute();
}

export async function recordPhoneEntered(
  trx: Executor,
  clientId: string,
  wallet: FunnelWallet,
  at: Date,
): Promise<void> {
  await trx
    .updateTable('funnel_wallets')
    .set({ phone_entered_at: at })
    .where('client_id', '=', clientId)
    .where('wallet_type', '=', wallet.type)
    .where('address', '=', wallet.address)
    .where('phone_entered_at', 'is', null)
    .execute();
}

/** A verified code implies a phone was entered (a session may verify before the wallet signs). */
export async function recordSmsVerified(
  trx: Executor,
  clientId: string,
  wallet: FunnelWallet,
  at: Date,
): Promise<void> {
  await trx
    .insertInto('funnel_wallets')
    .values({
      client_id: clientId,
      wallet_type: wallet.type,
      address: wallet.address,
      connected_at: at,
      phone_entered_at: at,
      sms_verified_at: at,
    })
    .onConflict((oc) =>
      oc.columns(['client_id', 'wallet_type', 'address']).doUpdateSet((eb) => ({
        phone_entered_at: eb.fn.coalesce('funnel_wallets.phone_entered_at', eb.val(at)),
        sms_verified_at: eb.fn.coalesce('funnel_wallets.sms_verified_at', eb.val(at)),
      })),
    )
    .execute();
}
