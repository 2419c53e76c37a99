import { Type } from '@sinclair/typebox';
import { DateTime, named, Obj, StringEnum, Uuid } from '../../lib/schema.ts';
import { EXAMPLE_WALLET } from '../../lib/examples.ts';

export const WALLET_NAME_MAX = 64;

// ---- requests (inline) ----

export const WalletParams = Obj({ userId: Uuid('The user id'), walletId: Uuid('The wallet id') });

export const ConnectWalletRequest = Obj(
  {
    address: Type.String({
      minLength: 1,
      maxLength: 100,
      description:
        'The wallet address: 0x-prefixed hex (any case; a mixed-case address must carry a valid EIP-55 checksum)',
    }),
    type: Type.Optional(
      Type.String({
        maxLength: 20,
        description: 'The wallet type: EVM. One EVM address receives on Ethereum and Polygon',
      }),
    ),
    network: Type.Optional(
      Type.String({ maxLength: 20, description: 'Legacy: ETHEREUM or POLYGON (both mean type EVM)' }),
    ),
    name: Type.Optional(
      Type.String({ maxLength: 200, description: `A nickname, trimmed, at most ${WALLET_NAME_MAX} characters` }),
    ),
  },
  {
    description: 'ConnectWalletRequest: send `type` (or the legacy `network`)',
    examples: [{ address: '0x5290Dd1F4C2c4D0f3a1b86E6bb0A0C9B3E9f9ee7', type: 'EVM', name: 'Savings' }],
  },
);

export const UpdateWalletRequest = Obj(
  {
    name: Type.String({ maxLength: 200, description: `The new nickname, trimmed, 1 to ${WALLET_NAME_MAX} characters` }),
  },
  { examples: [{ name: 'Main' }] },
);

export const ListWalletsQuery = Obj({
  pageSize: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'Wallets per page (1-100, default 20)' }),
  ),
  pageToken: Type.Optional(Type.String({ maxLength: 500, description: 'The nextPageToken of the previous page' })),
});

// ---- responses (named components) ----

export const WalletSchema = named(
  'Wallet',
  Type.Object(
    {
      id: Type.String({ description: 'The unique identifier of the wallet' }),
      createTime: DateTime('The time the wallet was created'),
      updateTime: DateTime('The time the wallet was last updated'),
      address: Type.String({ description: 'The address of the wallet (EIP-55 checksummed)' }),
      name: Type.Optional(Type.String({ description: 'The nickname of the wallet' })),
      type: StringEnum(['EVM'] as const, { description: 'The type of wallet' }),
    },
    { examples: [EXAMPLE_WALLET] },
  ),
);

export const WalletsSchema = named(
  'Wallets',
  Type.Object(
    {
      items: Type.Array(Type.Ref(WalletSchema), { description: 'The wallets of the user, oldest first' }),
      nextPageToken: Type.Optional(
        Type.String({ description: 'The token for the next page of results, if available' }),
      ),
    },
    { examples: [{ items: [EXAMPLE_WALLET] }] },
  ),
);

export const walletSchemas = [WalletSchema, WalletsSchema];
