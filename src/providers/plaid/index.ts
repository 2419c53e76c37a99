// ctx.plaid: the official `plaid` client (PlaidApi), configured from config. With a Plaid base URL
// (production.plaid.com, sandbox.plaid.com) it talks to Plaid; without one (sandbox mode) it talks
// to the built-in Plaid-compatible sandbox this server serves under /sandbox/plaid, over real HTTP,
// so the production code path runs end to end. Domain code only ever sees PlaidApi.
//
// The `plaid` package is 9.7 MB of generated JavaScript (~0.7 s and ~60 MB to load): it is loaded on
// the first Plaid call, not at start — reach its values through plaidModule(), never a value import.
import { createRequire } from 'node:module';
import type { PlaidApi, PlaidError } from 'plaid';
import type { Config } from '../../config.ts';
import type { KeyRing } from '../../lib/crypto.ts';

export interface PlaidProvider {
  /** The official client. Throws PlaidUnavailableError when the built-in sandbox cannot be reached yet. */
  api(): PlaidApi;
  /** `builtin` = this server's /sandbox/plaid; otherwise the configured Plaid environment. */
  readonly environment: 'builtin' | 'external';
  /** The name Plaid Link shows (`client_name`). */
  readonly clientName: string;
  /** Where Plaid should send item webhooks (`webhook` of link tokens). */
  webhookUrl(): string | undefined;
  /** The keys the built-in sandbox accepts (null with a real Plaid environment). */
  readonly sandboxCredentials: { clientId: string; secret: string } | null;
  readonly webhookMaxAgeSeconds: number;
  /**
   * A module handles the verified Plaid webhooks of `webhookType` arriving at /webhooks/plaid (KYC:
   * IDENTITY_VERIFICATION). Register from the module's jobs(ctx) hook; one handler per type.
   */
  onWebhook(webhookType: string, handler: PlaidWebhookHandler): void;
  webhookHandler(webhookType: string): PlaidWebhookHandler | undefined;
}

let plaid: typeof import('plaid') | undefined;

/** The `plaid` package (its client classes and enums), loaded on first use. */
export function plaidModule(): typeof import('plaid') {
  // A CommonJS package: require() loads it synchronously, so api() stays synchronous.
  plaid ??= createRequire(import.meta.url)('plaid') as typeof import('plaid');
  return plaid;
}
/** Applies a verified webhook body; answers what it did, for the log. Must be idempotent (Plaid repeats webhooks). */
export type PlaidWebhookHandler = (body: Record<string, unknown>) => Promise<string>;

export class PlaidUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlaidUnavailableError';
  }
}

/** The built-in sandbox's keys: configured ones, or derived from the keyring (stable across restarts and processes). */
export function builtinSandboxCredentials(config: Config, keyring: KeyRing): { clientId: string; secret: string } {
  return {
    clientId: config.plaid.clientId ?? `sandbox-${keyring.blindIndex('client-id', 'plaid-sandbox').slice(0, 24)}`,
    secret: config.plaid.secret ?? keyring.blindIndex('secret', 'plaid-sandbox'),
  };
}

/** This server's own base URL once it listens (loopback for wildcard hosts); undefined before. */
export type SelfUrl = () => string | undefined;

export function createPlaidProvider(config: Config, keyring: KeyRing, selfUrl: SelfUrl): PlaidProvider {
  const builtin = config.plaid.baseUrl === undefined;
  const credentials = builtin
    ? builtinSandboxCredentials(config, keyring)
    : { clientId: config.plaid.clientId!, secret: config.plaid.secret! };
  let client: { basePath: string; api: PlaidApi } | undefined;
  const webhookHandlers = new Map<string, PlaidWebhookHandler>();

  const basePath = (): string => {
    if (!builtin) return config.plaid.baseUrl!;
    const self = selfUrl();
    if (self === undefined)
      throw new PlaidUnavailableError(
        'the built-in Plaid sandbox is reached over HTTP and this server is not listening yet',
      );
    return `${self}/sandbox/plaid`;
  };

  return {
    environment: builtin ? 'builtin' : 'external',
    clientName: config.plaid.clientName,
    sandboxCredentials: builtin ? credentials : null,
    webhookMaxAgeSeconds: config.plaid.webhookMaxAgeSeconds,
    onWebhook(webhookType, handler) {
      if (webhookHandlers.has(webhookType)) throw new Error(`Plaid ${webhookType} webhooks have a handler already`);
      webhookHandlers.set(webhookType, handler);
    },
    webhookHandler: (webhookType) => webhookHandlers.get(webhookType),
    api() {
      const path = basePath();
      if (client?.basePath !== path) {
        const { Configuration, PlaidApi } = plaidModule();
        const configuration = new Configuration({
          basePath: path,
          baseOptions: {
            headers: {
              'PLAID-CLIENT-ID': credentials.clientId,
              'PLAID-SECRET': credentials.secret,
              'Plaid-Version': '2020-09-14',
            },
            timeout: config.plaid.timeoutMs,
            // Plaid answers errors with JSON bodies; never follow redirects to somewhere else.
            maxRedirects: 0,
          },
        });
        client = { basePath: path, api: new PlaidApi(configuration) };
      }
      return client.api;
    },
    webhookUrl() {
      if (config.plaid.webhookUrl) return config.plaid.webhookUrl;
      if (!builtin) return `${config.http.publicUrl}/webhooks/plaid`;
      const self = selfUrl();
      return self === undefined ? undefined : `${self}/webhooks/plaid`;
    },
  };
}

interface HttpClientError {
  isAxiosError: true;
  code?: string;
  message: string;
  response?: { status: number; data: unknown };
}

/** The plaid client throws axios errors; recognised by shape so axios stays plaid's own dependency. */
function isAxiosError(error: unknown): error is HttpClientError {
  return typeof error === 'object' && error !== null && (error as { isAxiosError?: unknown }).isAxiosError === true;
}

/** Plaid's error object when `error` is an error response from Plaid; null for timeouts and network failures. */
export function plaidErrorOf(error: unknown): PlaidError | null {
  if (!isAxiosError(error)) return null;
  const data = error.response?.data as Partial<PlaidError> | undefined;
  if (data && typeof data === 'object' && typeof data.error_code === 'string' && typeof data.error_type === 'string')
    return data as PlaidError;
  return null;
}

/** The HTTP status of a Plaid error response; undefined for timeouts and network failures. */
export function plaidStatusOf(error: unknown): number | undefined {
  return isAxiosError(error) ? error.response?.status : undefined;
}

/** A short, secret-free description of a failed Plaid call, for logs. */
export function describePlaidFailure(error: unknown): Record<string, unknown> {
  const plaid = plaidErrorOf(error);
  if (plaid)
    return {
      plaidErrorType: plaid.error_type,
      plaidErrorCode: plaid.error_code,
      plaidRequestId: plaid.request_id,
      status: isAxiosError(error) ? error.response?.status : undefined,
    };
  if (isAxiosError(error)) return { axiosCode: error.code, message: error.message };
  return { message: error instanceof Error ? error.message : String(error) };
}
