// banks:activateLink: exchanges the public token Plaid Link returned, reads the accounts with their
// ACH numbers, the account holders (identity) and the balance, stores the bank (access token and
// account number encrypted) and decides verification when KYC allows. All Plaid calls happen before
// the transaction; the transaction writes the bank and its BANK_UPDATED event together.
import type { AccountBase, NumbersACH } from 'plaid';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../errors/app-error.ts';
import { newId } from '../../lib/crypto.ts';
import type { ClientPrincipal } from '../../plugins/types.ts';
import type { BankAccount } from '../users/bank-accounts-reader.ts';
import { assertFlagsAllow } from '../flags/index.ts';
import { PlaidCallError, plaidCall } from './plaid-call.ts';
import { accessTokenAad, accountNumberAad, currentBank, publishBankUpdated, toBankAccount } from './repository.ts';
import { decideVerification } from './verify-bank.ts';

const cents = (amount: number | null | undefined): bigint | null =>
  amount === null || amount === undefined ? null : BigInt(Math.round(amount * 100));

/** The account to debit: a checking account with ACH numbers, else a savings account, else none. */
function chooseAccount(
  accounts: AccountBase[],
  ach: NumbersACH[],
): { account: AccountBase; numbers: NumbersACH } | undefined {
  const candidates = accounts
    .filter((a) => a.type === 'depository')
    .map((account) => ({ account, numbers: ach.find((n) => n.account_id === account.account_id) }))
    .filter((c): c is { account: AccountBase; numbers: NumbersACH } => c.numbers !== undefined);
  return (
    candidates.find((c) => c.account.subtype === 'checking') ??
    candidates.find((c) => c.account.subtype === 'savings') ??
    candidates[0]
  );
}

async function removeItemQuietly(ctx: AppContext, accessToken: string): Promise<void> {
  try {
    await plaidCall(ctx.log, 'item/remove', () => ctx.plaid.api().itemRemove({ access_token: accessToken }), [
      'ITEM_NOT_FOUND',
      'INVALID_ACCESS_TOKEN',
    ]);
  } catch (error) {
    if (!(error instanceof PlaidCallError))
      ctx.log.warn(
        { err: error instanceof Error ? error.message : String(error) },
        'could not remove an unused Plaid item',
      );
  }
}

const alreadyLinked = (bankId: string) =>
  new AppError('ALREADY_EXISTS_BANK', {
    message: `The user already has bank ${bankId} linked; a user has one bank at a time: DELETE it before linking another`,
    data: { bankId },
  });

export async function activateBankLink(
  ctx: AppContext,
  client: ClientPrincipal,
  userId: string,
  publicToken: string,
): Promise<{ bankAccount: BankAccount }> {
  await assertFlagsAllow(ctx.db, userId, 'LINK_BANK');
  const existing = await currentBank(ctx.db, userId);
  // A second bank is refused before the token is spent; a bank waiting for its login may be repaired.
  if (existing && existing.link_status !== 'LOGIN_REQUIRED') throw alreadyLinked(existing.id);

  const api = ctx.plaid.api();
  const exchanged = await plaidCall(ctx.log, 'item/public_token/exchange', () =>
    api.itemPublicTokenExchange({ public_token: publicToken }),
  );
  const accessToken = exchanged.access_token;

  if (existing) {
    if (exchanged.item_id !== existing.plaid_item_id) {
      await removeItemQuietly(ctx, accessToken);
      throw alreadyLinked(existing.id);
    }
    return { bankAccount: await repairLogin(ctx, existing.id, accessToken) };
  }

  let stored: Awaited<ReturnType<typeof readLinkedAccount>>;
  try {
    stored = await readLinkedAccount(ctx, api, accessToken);
  } catch (error) {
    await removeItemQuietly(ctx, accessToken);
    throw error;
  }

  const { auth, chosen, owners, balances } = stored;
  const id = newId();
  const now = ctx.clock.now();
  const token = ctx.secrets.keyring.encrypt(accessToken, accessTokenAad(id));
  const accountNumber = ctx.secrets.keyring.encrypt(chosen.numbers.account, accountNumberAad(id));
  const row = await ctx.db.transaction().execute(async (trx) => {
    const decision = await decideVerification(trx, userId, owners);
    const inserted = await trx
      .insertInto('banks')
      .values({
        id,
        user_id: userId,
        client_id: client.id,
        plaid_item_id: exchanged.item_id,
        access_token_key_id: token.keyId,
        access_token_ciphertext: token.ciphertext,
        institution_id: auth.item.institution_id ?? null,
        institution_name: auth.item.institution_name ?? null,
        plaid_account_id: chosen.account.account_id,
        account_name: chosen.account.name,
        account_official_name: chosen.account.official_name,
        account_subtype: chosen.account.subtype,
        mask: chosen.account.mask,
        routing_number: chosen.numbers.routing,
        account_number_key_id: accountNumber.keyId,
        account_number_ciphertext: accountNumber.ciphertext,
        owner_names: owners,
        available_cents: cents(balances.available),
        current_cents: cents(balances.current),
        balance_at: now,
        link_status: 'ACTIVE',
        verification_status: decision.status,
        verification_state: decision.state,
        verification_detail: decision.detail,
        verified_at: decision.state === 'DONE' ? now : null,
        created_at: now,
        updated_at: now,
      })
      // One bank per user (and per item): a concurrent activation loses here.
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) await publishBankUpdated(ctx.events, trx, inserted);
    return inserted;
  });
  if (!row) {
    await removeItemQuietly(ctx, accessToken);
    const winner = await currentBank(ctx.db, userId);
    throw alreadyLinked(winner?.id ?? 'unknown');
  }
  return { bankAccount: toBankAccount(row) };
}

/** Update mode finished and the partner activated its public token: the item is the bank's own again. */
async function repairLogin(ctx: AppContext, bankId: string, accessToken: string): Promise<BankAccount> {
  const token = ctx.secrets.keyring.encrypt(accessToken, accessTokenAad(bankId));
  return ctx.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('banks')
      .set({
        link_status: 'ACTIVE',
        access_token_key_id: token.keyId,
        access_token_ciphertext: token.ciphertext,
        updated_at: ctx.clock.now(),
      })
      .where('id', '=', bankId)
      .where('deleted_at', 'is', null)
      .returningAll()
      .executeTakeFirstOrThrow();
    await publishBankUpdated(ctx.events, trx, updated);
    return toBankAccount(updated);
  });
}

/** Reads the linked item's ACH account, its owners and balance from Plaid. */
async function readLinkedAccount(ctx: AppContext, api: ReturnType<AppContext['plaid']['api']>, accessToken: string) {
  const auth = await plaidCall(ctx.log, 'auth/get', () => api.authGet({ access_token: accessToken }));
  const chosen = chooseAccount(auth.accounts, auth.numbers.ach);
  if (!chosen) {
    throw new AppError('UNSUPPORTED_BANK', {
      message: 'The linked bank has no checking or savings account with ACH numbers; link another bank',
      data: { field: 'publicToken' },
    });
  }
  const identity = await plaidCall(ctx.log, 'identity/get', () =>
    api.identityGet({ access_token: accessToken, options: { account_ids: [chosen.account.account_id] } }),
  );
  const balance = await plaidCall(ctx.log, 'accounts/balance/get', () =>
    api.accountsBalanceGet({ access_token: accessToken, options: { account_ids: [chosen.account.account_id] } }),
  );
  const owners =
    identity.accounts.find((a) => a.account_id === chosen.account.account_id)?.owners.flatMap((o) => o.names) ?? [];
  const balances = balance.accounts[0]?.balances ?? chosen.account.balances;
  return { auth, chosen, owners, balances };
}
