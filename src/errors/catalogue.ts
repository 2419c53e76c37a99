// The error catalogue. RATIO_CODES is the contract of ratio-docs/api-reference/error-codes.md
// (a test checks it against that file when the docs are present); ONRAMP_CODES are extensions for
// conditions the Ratio docs do not name (HTTP-level failures, idempotency, lockouts). Every error
// body is { createTime, message, code, data } with the status assigned here.

export const RATIO_CODES = [
  'ALREADY_EXISTS_BANK',
  'ALREADY_EXISTS_EMAIL',
  'ALREADY_EXISTS_PHONE',
  'ALREADY_EXISTS_TOTP',
  'ALREADY_EXISTS_USER',
  'ALREADY_EXISTS_USER_KYC',
  'ALREADY_EXISTS_WALLET_ADDRESS',
  'BANK_VERIFICATION_INCOMPLETE',
  'EXCEEDS_LIMIT_ACH',
  'EXCEEDS_LIMIT_TRANSACTIONS',
  'EXCEEDS_LIMIT_WALLETS',
  'EXPIRED_AUTHORIZATION',
  'EXPIRED_SESSION_ID',
  'INSUFFICIENT_BALANCE',
  'INVALID_ACCEPTED_TERMS',
  'INVALID_ACTIVE',
  'INVALID_ACTIVITY_ID',
  'INVALID_AGE',
  'INVALID_ANDROID_PACKAGE_NAME',
  'INVALID_ASSESSMENT_ID',
  'INVALID_AUTHORIZATION',
  'INVALID_BANK_ID',
  'INVALID_BODY',
  'INVALID_CITY',
  'INVALID_CLIENT_ID',
  'INVALID_CLIENT_SECRET',
  'INVALID_CODE',
  'INVALID_COUNTRY',
  'INVALID_CRYPTO_AMOUNT',
  'INVALID_CRYPTO_CURRENCY',
  'INVALID_CRYPTO_STATUS',
  'INVALID_DATA',
  'INVALID_DATE_OF_BIRTH',
  'INVALID_DEPOSIT_ADDRESS',
  'INVALID_DISTRIBUTIONS',
  'INVALID_EMAIL',
  'INVALID_EMAIL_ID',
  'INVALID_EVENT',
  'INVALID_EVENTS',
  'INVALID_EXCHANGE',
  'INVALID_FIAT_AMOUNT',
  'INVALID_FIAT_CURRENCY',
  'INVALID_FIAT_STATUS',
  'INVALID_FIRST_NAME',
  'INVALID_FROM_CREATE_TIME',
  'INVALID_FUNDING_METHOD',
  'INVALID_ID_NUMBER',
  'INVALID_ID_TYPE',
  'INVALID_IS_FLAGGED',
  'INVALID_KYC_STATUS',
  'INVALID_LAST_NAME',
  'INVALID_LINE_1',
  'INVALID_LINE_2',
  'INVALID_MEMO',
  'INVALID_MIDDLE_NAME',
  'INVALID_NAME',
  'INVALID_NATIONALITY',
  'INVALID_OCCUPATION',
  'INVALID_OTP',
  'INVALID_PAGE_SIZE',
  'INVALID_PAGE_TOKEN',
  'INVALID_PHONE',
  'INVALID_PHONE_COUNTRY_CODE',
  'INVALID_PHONE_ID',
  'INVALID_PHONE_TYPE',
  'INVALID_POSTAL_CODE',
  'INVALID_PUBLIC_TOKEN',
  'INVALID_REDIRECT_URI',
  'INVALID_RESOLUTION_MESSAGE',
  'INVALID_RESOLVED',
  'INVALID_RISK_LEVEL',
  'INVALID_SESSION_ID',
  'INVALID_SIGNATURE',
  'INVALID_SIGNING_ADDRESS',
  'INVALID_SOLID_CONTACT_ID',
  'INVALID_STATE',
  'INVALID_SUPPORT_TICKET_ID',
  'INVALID_TO_CREATE_TIME',
  'INVALID_TOKEN',
  'INVALID_TRANSACTION_HASH',
  'INVALID_TRANSACTION_ID',
  'INVALID_TYPE',
  'INVALID_URL',
  'INVALID_USER_ID',
  'INVALID_VERIFICATION_STATUS',
  'INVALID_WALLET_ADDRESS',
  'INVALID_WALLET_ID',
  'INVALID_WALLET_TYPE',
  'INVALID_WEBHOOK_ID',
  'MFA_REQUIRED',
  'MISMATCH_EMAIL',
  'MISMATCH_PHONE',
  'MISSING_ACTIVITY_ID',
  'MISSING_ASSESSMENT_ID',
  'MISSING_AUTHORIZATION',
  'MISSING_BANK_ID',
  'MISSING_CITY',
  'MISSING_CLIENT_ID',
  'MISSING_CLIENT_SECRET',
  'MISSING_COUNTRY',
  'MISSING_CRYPTO_CURRENCY',
  'MISSING_DATE_OF_BIRTH',
  'MISSING_DISTRIBUTIONS',
  'MISSING_EMAIL',
  'MISSING_EMAIL_ID',
  'MISSING_EVENTS',
  'MISSING_FIAT_AMOUNT',
  'MISSING_FIRST_NAME',
  'MISSING_FLAGS',
  'MISSING_ID_NUMBER',
  'MISSING_LAST_NAME',
  'MISSING_LINE_1',
  'MISSING_NAME',
  'MISSING_OTP',
  'MISSING_PHONE',
  'MISSING_PHONE_ID',
  'MISSING_POSTAL_CODE',
  'MISSING_PUBLIC_TOKEN',
  'MISSING_RESOLUTION_MESSAGE',
  'MISSING_RISK_LEVEL',
  'MISSING_SESSION_ID',
  'MISSING_SIGNATURE',
  'MISSING_SIGNING_ADDRESS',
  'MISSING_SOLID_CONTACT_ID',
  'MISSING_STATE',
  'MISSING_SUPPORT_TICKET_ID',
  'MISSING_TOKEN',
  'MISSING_TRANSACTION_HASH',
  'MISSING_TRANSACTION_ID',
  'MISSING_TYPE',
  'MISSING_URL',
  'MISSING_USER_ID',
  'MISSING_VERIFICATION_STATUS',
  'MISSING_WALLET_ADDRESS',
  'MISSING_WALLET_ID',
  'MISSING_WALLET_TYPE',
  'MISSING_WEBHOOK_ID',
  'NOT_FOUND_ACTIVITY',
  'NOT_FOUND_ASSESSMENT',
  'NOT_FOUND_BANK',
  'NOT_FOUND_CLIENT',
  'NOT_FOUND_ENDPOINT',
  'NOT_FOUND_SESSION',
  'NOT_FOUND_SUPPORT_TICKET',
  'NOT_FOUND_TRANSACTION',
  'NOT_FOUND_USER',
  'NOT_FOUND_WALLET',
  'PLAID_LOGIN_ERROR',
  'UNAVAILABLE_CRYPTO_CURRENCY',
  'UNSUPPORTED_ACH_TYPE',
  'UNSUPPORTED_ANDROID_PACKAGE_NAME',
  'UNSUPPORTED_BANK',
  'UNSUPPORTED_CRYPTO_CURRENCY',
  'UNSUPPORTED_QUERY_PARAMETERS',
  'UNSUPPORTED_REDIRECT_URI',
  'UNSUPPORTED_WALLET_ADDRESS',
  'USER_BLOCKED',
  'USER_KYC_INCOMPLETE',
  'USER_RISK_INCOMPLETE',
  'USER_UNDER_REVIEW',
] as const;

/** onramp extensions: conditions the Ratio docs leave unnamed. Listed in the OpenAPI document. */
export const ONRAMP_CODES = {
  MALFORMED_REQUEST: {
    status: 400,
    message: 'The HTTP request is malformed (request line, URL encoding, headers or Content-Length)',
  },
  METHOD_NOT_ALLOWED: { status: 405, message: 'The endpoint does not support this HTTP method' },
  REQUEST_TIMEOUT: { status: 408, message: 'The request was not received completely in time' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is larger than the server accepts' },
  URI_TOO_LONG: { status: 414, message: 'A path segment of the URL is longer than the server accepts' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'The request body must be sent as application/json' },
  HEADERS_TOO_LARGE: { status: 431, message: 'The request headers are larger than the server accepts (16 KB)' },
  RATE_LIMITED: { status: 429, message: 'Too many requests; retry after the time given in Retry-After' },
  INTERNAL: { status: 500, message: 'An unexpected error occurred; it has been logged with the request id' },
  SERVICE_UNAVAILABLE: { status: 503, message: 'The service is temporarily unavailable; retry later' },
  NOT_IMPLEMENTED: { status: 501, message: 'This operation is not available on this server' },
  CLIENT_DISABLED: { status: 403, message: 'The client has been disabled by the operator' },
  INVALID_DEVICE_FINGERPRINT: {
    status: 400,
    message: 'The ratio-device-fingerprint header must be base64 of a JSON object with the documented fields',
  },
  INVALID_IDEMPOTENCY_KEY: {
    status: 400,
    message: 'The Idempotency-Key header must be 1 to 255 printable ASCII characters',
  },
  IDEMPOTENCY_KEY_REUSED: { status: 422, message: 'The Idempotency-Key was already used with a different request' },
  IDEMPOTENCY_KEY_IN_USE: { status: 409, message: 'A request with this Idempotency-Key is still being processed' },
  OTP_LOCKED: {
    status: 429,
    message: 'Too many wrong one-time codes for this phone number or email; retry after the time given in Retry-After',
  },
  OTP_BLOCKED: {
    status: 403,
    message:
      'Too many consecutive wrong one-time codes for this phone number or email: codes are blocked until support unlocks it',
  },
  WALLET_NOT_PROVEN: {
    status: 422,
    message:
      'The wallet has not signed in to this client recently: sign in with it (cryptoWallet:start and :authenticate) before adding it to the user',
  },
  IDV_ATTEMPTS_EXHAUSTED: {
    status: 422,
    message: 'The user has used every identity verification attempt; an operator decides the review',
  },
  NOT_FOUND_WEBHOOK: { status: 404, message: 'Webhook not found' },
  NOT_FOUND_WEBHOOK_DELIVERY: { status: 404, message: 'Webhook delivery not found' },
  EXCEEDS_LIMIT_WEBHOOKS: { status: 422, message: 'The client has reached the number of webhooks allowed' },
  WEBHOOK_DISABLED: {
    status: 409,
    message: 'The webhook is disabled: re-enable it with PATCH { "active": true } first',
  },
  DASHBOARD_SIGN_IN_REQUIRED: {
    status: 401,
    message: 'Sign in to the dashboard first (the session is missing, expired or signed out)',
  },
  DASHBOARD_ADMIN_REQUIRED: { status: 403, message: 'Only an admin member of this client may do this' },
  DASHBOARD_CSRF_REJECTED: {
    status: 403,
    message: 'The x-csrf-token header is missing or does not match this session (reload the dashboard)',
  },
  DASHBOARD_ORIGIN_REJECTED: { status: 403, message: 'Dashboard writes must come from the dashboard itself' },
  INVALID_SIGN_IN_CODE: { status: 401, message: 'The sign-in code is wrong, used or expired' },
  INVALID_SIGN_IN_LINK: { status: 401, message: 'The sign-in link is wrong, used or expired' },
  NOT_FOUND_MEMBER: { status: 404, message: 'Dashboard member not found' },
  ALREADY_EXISTS_MEMBER: { status: 409, message: 'This email is already a member of this client' },
  INVALID_DATE_RANGE: { status: 400, message: 'The date range is not valid' },
} as const;

export type RatioCode = (typeof RATIO_CODES)[number];
export type OnrampCode = keyof typeof ONRAMP_CODES;
export type ErrorCode = RatioCode | OnrampCode;

export interface CatalogueEntry {
  code: ErrorCode;
  status: number;
  message: string;
  /** true for codes that are onramp extensions rather than Ratio's documented codes */
  extension: boolean;
}

// Statuses for documented codes that do not follow the prefix rules below.
const RATIO_STATUS: Partial<Record<RatioCode, number>> = {
  BANK_VERIFICATION_INCOMPLETE: 422,
  EXPIRED_AUTHORIZATION: 401,
  EXPIRED_SESSION_ID: 401,
  INSUFFICIENT_BALANCE: 422,
  INVALID_AUTHORIZATION: 401,
  INVALID_CLIENT_ID: 401,
  INVALID_CLIENT_SECRET: 401,
  INVALID_SIGNATURE: 401,
  MFA_REQUIRED: 403,
  MISSING_AUTHORIZATION: 401,
  MISSING_CLIENT_ID: 401,
  MISSING_CLIENT_SECRET: 401,
  PLAID_LOGIN_ERROR: 422,
  UNAVAILABLE_CRYPTO_CURRENCY: 422,
  UNSUPPORTED_BANK: 422,
  UNSUPPORTED_CRYPTO_CURRENCY: 422,
  USER_BLOCKED: 403,
  USER_UNDER_REVIEW: 403,
  USER_KYC_INCOMPLETE: 422,
  USER_RISK_INCOMPLETE: 422,
};

// Messages for documented codes whose meaning is not evident from the name.
const RATIO_MESSAGES: Partial<Record<RatioCode, string>> = {
  ALREADY_EXISTS_BANK: 'The user already has a linked bank account; delete it before linking another',
  ALREADY_EXISTS_EMAIL: 'The email belongs to another user',
  ALREADY_EXISTS_PHONE: 'The phone number belongs to another user',
  ALREADY_EXISTS_USER: 'The identity conflicts with another user',
  ALREADY_EXISTS_USER_KYC: 'KYC has already been submitted for the user',
  ALREADY_EXISTS_WALLET_ADDRESS: 'The wallet address is already connected to the user',
  BANK_VERIFICATION_INCOMPLETE: 'The bank account is not linked and verified',
  EXCEEDS_LIMIT_ACH: "The amount exceeds the user's available ACH limits",
  EXCEEDS_LIMIT_TRANSACTIONS: 'The user has reached the number of ACH transactions allowed in 24 hours',
  EXCEEDS_LIMIT_WALLETS: 'The user has reached the number of wallets allowed',
  EXPIRED_AUTHORIZATION: 'The session token has expired; authenticate again',
  EXPIRED_SESSION_ID: 'The client session has expired; create a new one',
  INSUFFICIENT_BALANCE: 'The bank account balance is insufficient',
  INVALID_AGE: 'The date of birth shows the user is under 18',
  INVALID_AUTHORIZATION: 'The Authorization header is not a valid bearer token',
  INVALID_BODY: 'The request body does not match the API schema',
  INVALID_CLIENT_ID: 'The ratio-client-id is not a known client',
  INVALID_CLIENT_SECRET: 'The ratio-client-secret is not valid for this client',
  MFA_REQUIRED: 'This operation needs a second authentication factor, one of them SMS',
  MISMATCH_EMAIL: 'The email does not match the email proven in this session',
  MISMATCH_PHONE: 'The phone does not match the phone proven by SMS in this session',
  MISSING_AUTHORIZATION: 'This operation needs a user session: send Authorization: Bearer <sessionJwt>',
  MISSING_CLIENT_ID: 'The ratio-client-id header is required',
  MISSING_CLIENT_SECRET: 'The ratio-client-secret header is required',
  NOT_FOUND_ENDPOINT: 'API endpoint not found',
  PLAID_LOGIN_ERROR: "The bank account's link status does not allow this operation",
  UNAVAILABLE_CRYPTO_CURRENCY: 'The crypto currency is not currently available',
  UNSUPPORTED_ACH_TYPE: 'The ACH type is not supported for this crypto currency',
  UNSUPPORTED_BANK: 'The bank account is not supported',
  UNSUPPORTED_CRYPTO_CURRENCY: 'The crypto currency is not supported by the wallet',
  UNSUPPORTED_QUERY_PARAMETERS:
    'Filters cannot change while paging: send the same filters as the first page, or only pageToken',
  UNSUPPORTED_WALLET_ADDRESS: 'The wallet address is not supported by the wallet type',
  USER_BLOCKED: 'The user is blocked from this operation',
  USER_KYC_INCOMPLETE: "The user's KYC has not been submitted or approved",
  USER_RISK_INCOMPLETE: "The user's risk assessment has not been completed",
  USER_UNDER_REVIEW: 'The user is under review',
};

/** `FIRST_NAME` → `firstName`, `LINE_1` → `line1` */
export function fieldFromCodeSuffix(suffix: string): string {
  return suffix.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function ratioEntry(code: RatioCode): CatalogueEntry {
  let status = 400;
  if (code.startsWith('ALREADY_EXISTS_')) status = 409;
  else if (code.startsWith('NOT_FOUND_')) status = 404;
  else if (code.startsWith('EXCEEDS_LIMIT_')) status = 422;
  status = RATIO_STATUS[code] ?? status;

  let message = RATIO_MESSAGES[code];
  if (message === undefined) {
    const m = /^(INVALID|MISSING|NOT_FOUND|UNSUPPORTED)_(.+)$/.exec(code);
    const subject = m ? fieldFromCodeSuffix(m[2]!) : code;
    if (m?.[1] === 'INVALID') message = `\`${subject}\` is not valid`;
    else if (m?.[1] === 'MISSING') message = `\`${subject}\` is required`;
    else if (m?.[1] === 'NOT_FOUND')
      message = `${m[2]!.charAt(0)}${m[2]!.slice(1).toLowerCase().replace(/_/g, ' ')} not found`;
    else message = code;
  }
  return { code, status, message, extension: false };
}

export const CATALOGUE: ReadonlyMap<ErrorCode, CatalogueEntry> = new Map<ErrorCode, CatalogueEntry>([
  ...RATIO_CODES.map((code) => [code, ratioEntry(code)] as const),
  ...Object.entries(ONRAMP_CODES).map(
    ([code, e]) =>
      [
        code as OnrampCode,
        { code: code as OnrampCode, status: e.status, message: e.message, extension: true },
      ] as const,
  ),
]);

export function isErrorCode(code: string): code is ErrorCode {
  return CATALOGUE.has(code as ErrorCode);
}

export function catalogueEntry(code: ErrorCode): CatalogueEntry {
  return CATALOGUE.get(code)!;
}
