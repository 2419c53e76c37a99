// Session JWTs: EdDSA (Ed25519) only, the algorithm pinned on verification, `kid` in the header (the
// RFC 7638 thumbprint of the public key), public keys at /.well-known/jwks.json. A JWT only names its
// server-side session (`sid`) and client (`aud`); what the session has proven is read from the
// database on every request, so revoking a session takes effect at once.
import { createPrivateKey, createPublicKey, randomUUID } from 'node:crypto';
import {
  calculateJwkThumbprint,
  decodeProtectedHeader,
  errors,
  exportJWK,
  importJWK,
  importPKCS8,
  jwtVerify,
  SignJWT,
  type JWK,
} from 'jose';
import { AppError } from '../../errors/app-error.ts';

const ALG = 'EdDSA';
const TYP = 'JWT';
// A session JWT is a few hundred bytes; anything far larger is not one of ours.
const MAX_TOKEN_LENGTH = 4096;
// Verified tokens, so a JWT used for many requests pays for its signature check once. Keyed by the
// exact token text (which only its holder has); expiry and audience are still checked on every use.
const VERIFIED_CACHE_MAX = 10_000;

export interface SessionClaims {
  sessionId: string;
  clientId: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

export interface PublicJwks {
  keys: JWK[];
}

export class SessionTokens {
  private readonly verified = new Map<string, SessionClaims>();

  private constructor(
    private readonly privateKey: CryptoKey,
    private readonly publicKey: CryptoKey,
    readonly kid: string,
    readonly jwks: PublicJwks,
    private readonly issuer: string,
    private readonly ttlSeconds: number,
  ) {}

  static async create(privateKeyPem: string, issuer: string, ttlSeconds: number): Promise<SessionTokens> {
    const privateKeyObject = createPrivateKey(privateKeyPem);
    if (privateKeyObject.asymmetricKeyType !== 'ed25519')
      throw new Error('ONRAMP_JWT_SIGNING_KEY: must be an Ed25519 private key');
    const publicKeyObject = createPublicKey(privateKeyObject);
    const jwk = await exportJWK(publicKeyObject);
    const kid = await calculateJwkThumbprint(jwk);
    const publicJwk: JWK = { ...jwk, kid, alg: ALG, use: 'sig' };
    const pkcs8 = privateKeyObject.export({ type: 'pkcs8', format: 'pem' }).toString();
    return new SessionTokens(
      (await importPKCS8(pkcs8, ALG)) as CryptoKey,
      (await importJWK(jwk, ALG)) as CryptoKey,
      kid,
      { keys: [publicJwk] },
      issuer,
      ttlSeconds,
    );
  }

  async sign(sessionId: string, clientId: string, now: Date): Promise<string> {
    const iat = Math.floor(now.getTime() / 1000);
    return new SignJWT({ sid: sessionId })
      .setProtectedHeader({ alg: ALG, typ: TYP, kid: this.kid })
      .setIssuer(this.issuer)
      .setAudience(clientId)
      .setIssuedAt(iat)
      .setExpirationTime(iat + this.ttlSeconds)
      .setJti(randomUUID())
      .sign(this.privateKey);
  }

  /** Verifies signature, algorithm, key id, issuer, audience (the calling client) and expiry. */
  async verify(token: string, clientId: string, now: Date): Promise<SessionClaims> {
    const known = this.verified.get(token);
    if (known && known.clientId === clientId && known.exp * 1000 > now.getTime()) return known;
    const claims = await this.verifySignature(token, clientId, now);
    if (this.verified.size >= VERIFIED_CACHE_MAX) this.verified.clear();
    this.verified.set(token, claims);
    return claims;
  }

  private async verifySignature(token: string, clientId: string, now: Date): Promise<SessionClaims> {
    if (token.length > MAX_TOKEN_LENGTH) throw invalid('The bearer token is too long to be a session JWT');
    let kid: unknown;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      throw invalid('The bearer token is not a JWT');
    }
    if (kid !== this.kid) throw invalid('The bearer token was not signed by a current key of this server');
    try {
      const { payload } = await jwtVerify(token, this.publicKey, {
        algorithms: [ALG],
        typ: TYP,
        issuer: this.issuer,
        audience: clientId,
        currentDate: now,
        requiredClaims: ['sid', 'exp', 'iat'],
      });
      if (typeof payload.sid !== 'string') throw invalid('The bearer token names no session');
      return { sessionId: payload.sid, clientId, exp: payload.exp! };
    } catch (error) {
      if (error instanceof AppError) throw error;
      if (error instanceof errors.JWTExpired)
        throw new AppError('EXPIRED_AUTHORIZATION', {
          message:
            'The session JWT has expired; use the newer one from the ratio-authentication-refresh header or authenticate again',
        });
      if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'aud')
        throw invalid('The session JWT belongs to another client');
      throw invalid('The bearer token is not a valid session JWT');
    }
  }
}

function invalid(message: string): AppError {
  return new AppError('INVALID_AUTHORIZATION', { message });
}
