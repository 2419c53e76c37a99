import { Type } from '@sinclair/typebox';
import { DateTime, named, Obj, StringEnum, Uuid } from '../../lib/schema.ts';
import { FLAG_CODES } from '../flags/definitions.ts';
import { EXAMPLE, EXAMPLE_BANK_ACCOUNT, EXAMPLE_KYC } from '../../lib/examples.ts';

const EXAMPLE_USER = {
  id: EXAMPLE.userId,
  createTime: EXAMPLE.createTime,
  updateTime: EXAMPLE.updateTime,
  firstName: 'Dylan',
  lastName: 'Smith',
  email: EXAMPLE.email,
  country: 'US',
  phone: EXAMPLE.phoneMasked,
  kyc: EXAMPLE_KYC,
  connectedBankAccounts: [EXAMPLE_BANK_ACCOUNT],
  flags: [],
};

export const NAME_MAX = 100;

// ---- requests (inline) ----

export const UserParams = Obj({ userId: Uuid('The user id') });

const name = (what: string) =>
  Type.String({ maxLength: 500, description: `The ${what} of the user (trimmed; 1 to ${NAME_MAX} characters)` });

export const CreateUserRequest = Obj(
  {
    firstName: name('first name'),
    middleName: Type.Optional(name('middle name')),
    lastName: name('last name'),
    email: Type.Optional(
      Type.String({
        maxLength: 320,
        description: 'The email of the user; must be the email proven in this session when one was',
      }),
    ),
    emailAddress: Type.Optional(Type.String({ maxLength: 320, description: 'Legacy name of `email`' })),
    country: Type.String({ maxLength: 10, description: 'ISO 3166 alpha-2 country code; only US is supported' }),
    phone: Type.String({ maxLength: 32, description: 'The E.164 US mobile number proven by SMS in this session' }),
    acceptedTerms: Type.Union([Type.Boolean(), Type.String({ maxLength: 10 })], {
      description: 'Must be true (the legacy string "true" is accepted): the user agreed to the terms of use',
    }),
  },
  {
    description: 'CreateUserRequest',
    examples: [
      {
        firstName: 'Dylan',
        lastName: 'Smith',
        email: EXAMPLE.email,
        country: 'US',
        phone: EXAMPLE.phone,
        acceptedTerms: true,
      },
    ],
  },
);

// ---- responses (named components) ----

const kycResult = (description: string) =>
  StringEnum(['UNKNOWN', 'NOT_STARTED', 'SUBMITTED', 'IN_REVIEW', 'APPROVED', 'DECLINED'] as const, { description });

export const KycSchema = named(
  'Kyc',
  Type.Object(
    {
      createTime: Type.Optional(DateTime('The time the KYC was submitted')),
      updateTime: Type.Optional(DateTime('The time the KYC was last updated')),
      status: StringEnum(['NOT_STARTED', 'SUBMITTED', 'IN_REVIEW', 'APPROVED', 'DECLINED'] as const, {
        description: 'The overall KYC result: APPROVED once every check passed',
      }),
      addressResult: kycResult('The result of the KYC address verification'),
      dobResult: kycResult('The result of the KYC date of birth verification'),
      fraudResult: kycResult('The result of the KYC fraud verification'),
      idvResult: kycResult('The result of the KYC identity documentation verification'),
      idNumberLast4: Type.Optional(
        Type.String({ description: 'The last four digits of the submitted SSN (the full number is never returned)' }),
      ),
    },
    { examples: [EXAMPLE_KYC] },
  ),
);

export const UserFlagSchema = named(
  'UserFlag',
  Type.Object(
    {
      code: StringEnum(FLAG_CODES, { description: 'The account flag (user-support-reference/user-account-flags)' }),
      description: Type.String({ description: 'What the flag means' }),
      createTime: DateTime('When the flag was set'),
    },
    {
      examples: [
        { code: 'F1000', description: 'Payment delinquency: an ACH debit was returned', createTime: EXAMPLE.laterTime },
      ],
    },
  ),
);

// BankAccount is owned by the Banks module; the User embeds the same shape inline.
const BankAccountInline = Type.Object({
  id: Type.String(),
  createTime: DateTime(),
  updateTime: DateTime(),
  name: Type.Optional(Type.String()),
  mask: Type.Optional(Type.String()),
  linkStatus: Type.Optional(StringEnum(['ACTIVE', 'INACTIVE', 'LOGIN_REQUIRED'] as const)),
  verificationStatus: Type.Optional(StringEnum(['APPROVED', 'DECLINED', 'IN_REVIEW'] as const)),
});

export const UserSchema = named(
  'User',
  Type.Object(
    {
      id: Type.String({ description: 'The unique identifier of the user' }),
      createTime: DateTime('The time the user was created'),
      updateTime: DateTime('The time the user was last updated'),
      firstName: Type.String(),
      middleName: Type.Optional(Type.String()),
      lastName: Type.String(),
      email: Type.String(),
      country: Type.String({ description: 'ISO 3166 alpha-2' }),
      phone: Type.String({
        description: 'The phone number, masked to its country code and last four digits (e.g. +1******0123)',
      }),
      nationality: Type.Optional(Type.String({ description: 'From the KYC submission' })),
      occupation: Type.Optional(Type.String({ description: 'From the KYC submission' })),
      kyc: Type.Ref(KycSchema),
      connectedBankAccounts: Type.Array(BankAccountInline, { description: 'The BankAccount objects of the user' }),
      flags: Type.Array(Type.Ref(UserFlagSchema), {
        description: 'Active account flags; each blocks what user-account-flags documents',
      }),
    },
    { examples: [EXAMPLE_USER] },
  ),
);

export const userSchemas = [KycSchema, UserFlagSchema, UserSchema];
