// ACH helpers for tests: a Plaid Item in the built-in sandbox (through the official client, as a
// partner's own Plaid integration would make one) and debit requests on it.
import { type PlaidApi, Products } from 'plaid';
import { newId } from '../src/lib/crypto.ts';
import type { AchDebitRequest } from '../src/modules/ach/index.ts';
import type { TestApp } from './helpers.ts';

export interface PlaidAccount {
  accessToken: string;
  accountId: string;
}

/** A linked checking account of Plaid's user_good at Tartan Bank. The app must listen. */
export async function plaidAccount(api: PlaidApi): Promise<PlaidAccount> {
  const { data: created } = await api.sandboxPublicTokenCreate({
    institution_id: 'ins_109511',
    initial_products: [Products.Auth],
    options: { override_username: 'user_good', override_password: 'pass_good' },
  });
  const { data: exchanged } = await api.itemPublicTokenExchange({ public_token: created.public_token });
  const { data: accounts } = await api.accountsGet({ access_token: exchanged.access_token });
  const checking = accounts.accounts.find((a) => a.subtype === 'checking')!;
  return { accessToken: exchanged.access_token, accountId: checking.account_id };
}

export function debitOn(
  account: PlaidAccount,
  cents: bigint,
  speed: 'INSTANT' | 'STANDARD' = 'STANDARD',
): AchDebitRequest {
  return {
    id: newId(),
    amountCents: cents,
    speed,
    accessToken: account.accessToken,
    accountId: account.accountId,
    legalName: 'Alberta Bobbeth Charleson',
  };
}

/** Polls `fn` until it returns something, at most `timeoutMs`. */
export async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export type { TestApp };
