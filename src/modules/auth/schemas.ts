import { Type } from '@sinclair/typebox';
import { WALLET_TYPES } from '../../lib/addresses.ts';
import { named, Obj, StringEnum } from '../../lib/schema.ts';
import { UserMaskSchema } from '../clients/schemas.ts';
import { UserSchema } from '../users/schemas.ts';
import { EXAMPLE } from '../../lib/examples.ts';

const EXAMPLE_PHONE_ID = 'phone_388ab61c-5d2e-4f7a-9b1c-0e3d5f7a9b2c';
const EXAMPLE_EMAIL_ID = 'email_4c9e1a3b-7d2f-4e6a-8b0c-1f3e5a7c9d2e';

// ---- requests (inline) ----

const walletFields = {
  walletAddress: Type.String({
    minLength: 1,
    maxLength: 100,
    description: 'The wallet address: 0x-prefixed hex for EVM, base58 for SOLANA',
  }),
  walletType: Type.Optional(StringEnum(WALLET_TYPES, { description: 'The type of wallet' })),
  walletNetwork: Type.Optional(
    StringEnum(['ETHEREUM', 'POLYGON', 'SOLANA'] as const, {
      description: 'Legacy: ETHEREUM or POLYGON mean walletType EVM, SOLANA means SOLANA',
    }),
  ),
};

const walletExample = { walletAddress: EXAMPLE.address, walletType: 'EVM' };

export const AuthenticateCryptoWalletStartRequest = Obj(walletFields, {
  description: 'Send walletType (or the legacy walletNetwork)',
  examples: [walletExample],
});

export const AuthenticateCryptoWalletRequest = Obj(
  {
    ...walletFields,
    signature: Type.String({
      minLength: 1,
      maxLength: 16_384,
      description:
        'EVM: the 0x hex signature from personal_sign of the challenge. SOLANA: the ed25519 signature of the challenge, base58 or base64',
    }),
  },
  {
    examples: [
      {
        ...walletExample,
        signature:
          '0x6c5a0b8e9f1d2c3b4a5968778695a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f71b',
      },
    ],
  },
);

export const AddWalletToUserRequest = Obj(walletFields, { examples: [walletExample] });

export const SendSmsOtpRequest = Obj(
  {
    phoneNumber: Type.String({
      minLength: 1,
      maxLength: 32,
      description: 'A US mobile number in E.164 format, e.g. +12015550123',
    }),
  },
  { examples: [{ phoneNumber: EXAMPLE.phone }] },
);

export const AuthenticateSmsOtpRequest = Obj(
  {
    phoneId: Type.String({ minLength: 1, maxLength: 100, description: 'The phoneId returned by otp/sms:send' }),
    otp: Type.String({ minLength: 1, maxLength: 16, description: 'The six-digit code' }),
  },
  { examples: [{ phoneId: EXAMPLE_PHONE_ID, otp: '000000' }] },
);

export const SendEmailOtpRequest = Obj(
  {
    email: Type.Optional(
      Type.String({ minLength: 1, maxLength: 320, description: 'The email address to send the code to' }),
    ),
    emailAddress: Type.Optional(Type.String({ minLength: 1, maxLength: 320, description: 'Legacy name of `email`' })),
  },
  { description: 'Send email (or the legacy emailAddress)', examples: [{ email: EXAMPLE.email }] },
);

export const AuthenticateEmailOtpRequest = Obj(
  {
    emailId: Type.String({ minLength: 1, maxLength: 100, description: 'The emailId returned by otp/email:send' }),
    otp: Type.String({ minLength: 1, maxLength: 16, description: 'The six-digit code' }),
  },
  { examples: [{ emailId: EXAMPLE_EMAIL_ID, otp: '482913' }] },
);

// ---- responses (named components) ----

export const AuthenticateCryptoWalletStartResponse = named(
  'AuthenticateCryptoWalletStartResponse',
  Type.Object(
    {
      challenge: Type.String({
        description:
          'The EIP-4361 (Sign-In with Ethereum) message to sign with the wallet (personal_sign); valid for 5 minutes, once',
      }),
    },
    {
      examples: [
        {
          challenge:
            '127.0.0.1:3000 wants you to sign in with your Ethereum account:\n0xB419d350838e74eEF084d6711DF6904E4648051b\n\nSign in to buy crypto with your bank account. This request costs nothing.\n\nURI: http://127.0.0.1:3000\nVersion: 1\nChain ID: 31337\nNonce: VwNhXfou31C52QEj6gioPL\nIssued At: 2026-03-02T15:04:05.000Z\nExpiration Time: 2026-03-02T15:09:05.000Z',
        },
      ],
    },
  ),
);

const sessionJwt = Type.String({
  description:
    'The session JWT: send it as `Authorization: Bearer <sessionJwt>`. Lives 5 minutes; a fresh one arrives in the ratio-authentication-refresh header',
});

export const FirstFactorAuthResponse = named(
  'FirstFactorAuthResponse',
  Type.Object(
    {
      sessionJwt,
      userMask: Type.Optional(
        Type.Ref(UserMaskSchema, { description: 'Present when the factor belongs to an existing user' }),
      ),
    },
    { examples: [{ sessionJwt: EXAMPLE.sessionJwt }] },
  ),
);

export const SecondFactorAuthResponse = named(
  'SecondFactorAuthResponse',
  Type.Object(
    {
      sessionJwt,
      user: Type.Optional(Type.Ref(UserSchema, { description: 'The user, when the session is for an existing user' })),
      userMask: Type.Optional(
        Type.Ref(UserMaskSchema, { description: 'Present when the session is for an existing user' }),
      ),
    },
    { examples: [{ sessionJwt: EXAMPLE.sessionJwt }] },
  ),
);

export const SendSmsOtpResponse = named(
  'SendSmsOtpResponse',
  Type.Object(
    {
      phoneId: Type.String({ description: 'An opaque id for this code; send it to otp/sms:authenticate' }),
      phoneMask: Type.String({ description: 'The last 4 digits of the phone number' }),
    },
    { examples: [{ phoneId: EXAMPLE_PHONE_ID, phoneMask: '0123' }] },
  ),
);

export const SendEmailOtpResponse = named(
  'SendEmailOtpResponse',
  Type.Object(
    {
      emailId: Type.String({ description: 'An opaque id for this code; send it to otp/email:authenticate' }),
      emailMask: Type.String({ description: 'The address with most of its local part hidden' }),
    },
    { examples: [{ emailId: EXAMPLE_EMAIL_ID, emailMask: 'dyl...@gmail.com' }] },
  ),
);

export const AddWalletToUserResponse = named(
  'AddWalletToUserResponse',
  Type.Object({}, { description: 'Empty: the wallet is now a signing wallet of the user', examples: [{}] }),
);

export const authSchemas = [
  AuthenticateCryptoWalletStartResponse,
  FirstFactorAuthResponse,
  SecondFactorAuthResponse,
  SendSmsOtpResponse,
  SendEmailOtpResponse,
  AddWalletToUserResponse,
];
