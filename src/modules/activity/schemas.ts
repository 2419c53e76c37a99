// Response and request schemas of the activity endpoints, with the glossary's names and enums
// (ActivityItem, ActivityItemFiat, ActivityItemCrypto, ActivityItems, ActivityItemStatus, Direction,
// FundingMethod, Currency).
import { Type } from '@sinclair/typebox';
import { DateTime, Obj, StringEnum, Uuid, named } from '../../lib/schema.ts';
import { ACTIVITY_STATUSES, CRYPTO_CURRENCIES, DIRECTIONS, FUNDING_METHODS } from './tables.ts';
import { EXAMPLE_ACTIVITY_ITEM } from '../../lib/examples.ts';

// The destination wallet and the paying bank account as the glossary's Wallet and BankAccount,
// recorded when the purchase was made.
const ActivityWallet = Type.Object(
  {
    id: Type.String({ description: 'The unique identifier of the wallet' }),
    createTime: Type.String({ description: 'The time the wallet was created' }),
    updateTime: Type.String({ description: 'The time the wallet was last updated' }),
    address: Type.String({ description: 'The address of the wallet' }),
    name: Type.Optional(Type.String({ description: 'The nickname of the wallet' })),
    type: StringEnum(['EVM', 'SOLANA'] as const, { description: 'The type of wallet' }),
  },
  { description: 'The destination wallet for the crypto currency (Wallet)' },
);

const ActivityBankAccount = Type.Object(
  {
    id: Type.Optional(Type.String()),
    createTime: Type.Optional(Type.String()),
    updateTime: Type.Optional(Type.String()),
    name: Type.Optional(Type.String({ description: 'The name of the bank account' })),
    mask: Type.Optional(Type.String({ description: 'The account number mask' })),
    linkStatus: Type.Optional(StringEnum(['ACTIVE', 'INACTIVE', 'LOGIN_REQUIRED'] as const)),
    verificationStatus: Type.Optional(StringEnum(['APPROVED', 'DECLINED', 'IN_REVIEW'] as const)),
  },
  { description: 'The Bank Account used for fiat, if funded (BankAccount, as it was at the time of the purchase)' },
);

const Status = (description: string) => StringEnum(ACTIVITY_STATUSES, { description });

export const ActivityItemFiatSchema = named(
  'ActivityItemFiat',
  Type.Object(
    {
      status: Type.Optional(Status('The status of the fiat activity item')),
      currency: Type.Optional(StringEnum(['USD'] as const, { description: 'The fiat currency of the activity item' })),
      amount: Type.Optional(
        Type.String({ description: 'The amount of fiat currency exchanged', examples: ['100.00'] }),
      ),
      direction: Type.Optional(StringEnum(DIRECTIONS, { description: 'The direction the fiat is moving' })),
      fundingMethod: Type.Optional(StringEnum(FUNDING_METHODS, { description: 'The method used for fiat, if funded' })),
      bankAccount: Type.Optional(ActivityBankAccount),
    },
    { examples: [EXAMPLE_ACTIVITY_ITEM.fiat] },
  ),
);

export const ActivityItemCryptoSchema = named(
  'ActivityItemCrypto',
  Type.Object(
    {
      status: Type.Optional(Status('The status of the crypto activity item')),
      currency: Type.Optional(
        StringEnum(CRYPTO_CURRENCIES, { description: 'The crypto currency acquired for the activity item' }),
      ),
      wallet: Type.Optional(ActivityWallet),
      direction: Type.Optional(StringEnum(DIRECTIONS, { description: 'The direction the crypto is moving' })),
      amount: Type.Optional(
        Type.String({
          description: 'The amount of crypto currency acquired (an estimate while metadata.estimated is true)',
          examples: ['0.04956182056'],
        }),
      ),
      price: Type.Optional(
        Type.String({
          description: 'The price of a single unit of the crypto currency; specified in the fiat currency',
          examples: ['1910.54'],
        }),
      ),
      fee: Type.Optional(
        Type.String({
          description:
            'The fee to execute the crypto purchase and withdrawal (Ratio fee + network fee); specified in the fiat currency',
        }),
      ),
      transactionHash: Type.Optional(
        Type.String({ description: 'The on-chain transaction hash of the activity item' }),
      ),
    },
    { examples: [EXAMPLE_ACTIVITY_ITEM.crypto] },
  ),
);

export const ActivityMetadataSchema = Type.Object(
  {
    achType: Type.Optional(
      StringEnum(['INSTANT', 'STANDARD'] as const, { description: 'The AchType of the purchase' }),
    ),
    network: Type.Optional(
      StringEnum(['ETHEREUM', 'POLYGON'] as const, { description: 'The network the crypto is delivered on' }),
    ),
    ratioFee: Type.Optional(Type.String({ description: 'The Ratio fee in USD' })),
    networkFee: Type.Optional(Type.String({ description: 'The network fee in USD' })),
    estimated: Type.Optional(
      Type.Boolean({
        description:
          'true while the crypto amount, price and network fee are estimates (fixed when the transfer is broadcast)',
      }),
    ),
    rateFixedTime: Type.Optional(Type.String({ description: 'When the exchange rate and network fee were fixed' })),
    expectedSettlementDate: Type.Optional(
      Type.String({ description: 'The business day the ACH debit is expected to settle (YYYY-MM-DD)' }),
    ),
    failureReason: Type.Optional(
      Type.String({ description: 'Why the item failed: RISK_REJECTED, ACH_RETURNED or DELIVERY_FAILED' }),
    ),
    achReturnCode: Type.Optional(
      Type.String({ description: 'The ACH return reason code (R01 …) when the debit was returned' }),
    ),
  },
  { additionalProperties: true, description: '(Optional) Additional metadata of the activity item' },
);

export const ActivityItemSchema = named(
  'ActivityItem',
  Type.Object(
    {
      id: Type.Optional(Type.String({ description: 'The unique identifier of the allocation' })),
      createTime: Type.Optional(Type.String({ description: 'The time the allocation was created' })),
      updateTime: Type.Optional(Type.String({ description: 'The time the allocation was last updated' })),
      fiat: Type.Optional(Type.Ref(ActivityItemFiatSchema)),
      crypto: Type.Optional(Type.Ref(ActivityItemCryptoSchema)),
      metadata: Type.Optional(ActivityMetadataSchema),
    },
    { examples: [EXAMPLE_ACTIVITY_ITEM] },
  ),
);

export const ActivityItemsSchema = named(
  'ActivityItems',
  Type.Object(
    {
      items: Type.Array(Type.Ref(ActivityItemSchema), { description: 'The activity items of the user' }),
      nextPageToken: Type.Optional(
        Type.String({ description: 'The token for the next page of results, if available' }),
      ),
    },
    { examples: [{ items: [EXAMPLE_ACTIVITY_ITEM] }] },
  ),
);

export const activitySchemas = [
  ActivityItemFiatSchema,
  ActivityItemCryptoSchema,
  ActivityItemSchema,
  ActivityItemsSchema,
];

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

// Statuses may be repeated (`cryptoStatus=PENDING&cryptoStatus=FAILED`) or comma-separated.
const StatusList = (field: string) =>
  Type.Array(Type.String({ pattern: '^(PENDING|COMPLETED|FAILED)(,(PENDING|COMPLETED|FAILED))*$' }), {
    maxItems: 3,
    description: `Only items whose ${field} leg is in one of these ActivityItemStatus values (repeat the parameter or separate with commas)`,
  });

export const ListActivityQuery = Obj({
  pageSize: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: MAX_PAGE_SIZE,
      description: `Items per page, 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE})`,
    }),
  ),
  pageToken: Type.Optional(
    Type.String({ minLength: 1, maxLength: 1024, description: 'The nextPageToken of the previous page' }),
  ),
  fromCreateTime: Type.Optional(DateTime('Only items created on or after this time (RFC 3339)')),
  toCreateTime: Type.Optional(DateTime('Only items created on or before this time (RFC 3339)')),
  walletId: Type.Optional(Uuid('Only items delivering to this wallet')),
  cryptoCurrency: Type.Optional(
    StringEnum(CRYPTO_CURRENCIES, { description: 'Only items buying this crypto currency' }),
  ),
  cryptoStatus: Type.Optional(StatusList('crypto')),
  fiatStatus: Type.Optional(StatusList('fiat')),
});

export const UserIdParams = Obj({ userId: Uuid('User ID') });
export const ActivityParams = Obj({ userId: Uuid('User ID'), activityId: Uuid('Activity ID') });
