import { Type } from '@sinclair/typebox';
import type { App } from '../../app-types.ts';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../errors/app-error.ts';
import { assertUserAccess } from '../auth/access.ts';
import { assertFlagsAllow } from '../flags/index.ts';
import { requestActor } from '../users/audit.ts';
import { UserParams } from '../users/schemas.ts';
import { connectWallet } from './connect-wallet.ts';
import { listWallets } from './list-wallets.ts';
import { findUserWallet } from './repository.ts';
import {
  ConnectWalletRequest,
  ListWalletsQuery,
  UpdateWalletRequest,
  WalletParams,
  WalletSchema,
  WalletsSchema,
} from './schemas.ts';
import { updateWallet } from './update-wallet.ts';
import { toWallet } from './view.ts';

export { walletSchemas } from './schemas.ts';

export function registerWalletRoutes(app: App, ctx: AppContext): void {
  const tag = 'Wallets';
  const deps = { db: ctx.db, clock: ctx.clock, walletsPerUser: ctx.config.onboarding.walletsPerUser };

  app.get('/v1/users/:userId/wallets', {
    config: { auth: 'client', user: 'one', tag },
    schema: {
      operationId: 'listWallets',
      summary: 'List wallets',
      description: "The user's deposit wallets, oldest first, in pages (`nextPageToken`).",
      params: UserParams,
      querystring: ListWalletsQuery,
      response: { 200: Type.Ref(WalletsSchema) },
    },
    handler: async (request) => {
      const { userId } = request.params;
      assertUserAccess(request, userId);
      await assertFlagsAllow(ctx.db, userId, 'READ');
      return listWallets(ctx.db, userId, request.query);
    },
  });

  app.post('/v1/users/:userId/wallets', {
    config: { auth: 'client', user: 'two', tag, idempotency: true },
    schema: {
      operationId: 'connectWallet',
      summary: 'Connect a wallet',
      description: `Adds a deposit address (assign-a-deposit-address.md): \`type\` EVM (one address receives on Ethereum and Polygon; the legacy \`network\` ETHEREUM or POLYGON means EVM). Stored checksummed; an address appears once per user (409 ALREADY_EXISTS_WALLET_ADDRESS); at most ${ctx.config.onboarding.walletsPerUser} wallets per user (422 EXCEEDS_LIMIT_WALLETS).`,
      params: UserParams,
      body: ConnectWalletRequest,
      response: { 201: Type.Ref(WalletSchema) },
    },
    handler: async (request, reply) => {
      const { userId } = request.params;
      assertUserAccess(request, userId);
      return reply.code(201).send(await connectWallet(deps, userId, request.body, requestActor(request)));
    },
  });

  app.get('/v1/users/:userId/wallets/:walletId', {
    config: { auth: 'client', user: 'one', tag },
    schema: {
      operationId: 'getWallet',
      summary: 'Get a wallet',
      params: WalletParams,
      response: { 200: Type.Ref(WalletSchema) },
    },
    handler: async (request) => {
      const { userId, walletId } = request.params;
      assertUserAccess(request, userId);
      await assertFlagsAllow(ctx.db, userId, 'READ');
      const row = await findUserWallet(ctx.db, userId, walletId);
      if (!row)
        throw new AppError('NOT_FOUND_WALLET', {
          message: `The user has no wallet ${walletId}`,
          data: { field: 'walletId' },
        });
      return toWallet(row);
    },
  });

  const update = {
    config: { auth: 'client' as const, user: 'two' as const, tag },
    schema: {
      operationId: 'updateWallet',
      summary: 'Rename a wallet',
      description: 'UpdateWalletRequest: the nickname, trimmed. Like every write, needs two factors (one of them SMS).',
      params: WalletParams,
      body: UpdateWalletRequest,
      response: { 200: Type.Ref(WalletSchema) },
    },
  };
  app.patch('/v1/users/:userId/wallets/:walletId', {
    ...update,
    handler: async (request) => {
      const { userId, walletId } = request.params;
      assertUserAccess(request, userId);
      return updateWallet(deps, userId, walletId, request.body, requestActor(request));
    },
  });
  app.post('/v1/users/:userId/wallets/:walletId', {
    ...update,
    schema: {
      ...update.schema,
      operationId: 'updateWalletLegacy',
      summary: 'Rename a wallet (legacy POST)',
      description: 'The older form of PATCH; same body and result.',
    },
    handler: async (request) => {
      const { userId, walletId } = request.params;
      assertUserAccess(request, userId);
      return updateWallet(deps, userId, walletId, request.body, requestActor(request));
    },
  });
}
