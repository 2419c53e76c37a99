import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { App } from '../../app-types.ts';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../errors/app-error.ts';
import { loadUser } from '../users/view.ts';
import { addWalletToUser } from './add-wallet-to-user.ts';
import { registerPartnerRoutes } from './partner-routes.ts';
import { authenticateOtp } from './authenticate-otp.ts';
import { authenticateWallet } from './authenticate-wallet.ts';
import type { AuthDeps } from './deps.ts';
import {
  AddWalletToUserRequest,
  AddWalletToUserResponse,
  AuthenticateCryptoWalletRequest,
  AuthenticateCryptoWalletStartRequest,
  AuthenticateCryptoWalletStartResponse,
  AuthenticateEmailOtpRequest,
  AuthenticateSmsOtpRequest,
  FirstFactorAuthResponse,
  SecondFactorAuthResponse,
  SendEmailOtpRequest,
  SendEmailOtpResponse,
  SendSmsOtpRequest,
  SendSmsOtpResponse,
} from './schemas.ts';
import { otpSendOrigin, sendEmailOtp, sendSmsOtp } from './send-otp.ts';
import { startWalletChallenge } from './start-wallet-challenge.ts';

export { authSchemas } from './schemas.ts';

const SESSION_NOTE =
  'Send the session JWT of an earlier factor as `Authorization: Bearer` to add this factor to the same session; without it a new session starts.';

export function authDeps(ctx: AppContext): AuthDeps {
  return {
    db: ctx.db,
    clock: ctx.clock,
    config: ctx.config.auth,
    sessions: ctx.sessions,
    evm: ctx.evmVerifier,
    evmChainId: ctx.config.auth.challenge.evmChainId ?? ctx.chains.chainId('ETHEREUM'),
    keyring: ctx.secrets.keyring,
    messaging: ctx.messaging,
  };
}

const sendOrigin = (request: FastifyRequest) => otpSendOrigin(request.client!, request.ip, request.fingerprint);

const tag = 'Auth';

export function registerAuthRoutes(app: App, ctx: AppContext): void {
  const deps = authDeps(ctx);
  registerPartnerRoutes(app, ctx, deps);
  registerWalletAuthRoutes(app, deps);
  registerSmsOtpRoutes(app, ctx, deps);
  registerEmailOtpRoutes(app, deps);
  registerSessionRoutes(app, ctx);
}

/** Sign-in with a wallet signature (SIWE challenge, then its signature) and account linking. */
function registerWalletAuthRoutes(app: App, deps: AuthDeps): void {
  app.post('/v1/auth/cryptoWallet::start', {
    config: { auth: 'client', user: 'optional', tag },
    schema: {
      operationId: 'startWalletSignIn',
      summary: 'Start wallet sign-in',
      description:
        'Returns an EIP-4361 (Sign-In with Ethereum) challenge for the wallet to sign with personal_sign. It expires after 5 minutes and can be used once. Through a client session, only its signingAddress may sign in.',
      body: AuthenticateCryptoWalletStartRequest,
      response: { 200: Type.Ref(AuthenticateCryptoWalletStartResponse) },
    },
    handler: async (request) => startWalletChallenge(deps, request.client!, request.body),
  });

  app.post('/v1/auth/cryptoWallet::authenticate', {
    config: { auth: 'client', user: 'optional', tag },
    schema: {
      operationId: 'authenticateWallet',
      summary: 'Authenticate a wallet signature',
      description: `Checks the signature of the latest challenge (EOA, ERC-1271 and ERC-6492 wallets; SOLANA ed25519) and returns a session JWT, with the userMask when the wallet belongs to a user. ${SESSION_NOTE}`,
      body: AuthenticateCryptoWalletRequest,
      response: { 200: Type.Ref(FirstFactorAuthResponse) },
    },
    handler: async (request) => authenticateWallet(deps, request.client!, request.session, request.body),
  });

  app.post('/v1/auth/cryptoWallet::addToUser', {
    config: { auth: 'client', user: 'two', tag, idempotency: true },
    schema: {
      operationId: 'addWalletToUser',
      summary: 'Add a signing wallet to the user',
      description:
        'Account linking: after the wallet signed in and SMS found another user (409 ALREADY_EXISTS_PHONE), authenticate that user with SMS then email codes and call this with the new JWT. The wallet must have signed in to this client within the session idle time.',
      body: AddWalletToUserRequest,
      response: { 200: Type.Ref(AddWalletToUserResponse) },
    },
    handler: async (request) => addWalletToUser(deps, request.client!, request.session!, request.body),
  });
}

function registerSmsOtpRoutes(app: App, ctx: AppContext, deps: AuthDeps): void {
  app.post('/v1/auth/otp/sms::send', {
    config: { auth: 'client', user: 'optional', tag },
    schema: {
      operationId: 'sendSmsOtp',
      summary: 'Send an SMS code',
      description:
        "Sends a six-digit code to a US mobile number (E.164), valid 10 minutes. Sending is throttled per number, per client and per end-user IP — the `ip` of `ratio-device-fingerprint` when the client secret is used, the caller's own IP through a client session (429 RATE_LIMITED with Retry-After; docs/sign-in.md lists the limits).",
      body: SendSmsOtpRequest,
      response: { 200: Type.Ref(SendSmsOtpResponse) },
    },
    handler: async (request) =>
      sendSmsOtp(deps, request.client!, sendOrigin(request), request.body.phoneNumber, request.session),
  });

  app.post('/v1/auth/otp/sms::authenticate', {
    config: { auth: 'client', user: 'optional', tag },
    schema: {
      operationId: 'authenticateSmsOtp',
      summary: 'Authenticate an SMS code',
      description: `Checks the code (5 tries per code; repeated failures lock the number for a while) and returns a session JWT. ${SESSION_NOTE} A phone that belongs to another user than the session's wallet is 409 ALREADY_EXISTS_PHONE (see account linking).`,
      body: AuthenticateSmsOtpRequest,
      response: { 200: Type.Ref(SecondFactorAuthResponse) },
    },
    handler: async (request) => {
      const result = await authenticateOtp(deps, request.client!, request.session, 'SMS', {
        id: request.body.phoneId,
        otp: request.body.otp,
      });
      return result.userMask ? { ...result, user: await loadUser(ctx.db, result.userMask.id) } : result;
    },
  });
}

function registerEmailOtpRoutes(app: App, deps: AuthDeps): void {
  app.post('/v1/auth/otp/email::send', {
    config: { auth: 'client', user: 'optional', tag },
    schema: {
      operationId: 'sendEmailOtp',
      summary: 'Send an email code',
      description:
        'Sends a six-digit code by email, valid 10 minutes. Throttled like sms:send: per address, per client and per end-user IP (429 RATE_LIMITED with Retry-After).',
      body: SendEmailOtpRequest,
      response: { 200: Type.Ref(SendEmailOtpResponse) },
    },
    handler: async (request) => {
      const { email, emailAddress } = request.body;
      if (email !== undefined && emailAddress !== undefined && email !== emailAddress) {
        throw new AppError('INVALID_EMAIL', {
          message: 'Send `email` or the legacy `emailAddress`, not two different addresses',
          data: { field: 'emailAddress', rule: 'consistent' },
        });
      }
      const address = email ?? emailAddress;
      if (address === undefined)
        throw new AppError('MISSING_EMAIL', {
          message: '`email` is required in the request body',
          data: { field: 'email', rule: 'required' },
        });
      return sendEmailOtp(
        deps,
        request.client!,
        sendOrigin(request),
        address,
        email !== undefined ? 'email' : 'emailAddress',
      );
    },
  });

  app.post('/v1/auth/otp/email::authenticate', {
    config: { auth: 'client', user: 'optional', tag },
    schema: {
      operationId: 'authenticateEmailOtp',
      summary: 'Authenticate an email code',
      description: `Checks the code (5 tries per code; repeated failures lock the address for a while) and returns a session JWT, with the userMask when the address belongs to a user. ${SESSION_NOTE}`,
      body: AuthenticateEmailOtpRequest,
      response: { 200: Type.Ref(FirstFactorAuthResponse) },
    },
    handler: async (request) =>
      authenticateOtp(deps, request.client!, request.session, 'EMAIL', {
        id: request.body.emailId,
        otp: request.body.otp,
      }),
  });
}

/** The session itself: sign out, and the public keys that verify its JWTs. */
function registerSessionRoutes(app: App, ctx: AppContext): void {
  app.delete('/v1/auth/session', {
    config: { auth: 'client', user: 'one', tag },
    schema: {
      operationId: 'signOut',
      summary: 'Sign out',
      description:
        'Ends the session of the bearer JWT at once: every JWT of the session stops working. (An onramp addition to the Ratio API.)',
      response: { 204: Type.Null({ description: 'Signed out' }) },
    },
    handler: async (request, reply) => {
      await ctx.sessions.revoke(request.session!.id);
      return reply.code(204).send(null);
    },
  });

  app.get('/.well-known/jwks.json', { config: { auth: 'public' }, schema: { hide: true } }, async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=300');
    return ctx.sessions.tokens.jwks;
  });
}
