// Request and response schemas of the purchase endpoints, with the glossary's names
// (InitiateAchRequest, InitiateAchResponse, AchLimit, CalculatedAchLimitsResponse, AchType).
import { Type } from '@sinclair/typebox';
import { Obj, StringEnum, Uuid, named } from '../../lib/schema.ts';
import { ActivityItemSchema } from '../activity/schemas.ts';
import { CRYPTO_CURRENCIES } from '../activity/tables.ts';
import { EXAMPLE, EXAMPLE_ACTIVITY_ITEM } from '../../lib/examples.ts';

// What the purchase answers at once: both legs pending, the crypto amount quoted.
const { transactionHash: _notYetBroadcast, ...pendingCrypto } = EXAMPLE_ACTIVITY_ITEM.crypto;
const EXAMPLE_PENDING_PURCHASE = {
  ...EXAMPLE_ACTIVITY_ITEM,
  updateTime: EXAMPLE_ACTIVITY_ITEM.createTime,
  crypto: { ...pendingCrypto, status: 'PENDING' },
};

export const ACH_TYPES = ['STANDARD', 'INSTANT'] as const;

export const InitiateAchRequest = Obj(
  {
    fiatAmount: Type.String({
      minLength: 1,
      maxLength: 64,
      description:
        'The amount in USD to be exchanged, fees included ("100" or "100.00"); it is what the bank account is debited',
      examples: ['25.00'],
    }),
    cryptoCurrency: StringEnum(CRYPTO_CURRENCIES, { description: 'The crypto currency to be purchased' }),
    walletId: Uuid('The ID of the wallet to receive the crypto'),
    type: StringEnum(ACH_TYPES, { description: 'The type of ACH request' }),
  },
  { examples: [{ fiatAmount: '25.00', cryptoCurrency: 'ETH', walletId: EXAMPLE.walletId, type: 'INSTANT' }] },
);

export const InitiateAchResponseSchema = named(
  'InitiateAchResponse',
  Type.Object(
    {
      activityItem: Type.Optional(Type.Ref(ActivityItemSchema, { description: 'The pending activity item' })),
    },
    { examples: [{ activityItem: EXAMPLE_PENDING_PURCHASE }] },
  ),
);

export const AchLimitSchema = named(
  'AchLimit',
  Type.Object(
    {
      currency: StringEnum(['USD'] as const, { description: 'The fiat currency for the limit' }),
      limit: Type.String({
        description: 'The maximum allowable sum of ACH transaction amounts',
        examples: ['3000.00'],
      }),
      used: Type.String({
        description: 'The current sum of ACH transaction amounts by the ACH limit type (e.g. daily)',
      }),
      remaining: Type.String({
        description: 'The remaining allowable sum, calculated as the delta between the limit and used values',
      }),
    },
    { examples: [{ currency: 'USD', limit: '3000.00', used: '25.00', remaining: '2975.00' }] },
  ),
);

export const CalculatedAchLimitsResponseSchema = named(
  'CalculatedAchLimitsResponse',
  Type.Object(
    {
      instant: Type.Ref(AchLimitSchema, {
        description: 'The ACH limit for transactions processed instantly (INSTANT purchases in the last 24 hours)',
      }),
      daily: Type.Ref(AchLimitSchema, { description: 'The ACH limit for transactions processed in the last day' }),
      weekly: Type.Ref(AchLimitSchema, { description: 'The ACH limit for transactions processed in the last 7 days' }),
    },
    {
      examples: [
        {
          instant: { currency: 'USD', limit: '3000.00', used: '25.00', remaining: '2975.00' },
          daily: { currency: 'USD', limit: '5000.00', used: '25.00', remaining: '4975.00' },
          weekly: { currency: 'USD', limit: '15000.00', used: '25.00', remaining: '14975.00' },
        },
      ],
    },
  ),
);

export const purchaseSchemas = [InitiateAchResponseSchema, AchLimitSchema, CalculatedAchLimitsResponseSchema];

export const UserBankParams = Obj({ userId: Uuid('User ID'), bankId: Uuid('Bank Account ID') });
export const UserParams = Obj({ userId: Uuid('User ID') });
