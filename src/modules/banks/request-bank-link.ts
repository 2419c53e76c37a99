// banks:requestLink (a Plaid link token for a new bank) and banks/{bankId}:requestLink (update mode,
// for a bank whose login the user must repeat).
import type { AppContext } from '../../context.ts';
import { AppError } from '../../errors/app-error.ts';
import type { ClientPrincipal } from '../../plugins/types.ts';
import { assertFlagsAllow } from '../flags/index.ts';
import { getKycIdentity } from '../kyc/repository.ts';
import { plaidCall } from './plaid-call.ts';
import { currentBank, decryptAccessToken, findBank, publishBankUpdated } from './repository.ts';
import type { LinkTokenCreateRequest } from 'plaid';
import { plaidModule } from '../../providers/plaid/index.ts';

export interface RequestLinkInput {
  redirectUri?: string | undefined;
  androidPackageName?: string | undefined;
}

/** Only the redirect URIs and Android package names registered for the client reach Plaid. */
function platformOptions(
  client: ClientPrincipal,
  input: RequestLinkInput,
): Pick<LinkTokenCreateRequest, 'redirect_uri' | 'android_package_name'> {
  if (input.redirectUri !== undefined && !client.redirectUris.includes(input.redirectUri)) {
    throw new AppError('UNSUPPORTED_REDIRECT_URI', {
      message: `\`redirectUri\` ${JSON.stringify(input.redirectUri)} is not registered for this client (registered: ${client.redirectUris.length === 0 ? 'none' : client.redirectUris.join(', ')}); ask the operator to add it`,
      data: { field: 'redirectUri', rule: 'registered' },
    });
  }
  if (input.androidPackageName !== undefined && !client.androidPackageNames.includes(input.androidPackageName)) {
    throw new AppError('UNSUPPORTED_ANDROID_PACKAGE_NAME', {
      message: `\`androidPackageName\` ${JSON.stringify(input.androidPackageName)} is not registered for this client; ask the operator to add it`,
      data: { field: 'androidPackageName', rule: 'registered' },
    });
  }
  return {
    ...(input.redirectUri !== undefined ? { redirect_uri: input.redirectUri } : {}),
    ...(input.androidPackageName !== undefined ? { android_package_name: input.androidPackageName } : {}),
  };
}

async function linkUser(ctx: AppContext, userId: string) {
  const identity = await getKycIdentity(ctx.db, userId);
  if (!identity) throw new AppError('NOT_FOUND_USER', { data: { field: 'userId' } });
  return {
    client_user_id: userId,
    legal_name: [identity.firstName, identity.middleName, identity.lastName].filter(Boolean).join(' '),
  };
}

function linkProducts(): LinkTokenCreateRequest['products'] {
  const { Products } = plaidModule();
  return [Products.Auth, Products.Identity];
}

function commonRequest(ctx: AppContext) {
  const webhook = ctx.plaid.webhookUrl();
  return {
    client_name: ctx.plaid.clientName,
    language: 'en',
    country_codes: [plaidModule().CountryCode.Us],
    ...(webhook ? { webhook } : {}),
  };
}

export async function requestBankLink(
  ctx: AppContext,
  client: ClientPrincipal,
  userId: string,
  input: RequestLinkInput,
): Promise<{ linkToken: string }> {
  await assertFlagsAllow(ctx.db, userId, 'LINK_BANK');
  const existing = await currentBank(ctx.db, userId);
  if (existing) {
    throw new AppError('ALREADY_EXISTS_BANK', {
      message: `The user already has bank ${existing.id} linked; a user has one bank at a time: DELETE it before linking another (or repair it with banks/${existing.id}:requestLink)`,
      data: { bankId: existing.id },
    });
  }
  const platform = platformOptions(client, input);
  const user = await linkUser(ctx, userId);
  const data = await plaidCall(ctx.log, 'link/token/create', () =>
    ctx.plaid.api().linkTokenCreate({ ...commonRequest(ctx), user, products: linkProducts(), ...platform }),
  );
  return { linkToken: data.link_token };
}

/**
 * Update mode: a link token bound to the bank's Plaid item. Only for a bank that needs its login
 * repeated; a bank we hold as ACTIVE is checked with Plaid first (a webhook may have been missed).
 */
export async function requestUpdateLink(
  ctx: AppContext,
  client: ClientPrincipal,
  userId: string,
  bankId: string,
  input: RequestLinkInput,
): Promise<{ linkToken: string }> {
  await assertFlagsAllow(ctx.db, userId, 'LINK_BANK');
  const bank = await findBank(ctx.db, userId, bankId);
  if (!bank)
    throw new AppError('NOT_FOUND_BANK', { message: `No bank ${bankId} for this user`, data: { field: 'bankId' } });
  const platform = platformOptions(client, input);
  const accessToken = decryptAccessToken(ctx.secrets.keyring, bank);
  if (bank.link_status !== 'LOGIN_REQUIRED') {
    const item = await plaidCall(ctx.log, 'item/get', () => ctx.plaid.api().itemGet({ access_token: accessToken }));
    const needsLogin =
      item.item.error?.error_code === 'ITEM_LOGIN_REQUIRED' || item.item.consent_expiration_time != null;
    if (!needsLogin) {
      throw new AppError('PLAID_LOGIN_ERROR', {
        message: `The bank's linkStatus is ${bank.link_status}: update mode is only for a bank whose linkStatus is LOGIN_REQUIRED`,
        data: { field: 'bankId', linkStatus: bank.link_status },
      });
    }
    await ctx.db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('banks')
        .set({ link_status: 'LOGIN_REQUIRED', updated_at: ctx.clock.now() })
        .where('id', '=', bank.id)
        .where('link_status', '=', 'ACTIVE')
        .where('deleted_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      if (updated) await publishBankUpdated(ctx.events, trx, updated);
    });
  }
  const user = await linkUser(ctx, userId);
  const data = await plaidCall(ctx.log, 'link/token/create (update mode)', () =>
    ctx.plaid.api().linkTokenCreate({ ...commonRequest(ctx), user, access_token: accessToken, ...platform }),
  );
  return { linkToken: data.link_token };
}
