// What the OpenAPI document says beyond the route schemas: tags with descriptions (in sidebar order),
// security schemes as partners send them, one example per error status, and the post-processing that
// puts examples and the Idempotency-Key parameter on each operation. The document is the source of the
// SDK (sdk/), the Postman collection (postman/) and the /docs page, so what it says must be what works.
import { CATALOGUE, isErrorCode } from '../errors/catalogue.ts';

export const TAGS: Array<{ name: string; description: string }> = [
  {
    name: 'Auth',
    description:
      'Sign a user in with factors: a wallet signature (EIP-4361), an SMS code, an email code. Each returns a `sessionJwt`; ' +
      'send it as `Authorization: Bearer` on the next factor and on every user call. Reads need one factor; writes that move ' +
      'money or change identity need two, one of them SMS. Guide: [Sign in](/docs/guides/sign-in).',
  },
  {
    name: 'Users',
    description:
      'Create the user (after wallet + SMS), submit KYC and read the result (`KYC_UPDATED` webhooks). ' +
      'Guide: [Onboarding](/docs/guides/onboarding).',
  },
  {
    name: 'Wallets',
    description:
      'Deposit wallets: where purchases are delivered. The signing wallet becomes the first one. ' +
      'Guide: [Onboarding](/docs/guides/onboarding).',
  },
  {
    name: 'Bank',
    description:
      'Link a US bank account through Plaid (`banks:requestLink`, Plaid Link, `banks:activateLink`) and follow its ' +
      'verification (`BANK_UPDATED` webhooks). Guide: [Linking a bank](/docs/guides/plaid-sandbox).',
  },
  {
    name: 'Purchases',
    description:
      'ACH limits and the purchase itself: debit the bank, deliver ETH or USDC on-chain. Send an `Idempotency-Key`. ' +
      'Guide: [Buying](/docs/guides/buying).',
  },
  {
    name: 'Crypto',
    description: 'Prices, network fees and estimates (top-down from a USD amount or bottom-up from a crypto amount).',
  },
  {
    name: 'Activity',
    description:
      'Purchases as activity items with a fiat leg and a crypto leg; `ACTIVITY_UPDATED` webhooks carry the same object.',
  },
  {
    name: 'Webhook',
    description:
      'Register URLs for `KYC_UPDATED`, `BANK_UPDATED` and `ACTIVITY_UPDATED`; every delivery is signed twice ' +
      '(Ratio and Standard Webhooks). Guide: [Webhooks](/docs/guides/webhooks).',
  },
  {
    name: 'Client',
    description:
      'Client sessions: a short-lived `ratio-client-session-id` for an embedded front end, so the client secret stays on your server.',
  },
  { name: 'Config', description: 'What this deployment supports: currencies, networks, minimums, fees, limits.' },
  {
    name: 'Sandbox',
    description:
      'Sandbox mode only: the inbox where SMS and email codes land, test wallets that sign challenges for scripts, Plaid Link ' +
      'without a browser, the sandbox clock, and JSON-RPC of the in-process chains. ' +
      'Test values: [Sandbox](/docs/guides/sandbox).',
  },
];

export const SECURITY_SCHEMES = {
  clientId: {
    type: 'apiKey',
    in: 'header',
    name: 'ratio-client-id',
    description: 'Your client id (`npm start` prints the sandbox demo client)',
  },
  clientSecret: {
    type: 'apiKey',
    in: 'header',
    name: 'ratio-client-secret',
    description: 'Your client secret: server-to-server only, never in a browser or an app',
  },
  clientSession: {
    type: 'apiKey',
    in: 'header',
    name: 'ratio-client-session-id',
    description: 'A client session id from `POST /v1/client/sessions`, for embedded front ends (instead of the secret)',
  },
  userSession: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'The `sessionJwt` from an auth endpoint. A response may carry a fresh one in `ratio-authentication-refresh`: switch to it.',
  },
} as const;

const EXAMPLE_TIME = '2026-03-02T15:04:05.000Z';

function errorExample(code: string, data: Record<string, unknown> = {}, message?: string) {
  return {
    createTime: EXAMPLE_TIME,
    message: message ?? (isErrorCode(code) ? CATALOGUE.get(code)?.message : undefined) ?? code,
    code,
    data,
  };
}

/** One representative error body per status, shown beside each operation's error responses. */
export const ERROR_EXAMPLES: Record<number, unknown> = {
  400: errorExample(
    'MISSING_FIRST_NAME',
    { field: 'firstName', rule: 'required' },
    '`firstName` is required in the request body',
  ),
  401: errorExample('MISSING_CLIENT_SECRET'),
  403: errorExample(
    'MFA_REQUIRED',
    { factors: ['WALLET'], required: ['SMS', 'WALLET|EMAIL'] },
    'This operation needs two factors, one of them SMS (SMS + wallet or SMS + email); this session has proven WALLET. Add an SMS code: call POST /v1/auth/otp/sms:send with this JWT, then authenticate it with this JWT',
  ),
  404: errorExample('NOT_FOUND_USER'),
  409: errorExample('ALREADY_EXISTS_PHONE'),
  413: errorExample('PAYLOAD_TOO_LARGE'),
  415: errorExample('UNSUPPORTED_MEDIA_TYPE'),
  422: errorExample('USER_KYC_INCOMPLETE'),
  429: errorExample(
    'RATE_LIMITED',
    { limit: 1200, retryAfterSeconds: 30 },
    'Rate limit of 1200 requests per minute exceeded; retry in 30 s',
  ),
  500: errorExample('INTERNAL', { requestId: 'b3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d' }),
};

export const IDEMPOTENCY_PARAMETER = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Makes retries safe: the same key with the same request replays the first response (`Idempotent-Replayed: true`); ' +
    'with another request it is 422 IDEMPOTENCY_KEY_REUSED. 1–255 printable ASCII characters, kept 24 hours per client. ' +
    'An empty key is 400 INVALID_IDEMPOTENCY_KEY.',
  schema: { type: 'string', minLength: 1, maxLength: 255 },
  example: 'order-1842-attempt',
};

const SUCCESS_TEXT: Record<string, string> = { 200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content' };

/** What the route hook learns about each operation and the document transform needs. */
export interface OperationExtras {
  idempotent: boolean;
}

// biome-ignore lint/suspicious/noExplicitAny: the OpenAPI document is arbitrary JSON
type Json = Record<string, any>;

/** Media objects without an example take the first example of the schema they reference or hold. */
function exampleFor(media: Json, components: Json): unknown {
  const schema = media.schema as Json | undefined;
  if (!schema) return undefined;
  const ref = typeof schema.$ref === 'string' ? schema.$ref.replace('#/components/schemas/', '') : undefined;
  const target = ref ? components[ref] : schema;
  if (Array.isArray(schema.examples)) return schema.examples[0];
  if (Array.isArray(target?.examples)) return target.examples[0];
  if (target?.example !== undefined) return target.example;
  return undefined;
}

function addMediaExamples(content: Json | undefined, components: Json): void {
  for (const media of Object.values(content ?? {}) as Json[]) {
    if (media.example !== undefined || media.examples !== undefined) continue;
    const example = exampleFor(media, components);
    if (example !== undefined) media.example = example;
  }
}

/** The transformObject step: tags, examples and idempotency parameters on every operation. */
export function finishDocument(doc: Json, extras: Map<string, OperationExtras>): Json {
  const components = (doc.components?.schemas ?? {}) as Json;
  doc.tags = TAGS;
  for (const methods of Object.values(doc.paths ?? {}) as Json[]) {
    for (const op of Object.values(methods) as Json[]) {
      addMediaExamples(op.requestBody?.content, components);
      for (const [status, response] of Object.entries(op.responses ?? {}) as Array<[string, Json]>) {
        if (response.description === 'Default Response') response.description = SUCCESS_TEXT[status] ?? 'Success';
        addMediaExamples(response.content, components);
        const errorExample = ERROR_EXAMPLES[Number(status)];
        const media = response.content?.['application/json'];
        if (errorExample && media && media.example === undefined) media.example = errorExample;
      }
      if (extras.get(op.operationId)?.idempotent) {
        op.parameters = [...(op.parameters ?? []), IDEMPOTENCY_PARAMETER];
      }
    }
  }
  return doc;
}
