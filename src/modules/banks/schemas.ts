import { Type } from '@sinclair/typebox';
import { DateTime, named, Obj, StringEnum, Uuid } from '../../lib/schema.ts';
import { EXAMPLE, EXAMPLE_BANK_ACCOUNT } from '../../lib/examples.ts';

// ---- requests (inline) ----

export const BankParams = Obj({ userId: Uuid('The user id'), bankId: Uuid('The bank account id') });

export const RequestBankLinkRequest = Obj(
  {
    redirectUri: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 2048,
        description: 'The OAuth redirect URI registered for your client (iOS / web OAuth banks)',
      }),
    ),
    androidPackageName: Type.Optional(
      Type.String({ minLength: 1, maxLength: 255, description: 'The Android package name registered for your client' }),
    ),
  },
  {
    description: 'RequestBankLinkRequest: both fields optional; each must be registered for the client',
    examples: [{}],
  },
);

export const ActivateBankLinkRequest = Obj(
  {
    publicToken: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'The public token from Plaid Link (onSuccess)',
    }),
  },
  { examples: [{ publicToken: EXAMPLE.publicToken }] },
);

// ---- responses (named components) ----

export const BankAccountSchema = named(
  'BankAccount',
  Type.Object(
    {
      id: Type.String({ description: 'The unique identifier of the bank account' }),
      createTime: DateTime('The time the bank account connection was created'),
      updateTime: DateTime('The time the bank account connection was last updated'),
      name: Type.Optional(Type.String({ description: 'The name of the bank account' })),
      mask: Type.Optional(Type.String({ description: 'The account number mask' })),
      linkStatus: Type.Optional(
        StringEnum(['ACTIVE', 'INACTIVE', 'LOGIN_REQUIRED'] as const, {
          description: 'BankLinkStatus: LOGIN_REQUIRED means the user must log in again (update mode)',
        }),
      ),
      verificationStatus: Type.Optional(
        StringEnum(['APPROVED', 'DECLINED', 'IN_REVIEW'] as const, {
          description: "BankVerificationStatus: the account holder's name against the KYC legal name",
        }),
      ),
    },
    { examples: [EXAMPLE_BANK_ACCOUNT] },
  ),
);

export const RequestBankLinkResponseSchema = named(
  'RequestBankLinkResponse',
  Type.Object(
    { linkToken: Type.String({ description: 'The link token for the Plaid integration' }) },
    { examples: [{ linkToken: EXAMPLE.linkToken }] },
  ),
);

export const ActivateBankLinkResponseSchema = named(
  'ActivateBankLinkResponse',
  Type.Object(
    { bankAccount: Type.Optional(Type.Ref(BankAccountSchema)) },
    { examples: [{ bankAccount: EXAMPLE_BANK_ACCOUNT }] },
  ),
);

export const bankSchemas = [BankAccountSchema, RequestBankLinkResponseSchema, ActivateBankLinkResponseSchema];
