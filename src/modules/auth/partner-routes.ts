// Ratio's partner session endpoints (tag Partner), aliases over client sessions:
// partner/auth/cryptoWallet:start and :authenticate (the partner's backend, with the client secret)
// and GET /v1/partner/sessions/{sessionId} (the session id is the credential, with ratio-client-id).
import { Type } from '@sinclair/typebox';
import type { App } from '../../app-types.ts';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../errors/app-error.ts';
import { getPartnerSession } from '../clients/client-sessions.ts';
import { authenticatePartner } from './authenticate-partner.ts';
import type { AuthDeps } from './deps.ts';
import {
  AuthenticateCryptoWalletStartRequest,
  AuthenticateCryptoWalletStartResponse,
  PartnerAuthenticateCryptoWalletRequest,
  PartnerAuthenticationResponse,
  PartnerSessionParams,
  PartnerSessionSchema,
} from './schemas.ts';
import { startWalletChallenge } from './start-wallet-challenge.ts';

export function registerPartnerRoutes(app: App, ctx: AppContext, deps: AuthDeps): void {
  const tag = 'Partner';
  const settings = {
    sessionTtlSeconds: ctx.config.clients.sessionTtlSeconds,
    partnerUrl: ctx.config.clients.partnerUrl,
  };

  app.post('/v1/partner/auth/cryptoWallet::start', {
    config: { auth: 'client-secret', tag },
    schema: {
      operationId: 'startPartnerSession',
      summary: 'Start a partner session',
      description:
        "Ratio's partner flow, step 1: the EIP-4361 challenge for the user's wallet to sign (as cryptoWallet:start). Server to server: needs the client secret.",
      body: AuthenticateCryptoWalletStartRequest,
      response: { 200: Type.Ref(AuthenticateCryptoWalletStartResponse) },
    },
    handler: async (request) => startWalletChallenge(deps, request.client!, request.body),
  });

  app.post('/v1/partner/auth/cryptoWallet::authenticate', {
    config: { auth: 'client-secret', tag },
    schema: {
      operationId: 'authenticatePartnerSession',
      summary: 'Authenticate a partner session',
      description:
        "Ratio's partner flow, step 2: checks the wallet's signature and creates a partner session (a client session) bound to that wallet and to `depositAddress` (default: the wallet). Send the `sessionId` as `ratio-partner-session-id` from the embedded front end; `partnerUrl` is ONRAMP_PARTNER_URL with the session id. A suspended user's wallet is 403 USER_BLOCKED.",
      body: PartnerAuthenticateCryptoWalletRequest,
      response: { 200: Type.Ref(PartnerAuthenticationResponse) },
    },
    handler: async (request) => authenticatePartner(deps, settings, request.client!, request.body),
  });

  app.get('/v1/partner/sessions/:sessionId', {
    config: { auth: 'public', tag },
    schema: {
      operationId: 'getPartnerSession',
      summary: 'Retrieve a partner session',
      description:
        "The partner session (Ratio's PartnerSession), with the userMask once its wallet is known to belong to a user. As in Ratio's document the session id is the credential: send only `ratio-client-id`, the client it belongs to (another client's session is 404).",
      params: PartnerSessionParams,
      // Checked by the handler, not the client-auth plugin: the client id only, no secret.
      security: [{ clientId: [] }],
      response: { 200: Type.Ref(PartnerSessionSchema) },
    },
    handler: async (request) => {
      const clientId = request.headers['ratio-client-id'];
      if (typeof clientId !== 'string' || clientId === '') throw new AppError('MISSING_CLIENT_ID');
      return getPartnerSession(ctx.db, ctx.clock, clientId, request.params.sessionId);
    },
  });
}
