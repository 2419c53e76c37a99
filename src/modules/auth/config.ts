// User authentication settings (ONRAMP_JWT_*, ONRAMP_SESSION_*, ONRAMP_SIWE_*, ONRAMP_OTP_*, …).
import type { EnvReader } from '../../config.ts';

/** User authentication: session JWTs, server-side sessions, wallet challenges and one-time codes. */
export interface AuthConfig {
  jwt: {
    /** `iss` of every session JWT (the public URL). */
    issuer: string;
    ttlSeconds: number;
    /** A JWT with less than this left is replaced through the `ratio-authentication-refresh` header. */
    refreshWithinSeconds: number;
  };
  session: {
    /** A session unused for this long ends (10 minutes, as the Ratio docs say). */
    idleSeconds: number;
    /** A session ends this long after sign-in however active it is. */
    maxSeconds: number;
  };
  /** The EIP-4361 (Sign-In with Ethereum) challenge; Solana wallets sign the same shape of message. */
  challenge: {
    domain: string;
    uri: string;
    statement: string;
    /** The `Chain ID` in EVM challenges; by default the ETHEREUM chain's (where smart wallets are checked). */
    evmChainId: number | undefined;
    solanaChainId: string;
    ttlSeconds: number;
  };
  otp: {
    ttlSeconds: number;
    /** Wrong tries allowed per code. */
    maxAttempts: number;
    /** Consecutive wrong codes per phone or email (across codes) that lock it out… */
    lockoutFailures: number;
    /** …for this long. */
    lockoutSeconds: number;
    /** Consecutive wrong codes, across lockouts, that block the phone or email until `onramp auth unlock`. */
    maxConsecutiveFailures: number;
    /** Shortest time between two codes sent to one phone or email. */
    resendIntervalSeconds: number;
    sendsPerDestinationPerHour: number;
    /** Codes one partner client may send per hour, all its users together. */
    sendsPerClientPerHour: number;
    /** Codes per end-user IP per hour (the fingerprint's `ip` for client-secret callers, else the socket's). */
    sendsPerIpPerHour: number;
  };
}

export function readAuthConfig(r: EnvReader, publicUrl: string): AuthConfig {
  const config: AuthConfig = {
    jwt: readJwtConfig(r, publicUrl),
    session: {
      idleSeconds: r.int(
        'ONRAMP_SESSION_IDLE_SECONDS',
        600,
        60,
        24 * 3600,
        'a user session unused for this long ends (10 minutes, as the Ratio docs say)',
      ),
      maxSeconds: r.int(
        'ONRAMP_SESSION_MAX_SECONDS',
        12 * 3600,
        300,
        7 * 24 * 3600,
        'a user session ends this long after sign-in, however active',
      ),
    },
    challenge: readChallengeConfig(r, publicUrl),
    otp: readOtpConfig(r),
  };
  if (config.jwt.refreshWithinSeconds >= config.jwt.ttlSeconds)
    r.problems.push('ONRAMP_JWT_REFRESH_WITHIN_SECONDS: must be less than ONRAMP_JWT_TTL_SECONDS');
  if (/[\r\n]/.test(config.challenge.statement)) r.problems.push('ONRAMP_SIWE_STATEMENT: must be one line (EIP-4361)');
  return config;
}

function readJwtConfig(r: EnvReader, publicUrl: string): AuthConfig['jwt'] {
  return {
    issuer: publicUrl,
    ttlSeconds: r.int('ONRAMP_JWT_TTL_SECONDS', 300, 30, 3600, 'lifetime of a session JWT'),
    refreshWithinSeconds: r.int(
      'ONRAMP_JWT_REFRESH_WITHIN_SECONDS',
      120,
      0,
      3600,
      'a JWT with less than this left is replaced through the `ratio-authentication-refresh` response header (less than ONRAMP_JWT_TTL_SECONDS)',
    ),
  };
}

function readChallengeConfig(r: EnvReader, publicUrl: string): AuthConfig['challenge'] {
  return {
    domain: r.string('ONRAMP_SIWE_DOMAIN', new URL(publicUrl).host, {
      maxLength: 253,
      doc: "the domain in the Sign-In with Ethereum (EIP-4361) message wallets sign: your front end's host",
      defaultText: 'host of ONRAMP_PUBLIC_URL',
    }),
    uri: r.url('ONRAMP_SIWE_URI', publicUrl, ['http:', 'https:'], {
      doc: 'the URI in the sign-in message',
      defaultText: 'ONRAMP_PUBLIC_URL',
    })!,
    statement: r.string(
      'ONRAMP_SIWE_STATEMENT',
      'Sign in to buy crypto with your bank account. This request costs nothing.',
      {
        maxLength: 300,
        doc: 'the statement line of the sign-in message (one line)',
      },
    ),
    evmChainId: r.optionalInt(
      'ONRAMP_SIWE_CHAIN_ID',
      1,
      2 ** 31 - 1,
      "the `Chain ID` in EVM sign-in messages; by default the ETHEREUM chain's, where smart-contract wallet signatures are checked (31337 in the sandbox)",
    ),
    solanaChainId: r.oneOf('ONRAMP_SIWS_CHAIN_ID', 'mainnet', ['mainnet', 'devnet', 'testnet', 'localnet'], {
      doc: 'the chain in Solana sign-in messages',
    }),
    // EIP-4361 challenges live at most five minutes (issue 4).
    ttlSeconds: r.int(
      'ONRAMP_WALLET_CHALLENGE_TTL_SECONDS',
      300,
      30,
      300,
      'how long a wallet sign-in challenge can be answered',
    ),
  };
}

function readOtpConfig(r: EnvReader): AuthConfig['otp'] {
  return {
    ttlSeconds: r.int('ONRAMP_OTP_TTL_SECONDS', 600, 60, 600, 'how long a one-time code (SMS or email) is valid'),
    maxAttempts: r.int('ONRAMP_OTP_MAX_ATTEMPTS', 5, 1, 5, 'wrong tries allowed per code'),
    lockoutFailures: r.int(
      'ONRAMP_OTP_LOCKOUT_FAILURES',
      10,
      2,
      100,
      'consecutive wrong codes (across codes) that lock a phone number or email out for ONRAMP_OTP_LOCKOUT_SECONDS',
    ),
    lockoutSeconds: r.int('ONRAMP_OTP_LOCKOUT_SECONDS', 3600, 60, 7 * 24 * 3600, 'how long such a lockout lasts'),
    // NIST SP 800-63B §5.2.2 allows at most 100 consecutive failed attempts.
    maxConsecutiveFailures: r.int(
      'ONRAMP_OTP_MAX_CONSECUTIVE_FAILURES',
      100,
      1,
      100,
      'consecutive wrong codes, counted across lockouts, that block a phone number or email until an operator runs `onramp auth unlock`',
    ),
    resendIntervalSeconds: r.int(
      'ONRAMP_OTP_RESEND_INTERVAL_SECONDS',
      30,
      0,
      3600,
      'shortest time between two codes sent to one phone number or email',
    ),
    sendsPerDestinationPerHour: r.int(
      'ONRAMP_OTP_SENDS_PER_DESTINATION_PER_HOUR',
      5,
      1,
      1000,
      'codes sent to one phone number or email per hour',
    ),
    sendsPerClientPerHour: r.int(
      'ONRAMP_OTP_SENDS_PER_CLIENT_PER_HOUR',
      10_000,
      1,
      10_000_000,
      'codes one partner client may send per hour, all its users together',
    ),
    sendsPerIpPerHour: r.int(
      'ONRAMP_OTP_SENDS_PER_IP_PER_HOUR',
      30,
      1,
      1_000_000,
      "codes per end-user IP per hour: the ratio-device-fingerprint's ip for client-secret callers, the socket's for client-session callers",
    ),
  };
}
