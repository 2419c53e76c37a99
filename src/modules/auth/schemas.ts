import { Type } from '@sinclair/typebox';
import { WALLET_TYPES } from '../../lib/addresses.ts';
import { named, Obj, StringEnum } from '../../lib/schema.ts';
import { UserMaskSchema } from '../clients/schemas.ts';
import { UserSchema } from '../users/schemas.ts';

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

export const AuthenticateCryptoWalletStartRequest = Obj(walletFields, {
  description: 'Send walletType (or the legacy walletNetwork)',
});

export const AuthenticateCryptoWalletRequest = Obj({
  ...walletFields,
  signature: Type.String({
    minLength: 1,
    maxLength: 16_384,
    description:
      'EVM: the 0x hex signature from personal_sign of the challenge. SOLANA: the ed25519 signature of the challenge, base58 or base64',
  }),
});

export const AddWalletToUserRequest = Obj(walletFields);

export const PartnerAuthenticateCryptoWalletRequest = Obj(
  {
    ...walletFields,
    signature: AuthenticateCryptoWalletRequest.properties.signature,
    depositAddress: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 128,
        description: 'The EVM address the session buys for; by default the authenticating wallet',
      }),
    ),
  },
  {
    description:
      "Ratio's PartnerAuthenticateCryptoWalletRequest: walletNetwork (or walletType), the signature, the depositAddress",
  },
);

export const SendSmsOtpRequest = Obj({
  phoneNumber: Type.String({
    minLength: 1,
    maxLength: 32,
    description: 'A US mobile number in E.164 format, e.g. +12015550123',
  }),
});

export const AuthenticateSmsOtpRequest = Obj({
  phoneId: Type.String({ minLength: 1, maxLength: 100, description: 'The phoneId returned by otp/sms:send' }),
  otp: Type.String({ minLength: 1, maxLength: 16, description: 'The six-digit code' }),
});

export const SendEmailOtpRequest = Obj(
  {
    email: Type.Optional(
      Type.String({ minLength: 1, maxLength: 320, description: 'The email address to send the code to' }),
    ),
    emailAddress: Type.Optional(Type.String({ minLength: 1, maxLength: 320, description: 'Legacy name of `email`' })),
  },
  { description: 'Send email (or the legacy emailAddress)' },
);

export const AuthenticateEmailOtpRequest = Obj({
  emailId: Type.String({ minLength: 1, maxLength: 100, description: 'The emailId returned by otp/email:send' }),
  otp: Type.String({ minLength: 1, maxLength: 16, description: 'The six-digit code' }),
});

// ---- responses (named components) ----

export const AuthenticateCryptoWalletStartResponse = named(
  'AuthenticateCryptoWalletStartResponse',
  Type.Object({
    challenge: Type.String({
      description:
        'The EIP-4361 (Sign-In with Ethereum) message to sign with the wallet (personal_sign); valid for 5 minutes, once',
    }),
  }),
);

const sessionJwt = Type.String({
  description:
    'The session JWT: send it as `Authorization: Bearer <sessionJwt>`. Lives 5 minutes; a fresh one arrives in the ratio-authentication-refresh header',
});

export const FirstFactorAuthResponse = named(
  'FirstFactorAuthResponse',
  Type.Object({
    sessionJwt,
    userMask: Type.Optional(
      Type.Ref(UserMaskSchema, { description: 'Present when the factor belongs to an existing user' }),
    ),
  }),
);

export const SecondFactorAuthResponse = named(
  'SecondFactorAuthResponse',
  Type.Object({
    sessionJwt,
    user: Type.Optional(Type.Ref(UserSchema, { description: 'The user, when the session is for an existing user' })),
    userMask: Type.Optional(
      Type.Ref(UserMaskSchema, { description: 'Present when the session is for an existing user' }),
    ),
  }),
);

export const SendSmsOtpResponse = named(
  'SendSmsOtpResponse',
  Type.Object({
    phoneId: Type.String({ description: 'An opaque id for this code; send it to otp/sms:authenticate' }),
    phoneMask: Type.String({ description: 'The last 4 digits of the phone number' }),
  }),
);

export const SendEmailOtpResponse = named(
  'SendEmailOtpResponse',
  Type.Object({
    emailId: Type.String({ description: 'An opaque id for this code; send it to otp/email:authenticate' }),
    emailMask: Type.String({ description: 'The address with most of its local part hidden' }),
  }),
);

export const AddWalletToUserResponse = named(
  'AddWalletToUserResponse',
  Type.Object({}, { description: 'Empty: the wallet is now a signing wallet of the user' }),
);

export const PartnerAuthenticationResponse = named(
  'PartnerAuthenticationResponse',
  Type.Object({
    sessionId: Type.String({
      description: 'The partner session ID: send it as ratio-partner-session-id (or ratio-client-session-id)',
    }),
    partnerUrl: Type.String({
      description:
        'The URL to launch the embedded partner session (ONRAMP_PARTNER_URL; by default the session resource itself, as onramp hosts no UI)',
    }),
  }),
);

export const PartnerSessionSchema = named(
  'PartnerSession',
  Type.Object({
    id: Type.String({ description: 'The session ID' }),
    createTime: Type.String({ format: 'date-time', description: 'The time the session was created' }),
    updateTime: Type.String({ format: 'date-time', description: 'The time the session was last updated' }),
    depositAddress: Type.String({ description: 'The address of the deposit wallet' }),
    depositNetwork: StringEnum(['ETHEREUM', 'SOLANA'] as const, {
      description:
        'The crypto network of the deposit wallet (ETHEREUM for an EVM address, which receives on Polygon too)',
    }),
    userMask: Type.Optional(Type.Ref(UserMaskSchema)),
  }),
);

export const PartnerSessionParams = Obj({ sessionId: Type.String({ minLength: 1, maxLength: 128 }) });

export const authSchemas = [
  PartnerAuthenticationResponse,
  PartnerSessionSchema,
  AuthenticateCryptoWalletStartResponse,
  FirstFactorAuthResponse,
  SecondFactorAuthResponse,
  SendSmsOtpResponse,
  SendEmailOtpResponse,
  AddWalletToUserResponse,
];
