import { Type } from '@sinclair/typebox';
import { WALLET_TYPES } from '../../lib/addresses.ts';
import { DateTime, Obj, StringEnum } from '../../lib/schema.ts';
import { EXAMPLE } from '../../lib/examples.ts';

export const WalletTypeSchema = StringEnum(WALLET_TYPES, { description: 'The type of wallet' });

export const UserMaskSchema = Type.Object(
  {
    id: Type.String({ description: 'The unique identifier of the user' }),
    createTime: DateTime('The time the user was created'),
    updateTime: DateTime('The time the user was last updated'),
    phoneMask: Type.String({ description: "The last 4 digits of the user's phone number" }),
    preferredMfaMethod: StringEnum(['OTP_SMS'] as const, {
      description: 'The second factor to ask the user for: an SMS code',
    }),
  },
  {
    $id: 'UserMask',
    title: 'UserMask',
    examples: [
      {
        id: EXAMPLE.userId,
        createTime: EXAMPLE.createTime,
        updateTime: EXAMPLE.updateTime,
        phoneMask: '0123',
        preferredMfaMethod: 'OTP_SMS',
      },
    ],
  },
);

export const CreateClientSessionRequest = Obj(
  {
    signingAddress: Type.String({
      minLength: 1,
      maxLength: 128,
      description: 'The wallet address that will be used to authenticate',
    }),
    signingType: WalletTypeSchema,
    depositAddress: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 128,
        description: 'The wallet address that will be used as the deposit target; defaults to the signing address',
      }),
    ),
  },
  { title: 'CreateClientSessionRequest', examples: [{ signingAddress: EXAMPLE.address, signingType: 'EVM' }] },
);

export const ClientSessionSchema = Type.Object(
  {
    id: Type.String({ description: 'The session ID; send it as the ratio-client-session-id header' }),
    createTime: DateTime('The time the session was created'),
    updateTime: DateTime('The time the session was last updated'),
    expireTime: DateTime('When the session stops working (onramp extension)'),
    depositAddress: Type.String({ description: 'The address of the deposit wallet' }),
    depositType: WalletTypeSchema,
    userMask: Type.Optional(Type.Ref(UserMaskSchema)),
    signingAddress: Type.String({ description: 'The address of the signing wallet' }),
    signingType: WalletTypeSchema,
  },
  {
    $id: 'ClientSession',
    title: 'ClientSession',
    examples: [
      {
        id: 'cs_5mQ2vN8xR4tY7wK1pL9sD3fG6hJ0aZ2c',
        createTime: EXAMPLE.createTime,
        updateTime: EXAMPLE.createTime,
        expireTime: '2026-03-02T15:34:05.000Z',
        depositAddress: EXAMPLE.address,
        depositType: 'EVM',
        signingAddress: EXAMPLE.address,
        signingType: 'EVM',
      },
    ],
  },
);

export const SessionIdParams = Obj({ sessionId: Type.String({ minLength: 1, maxLength: 128 }) });
