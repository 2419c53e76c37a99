// Plaid's error object, as the real API sends it: HTTP status, error_type, error_code, messages and
// the request id. The sandbox throws PlaidSandboxError; its scope's error handler renders it.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { findIllFormedText } from '../../lib/text.ts';

export interface PlaidErrorBody {
  error_type: string;
  error_code: string;
  error_code_reason: string | null;
  error_message: string;
  display_message: string | null;
  request_id: string;
  causes: unknown[];
  status?: number | null;
  documentation_url: string;
  suggested_action: string | null;
}

const ALPHANUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `length` random letters and digits: the alphabet of Plaid's ids. */
export function randomAlphanumeric(length: number): string {
  let out = '';
  for (const b of randomBytes(length)) out += ALPHANUM[b % ALPHANUM.length];
  return out;
}

/** Plaid request ids look like `m8MDnv9okwxFNBV`: 15 random alphanumerics. */
export function newRequestId(): string {
  return randomAlphanumeric(15);
}

/** JSON out of a hosted sandbox page's API (Link, identity verification), never cached. */
export function sendPageJson(reply: FastifyReply, status: number, body: unknown) {
  return reply.code(status).type('application/json').header('cache-control', 'no-store').send(JSON.stringify(body));
}

// Plaid's docs page per error type (https://plaid.com/docs/errors/<page>/#<code>).
const DOC_PAGE: Record<string, string> = {
  INVALID_REQUEST: 'invalid-request',
  INVALID_INPUT: 'invalid-input',
  INVALID_RESULT: 'invalid-result',
  ITEM_ERROR: 'item',
  INSTITUTION_ERROR: 'institution',
  API_ERROR: 'api',
  RATE_LIMIT_EXCEEDED: 'rate-limit-exceeded',
  SANDBOX_ERROR: 'sandbox',
};

export class PlaidSandboxError extends Error {
  constructor(
    readonly status: number,
    readonly errorType: string,
    readonly errorCode: string,
    message: string,
    readonly displayMessage: string | null = null,
  ) {
    super(message);
    this.name = 'PlaidSandboxError';
  }

  body(requestId: string, withStatus = false): PlaidErrorBody {
    return {
      error_type: this.errorType,
      error_code: this.errorCode,
      error_code_reason: null,
      error_message: this.message,
      display_message: this.displayMessage,
      request_id: requestId,
      causes: [],
      ...(withStatus ? { status: this.status } : {}),
      documentation_url: `https://plaid.com/docs/errors/${DOC_PAGE[this.errorType] ?? ''}${DOC_PAGE[this.errorType] ? '/' : ''}#${this.errorCode.toLowerCase()}`,
      suggested_action: null,
    };
  }
}

export const plaidErrors = {
  missingFields: (fields: string[]) =>
    new PlaidSandboxError(
      400,
      'INVALID_REQUEST',
      'MISSING_FIELDS',
      `the following required fields are missing: ${fields.join(', ')}`,
    ),
  invalidField: (message: string) => new PlaidSandboxError(400, 'INVALID_REQUEST', 'INVALID_FIELD', message),
  unknownFields: (fields: string[]) =>
    new PlaidSandboxError(
      400,
      'INVALID_REQUEST',
      'UNKNOWN_FIELDS',
      `the following fields are not recognized by this endpoint: ${fields.join(', ')}`,
    ),
  invalidBody: () => new PlaidSandboxError(400, 'INVALID_REQUEST', 'INVALID_BODY', 'body could not be parsed as JSON'),
  notFound: () => new PlaidSandboxError(404, 'INVALID_REQUEST', 'NOT_FOUND', 'not found'),
  invalidApiKeys: () =>
    new PlaidSandboxError(400, 'INVALID_INPUT', 'INVALID_API_KEYS', 'invalid client_id or secret provided'),
  invalidAccessToken: () =>
    new PlaidSandboxError(
      400,
      'INVALID_INPUT',
      'INVALID_ACCESS_TOKEN',
      'provided access token is in an invalid format. expected format: access-<environment>-<identifier>',
    ),
  invalidPublicToken: (
    why = 'provided public token is expired. Public tokens expire 30 minutes after creation at which point they can no longer be exchanged',
  ) => new PlaidSandboxError(400, 'INVALID_INPUT', 'INVALID_PUBLIC_TOKEN', why),
  invalidLinkToken: (why = 'link token is invalid or expired') =>
    new PlaidSandboxError(400, 'INVALID_INPUT', 'INVALID_LINK_TOKEN', why),
  invalidInstitution: (id: string) =>
    new PlaidSandboxError(400, 'INVALID_INPUT', 'INVALID_INSTITUTION', `invalid institution_id provided: ${id}`),
  invalidProduct: (product: string) =>
    new PlaidSandboxError(400, 'INVALID_INPUT', 'INVALID_PRODUCT', `unsupported or unknown product: ${product}`),
  itemNotFound: () =>
    new PlaidSandboxError(
      400,
      'ITEM_ERROR',
      'ITEM_NOT_FOUND',
      'the Item you requested cannot be found. This Item does not exist, has been previously removed, or has had access removed by the user',
    ),
  itemLoginRequired: () =>
    new PlaidSandboxError(
      400,
      'ITEM_ERROR',
      'ITEM_LOGIN_REQUIRED',
      "the login details of this item have changed (credentials, MFA, or required user action) and a user login is required to update this information. use Link's update mode to restore the item to a good state",
      "The login details of this item have changed (credentials, MFA, or required user action) and a user login is required to update this information. use Link's update mode to restore the item to a good state",
    ),
  invalidCredentials: () =>
    new PlaidSandboxError(
      400,
      'ITEM_ERROR',
      'INVALID_CREDENTIALS',
      'the provided credentials were not correct',
      'The credentials you provided were incorrect. Check that your credentials are the same that you use for this institution',
    ),
  invalidMfa: () =>
    new PlaidSandboxError(
      400,
      'ITEM_ERROR',
      'INVALID_MFA',
      'the provided MFA response(s) were not correct',
      'The provided MFA responses were not correct. Please try again',
    ),
  institutionDown: () =>
    new PlaidSandboxError(
      400,
      'INSTITUTION_ERROR',
      'INSTITUTION_DOWN',
      'this institution is not currently responding to this request. please try again soon',
      'This financial institution is not currently responding to requests. We apologize for the inconvenience.',
    ),
  institutionNotSupported: () =>
    new PlaidSandboxError(
      400,
      'INSTITUTION_ERROR',
      'INSTITUTION_NOT_SUPPORTED',
      'this product is not currently supported for this institution',
      'This financial institution is not currently supported.',
    ),
  sandboxOnly: (message: string) =>
    new PlaidSandboxError(400, 'INVALID_REQUEST', 'SANDBOX_PRODUCT_NOT_ENABLED', message),
  invalidWebhookKeyId: () =>
    new PlaidSandboxError(400, 'INVALID_INPUT', 'INVALID_WEBHOOK_VERIFICATION_KEY_ID', 'invalid key_id provided'),
};

/** Item error codes a sandbox password `error_<CODE>` triggers, as Plaid's sandbox does. */
export const TRIGGERABLE_ITEM_ERRORS: Record<string, () => PlaidSandboxError> = {
  INVALID_CREDENTIALS: plaidErrors.invalidCredentials,
  INVALID_MFA: plaidErrors.invalidMfa,
  ITEM_LOGIN_REQUIRED: plaidErrors.itemLoginRequired,
  ITEM_LOCKED: () =>
    new PlaidSandboxError(
      400,
      'ITEM_ERROR',
      'ITEM_LOCKED',
      "the account is locked. prompt the user to visit the institution's site and unlock their account",
      'The financial institution indicated that your account is locked. Please contact your financial institution.',
    ),
  ITEM_NOT_SUPPORTED: () =>
    new PlaidSandboxError(
      400,
      'ITEM_ERROR',
      'ITEM_NOT_SUPPORTED',
      'this account is currently not supported',
      'Connecting to this type of account is not supported.',
    ),
  USER_SETUP_REQUIRED: () =>
    new PlaidSandboxError(
      400,
      'ITEM_ERROR',
      'USER_SETUP_REQUIRED',
      'the user must log in directly to the financial institution and take some action before Plaid can access their accounts',
      'Please log in to your financial institution to complete the setup.',
    ),
  INSUFFICIENT_CREDENTIALS: () =>
    new PlaidSandboxError(
      400,
      'ITEM_ERROR',
      'INSUFFICIENT_CREDENTIALS',
      'insufficient authorization was provided to complete the request',
      null,
    ),
  INSTITUTION_DOWN: plaidErrors.institutionDown,
  INSTITUTION_NOT_RESPONDING: () =>
    new PlaidSandboxError(
      400,
      'INSTITUTION_ERROR',
      'INSTITUTION_NOT_RESPONDING',
      'this institution is failing to respond to this request. please try again soon',
      null,
    ),
};

/**
 * The Plaid error for anything a sandbox route throws: its own errors as they are, and what Fastify
 * or the app's plugins refuse before the handler (bad JSON, media type, a body over the limit, a
 * malformed ratio-device-fingerprint, a rate limit) as the Plaid-shaped 4xx it is. Undefined: a bug (500).
 */
export function plaidErrorFor(error: Error & { statusCode?: number; code?: string; status?: number }) {
  if (error instanceof PlaidSandboxError) return error;
  if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY')
    return plaidErrors.invalidBody();
  if (error instanceof SyntaxError) return plaidErrors.invalidBody();
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return new PlaidSandboxError(400, 'INVALID_REQUEST', 'INVALID_HEADERS', 'Content-Type must be application/json');
  const status = error.statusCode ?? error.status ?? 500;
  if (status === 413 || error.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return new PlaidSandboxError(413, 'INVALID_REQUEST', 'BODY_TOO_LARGE', 'the request body is larger than allowed');
  if (error.code === 'INVALID_DEVICE_FINGERPRINT')
    return new PlaidSandboxError(400, 'INVALID_REQUEST', 'INVALID_HEADERS', error.message);
  if (status === 429)
    return new PlaidSandboxError(429, 'RATE_LIMIT_EXCEEDED', 'RATE_LIMIT', 'too many requests; retry later');
  if (status >= 400 && status < 500)
    return new PlaidSandboxError(status, 'INVALID_REQUEST', 'INVALID_FIELD', error.message);
  return undefined;
}

/**
 * Plaid's error handling for a sandbox scope: every error leaves as a Plaid error object through
 * `send`, and text that is not well-formed Unicode is refused before a handler stores it.
 */
export function usePlaidErrors(
  scope: FastifyInstance,
  send: (reply: FastifyReply, status: number, body: unknown) => FastifyReply,
): void {
  scope.addHook('preHandler', async (request) => {
    const at = findIllFormedText(request.body);
    if (at !== undefined)
      throw plaidErrors.invalidField(`${at.slice(1).replace(/\//g, '.') || 'body'} must be well-formed Unicode`);
  });
  scope.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const known = plaidErrorFor(error);
    if (known) {
      for (const [name, value] of Object.entries((error as { headers?: Record<string, string> }).headers ?? {}))
        reply.header(name, value);
      return send(reply, known.status, known.body(newRequestId()));
    }
    request.log.error({ err: error }, 'sandbox Plaid request failed unexpectedly');
    const internal = new PlaidSandboxError(500, 'API_ERROR', 'INTERNAL_SERVER_ERROR', 'an unexpected error occurred');
    return send(reply, 500, internal.body(newRequestId()));
  });
}

/** Plaid Transfer's errors (https://plaid.com/docs/errors/transfer/) and the sandbox's checks of transfer requests. */
export const transferErrors = {
  networkLimit: (network: string, max: string) =>
    new PlaidSandboxError(
      400,
      'TRANSFER_ERROR',
      'TRANSFER_NETWORK_LIMIT_EXCEEDED',
      `${network} transaction amount cannot exceed ${max}`,
    ),
  invalidAccountId: () =>
    new PlaidSandboxError(400, 'INVALID_INPUT', 'INVALID_ACCOUNT_ID', 'one or more of the account IDs is invalid'),
  /**
   * Plaid documents that a refund larger than the Ledger's available balance "will be rejected" but not
   * the error it answers; this sandbox answers this one.
   */
  insufficientLedgerBalance: (available: string) =>
    new PlaidSandboxError(
      400,
      'TRANSFER_ERROR',
      'TRANSFER_INSUFFICIENT_LEDGER_BALANCE',
      `the Plaid Ledger's available balance (${available}) does not cover the refund`,
    ),
};
