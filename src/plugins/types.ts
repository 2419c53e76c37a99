// What every route declares and what every request carries. Routes under /v1 must declare
// `config.auth`; the OpenAPI plugin refuses to start otherwise, so no route is open by accident.
import type { DeviceFingerprint } from './fingerprint.ts';

/**
 * - `public`: no credentials (health, docs, JWKS, sandbox pages).
 * - `client-secret`: `ratio-client-id` + `ratio-client-secret` (server-to-server only).
 * - `client`: client id + secret, or a `ratio-client-session-id` from an embedded front end.
 */
export type ClientAuth = 'public' | 'client-secret' | 'client';

/**
 * What the route needs from the user session (`Authorization: Bearer <sessionJwt>`):
 * - `none`: no user session is read.
 * - `optional`: a session is read when sent (auth endpoints adding a factor to it).
 * - `one`: any one proven factor (reads).
 * - `two`: two factors, one of them SMS (writes that move money or change identity).
 */
export type UserAuth = 'none' | 'optional' | 'one' | 'two';

export interface ClientPrincipal {
  id: string;
  name: string;
  isDemo: boolean;
  /** How the client authenticated on this request. */
  via: 'secret' | 'session';
  /** Present when `via` is 'session'. */
  session?: ClientSessionPrincipal;
  redirectUris: string[];
  androidPackageNames: string[];
}

export interface ClientSessionPrincipal {
  idHash: Buffer;
  signingAddress: string;
  signingType: string;
  depositAddress: string;
  depositType: string;
  expiresAt: Date;
}

export type Factor = 'WALLET' | 'SMS' | 'EMAIL';

/**
 * The server-side user session behind `Authorization: Bearer <sessionJwt>` (built by the auth module).
 * A session is bound to its client and records the factors it has proven and what they proved.
 */
export interface UserSession {
  id: string;
  clientId: string;
  /** The user this session is for; null until a factor identifies an existing user or one is created. */
  userId: string | null;
  factors: Factor[];
  /** The signing wallet proven by a wallet signature in this session. */
  wallet?: { address: string; type: 'EVM' | 'SOLANA' };
  /** The E.164 phone proven by SMS in this session. */
  phone?: string;
  /** The (normalised) email proven by email OTP in this session. */
  email?: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: ClientAuth;
    user?: UserAuth;
    /** OpenAPI tag; defaults from the URL. */
    tag?: string;
    /**
     * The body may be left out (no body, or no Content-Type): it is then `{}` for validation, and the
     * OpenAPI document marks the request body optional.
     */
    bodyOptional?: boolean;
  }
  interface FastifyRequest {
    client: ClientPrincipal | null;
    fingerprint: DeviceFingerprint | null;
    /** Set by the auth module for routes with `config.user` other than 'none'. */
    session: UserSession | null;
    /** The error code answered, set by the errors plugin (the request log records it). */
    errorCode: string | null;
  }
}
