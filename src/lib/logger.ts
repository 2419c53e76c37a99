// The process's JSON logger (pino), with secrets and identity data redacted: the app's, and the CLI's
// when it runs a command on the database alone.
import type { FastifyBaseLogger } from 'fastify';
import pino, { type Bindings, type ChildLoggerOptions, type DestinationStream, type Level, type Logger } from 'pino';
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

/**
 * A request's logger (Fastify's childLoggerFactory): the pino child bound to the request id is made on
 * the first line the request writes at an enabled level, not for every request. pino's child()
 * serialises and redacts its bindings (a CPU profile of bench:read), and a request at the default
 * level writes one line at most. The lines are those the child writes, field for field.
 */
export function requestLogger(
  logger: FastifyBaseLogger,
  bindings: Bindings,
  opts: ChildLoggerOptions,
): FastifyBaseLogger {
  // A route's own log level or serializers: the child itself, as Fastify makes it.
  if (Object.keys(opts).length > 0) return logger.child(bindings, opts);
  return new LazyChildLogger(logger as Logger, bindings);
}

class LazyChildLogger implements FastifyBaseLogger {
  private made: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: Logger,
    private readonly bindings: Bindings,
  ) {}

  private real(): FastifyBaseLogger {
    this.made ??= this.parent.child(this.bindings);
    return this.made;
  }

  private write(level: Level, args: unknown[]): void {
    // Until the child exists its level is the parent's, so a disabled line costs nothing.
    if (this.made === undefined && !this.parent.isLevelEnabled(level)) return;
    (this.real()[level] as (...a: unknown[]) => void)(...args);
  }

  get level(): string {
    return this.made?.level ?? this.parent.level;
  }

  set level(level: string) {
    this.real().level = level;
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.real().child(bindings, options);
  }

  fatal(...args: unknown[]): void {
    this.write('fatal', args);
  }

  error(...args: unknown[]): void {
    this.write('error', args);
  }

  warn(...args: unknown[]): void {
    this.write('warn', args);
  }

  info(...args: unknown[]): void {
    this.write('info', args);
  }

  debug(...args: unknown[]): void {
    this.write('debug', args);
  }

  trace(...args: unknown[]): void {
    this.write('trace', args);
  }

  silent(): void {}
}
