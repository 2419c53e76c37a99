// The process's JSON logger (pino), with secrets and identity data redacted: the app's, and the CLI's
// when it runs a command on the database alone.
import pino, { type DestinationStream, type Logger } from 'pino';
import type { Config } from '../config.ts';

// Secrets, tokens and identity data never reach the logs.
export const LOG_REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["ratio-client-secret"]',
  'req.headers["ratio-client-session-id"]',
  'req.headers["ratio-partner-session-id"]',
  'req.headers.cookie',
  'req.headers["ratio-device-fingerprint"]',
  '*.password',
  '*.secret',
  '*.clientSecret',
  '*.otp',
  '*.idNumber',
  '*.ssn',
  '*.accessToken',
  '*.access_token',
  '*.privateKey',
  '*.sessionJwt',
  'res.headers["ratio-authentication-refresh"]',
  '*.authToken',
  'err.config',
  'err.request',
  'err.response',
];

export function createLogger(config: Config, stream?: DestinationStream): Logger {
  return pino(
    {
      level: config.log.level,
      base: { service: 'onramp', mode: config.mode },
      redact: { paths: LOG_REDACT_PATHS, censor: '[REDACTED]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    stream,
  );
}
