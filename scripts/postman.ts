// The Postman collection and environment, made from the OpenAPI document by openapi-to-postmanv2 (the
// converter Postman maintains) and finished here:
// - a "Quickstart" folder first: a sandbox purchase with a verified webhook, start to end, each request's
//   test script saving what the next one needs (the sign-in challenge is signed by a sandbox test wallet,
//   the webhook arrives at the sandbox receiver and its signature is checked with CryptoJS);
// - collection scripts that send the client credentials and the session JWT on every request, keep
//   the JWT a response carries (sign-in answers, ratio-authentication-refresh) and give writes that
//   honour it a fresh Idempotency-Key;
// - the reference requests, one folder per tag, with path variables bound to the collection variables
//   the Quickstart sets (userId, bankId, webhookId…), and only their success examples.
// Output is deterministic (no random ids), so test/generated.test.ts can compare it with what is committed.
import fs from 'node:fs';
import path from 'node:path';
import type { OpenApiDocument } from './generate.ts';

type Json = Record<string, unknown>;

const COLLECTION_FILE = 'onramp.postman_collection.json';
const ENVIRONMENT_FILE = 'onramp-sandbox.postman_environment.json';

/** A script as Postman stores it: lines of JavaScript. */
const script = (listen: 'prerequest' | 'test', source: string): Json => ({
  listen,
  script: { type: 'text/javascript', exec: source.trim().split('\n') },
});

// Runs before every request: credentials, the session JWT, an Idempotency-Key where one is honoured.
const COLLECTION_PREREQUEST = `
const env = (name) => pm.environment.get(name) || pm.collectionVariables.get(name);
pm.request.headers.upsert({ key: 'ratio-client-id', value: env('clientId') || '' });
if (env('clientSessionId')) pm.request.headers.upsert({ key: 'ratio-client-session-id', value: env('clientSessionId') });
else pm.request.headers.upsert({ key: 'ratio-client-secret', value: env('clientSecret') || '' });
const jwt = pm.collectionVariables.get('sessionJwt');
if (jwt && !pm.request.headers.has('Authorization')) pm.request.headers.upsert({ key: 'Authorization', value: 'Bearer ' + jwt });
`;

// Runs after every request: keep the session JWT a response carries (in the collection variable sessionJwt).
const COLLECTION_TEST = `
const refreshed = pm.response.headers.get('ratio-authentication-refresh');
if (refreshed) pm.collectionVariables.set('sessionJwt', refreshed);
if (pm.request.url.getPath().startsWith('/v1/auth/') && pm.response.code === 200) {
  const body = pm.response.json();
  if (body.sessionJwt) pm.collectionVariables.set('sessionJwt', body.sessionJwt);
}
`;

interface Step {
  name: string;
  method: string;
  path: string;
  body?: Json;
  headers?: Array<{ key: string; value: string }>;
  prerequest?: string;
  test: string;
}

const json = (body: Json) => ({
  mode: 'raw',
  raw: JSON.stringify(body, null, 2),
  options: { raw: { language: 'json' } },
});

/** The shortest sandbox purchase with a verified webhook (docs/quickstart.md), as requests with tests. */
const QUICKSTART: Step[] = [
  {
    name: '1. Register a webhook at the sandbox receiver',
    method: 'POST',
    path: '/v1/webhooks',
    body: { url: '{{baseUrl}}/sandbox/webhooks/receiver/{{clientId}}', events: ['ACTIVITY_UPDATED', 'KYC_UPDATED'] },
    prerequest: `
// A fresh user per run: a new test wallet, a new magic phone number (+1 201 555 01XX accepts 000000), a new SSN.
pm.collectionVariables.set('sessionJwt', '');
pm.collectionVariables.set('walletIndex', String(Math.floor(Math.random() * 2147483647)));
pm.collectionVariables.set('phone', '+1201555' + String(100 + Math.floor(Math.random() * 100)).padStart(4, '0'));
pm.collectionVariables.set('ssn', '2' + String(Math.floor(Math.random() * 1e8)).padStart(8, '0'));
pm.collectionVariables.set('email', 'postman.' + Date.now() + '@gmail.com');`,
    test: `
pm.test('201 Created, with the signing secret', () => pm.response.to.have.status(201));
pm.collectionVariables.set('webhookId', pm.response.json().id);
pm.collectionVariables.set('webhookSecret', pm.response.json().secret);`,
  },
  {
    name: '2. Get a sandbox test wallet',
    method: 'GET',
    path: '/sandbox/wallets/{{walletIndex}}',
    test: `pm.test('200', () => pm.response.to.have.status(200));
pm.collectionVariables.set('walletAddress', pm.response.json().address);`,
  },
  {
    name: '3. Start wallet sign-in',
    method: 'POST',
    path: '/v1/auth/cryptoWallet:start',
    body: { walletAddress: '{{walletAddress}}', walletType: 'EVM' },
    test: `pm.test('an EIP-4361 challenge', () => pm.expect(pm.response.json().challenge).to.include('wants you to sign in'));
pm.collectionVariables.set('challenge', pm.response.json().challenge);`,
  },
  {
    name: '4. Sign the challenge with the test wallet',
    method: 'POST',
    path: '/sandbox/wallets/{{walletIndex}}:signMessage',
    body: { message: '{{challenge}}' },
    prerequest: `// The challenge has line breaks: send it JSON-encoded.
pm.request.body.raw = JSON.stringify({ message: pm.collectionVariables.get('challenge') });`,
    test: `pm.test('200', () => pm.response.to.have.status(200));
pm.collectionVariables.set('signature', pm.response.json().signature);`,
  },
  {
    name: '5. Authenticate the wallet signature',
    method: 'POST',
    path: '/v1/auth/cryptoWallet:authenticate',
    body: { walletAddress: '{{walletAddress}}', walletType: 'EVM', signature: '{{signature}}' },
    test: `pm.test('a session JWT', () => pm.expect(pm.response.json().sessionJwt).to.be.a('string'));`,
  },
  {
    name: '6. Send an SMS code',
    method: 'POST',
    path: '/v1/auth/otp/sms:send',
    body: { phoneNumber: '{{phone}}' },
    test: `pm.test('200', () => pm.response.to.have.status(200));
pm.collectionVariables.set('phoneId', pm.response.json().phoneId);`,
  },
  {
    name: '7. Authenticate the SMS code (test numbers accept 000000)',
    method: 'POST',
    path: '/v1/auth/otp/sms:authenticate',
    body: { phoneId: '{{phoneId}}', otp: '000000' },
    test: `pm.test('wallet + SMS: a JWT that may create the user', () => pm.expect(pm.response.json().sessionJwt).to.be.a('string'));`,
  },
  {
    name: '8. Create the user',
    method: 'POST',
    path: '/v1/users',
    headers: [{ key: 'Idempotency-Key', value: '{{$guid}}' }],
    body: {
      firstName: 'Dylan',
      lastName: 'Smith',
      email: '{{email}}',
      country: 'US',
      phone: '{{phone}}',
      acceptedTerms: true,
    },
    test: `pm.test('201', () => pm.response.to.have.status(201));
pm.collectionVariables.set('userId', pm.response.json().id);
pm.collectionVariables.set('walletId', pm.response.json().wallets[0].id);`,
  },
  {
    name: '9. Submit KYC (an SSN starting with 2 is approved)',
    method: 'POST',
    path: '/v1/users/{{userId}}/kyc',
    headers: [{ key: 'Idempotency-Key', value: '{{$guid}}' }],
    body: {
      dateOfBirth: '1990-04-21',
      idType: 'SSN',
      idNumber: '{{ssn}}',
      line1: '1 Main St',
      city: 'Springfield',
      state: 'IL',
      postalCode: '62701',
    },
    test: `pm.test('accepted', () => pm.expect(pm.response.code).to.be.oneOf([200, 201]));`,
  },
  {
    name: '10. Wait for KYC APPROVED',
    method: 'GET',
    path: '/v1/users/{{userId}}',
    test: `
const attempts = Number(pm.collectionVariables.get('kycPolls') || 0);
if (pm.response.json().kyc.status !== 'APPROVED' && attempts < 60) {
  pm.collectionVariables.set('kycPolls', String(attempts + 1));
  setTimeout(() => {}, 500);
  postman.setNextRequest('10. Wait for KYC APPROVED');
} else {
  pm.collectionVariables.set('kycPolls', '0');
  pm.test('KYC APPROVED', () => pm.expect(pm.response.json().kyc.status).to.eql('APPROVED'));
}`,
  },
  {
    name: '11. Request a bank link token',
    method: 'POST',
    path: '/v1/users/{{userId}}/banks:requestLink',
    body: {},
    test: `pm.collectionVariables.set('linkToken', pm.response.json().linkToken);`,
  },
  {
    name: '12. Complete Plaid Link in the sandbox (Tartan Bank, custom_ratio_good)',
    method: 'POST',
    path: '/sandbox/link/complete',
    body: { token: '{{linkToken}}', institutionId: 'ins_109511', username: 'custom_ratio_good', password: 'pass_good' },
    test: `pm.collectionVariables.set('publicToken', pm.response.json().publicToken);`,
  },
  {
    name: '13. Activate the bank link',
    method: 'POST',
    path: '/v1/users/{{userId}}/banks:activateLink',
    headers: [{ key: 'Idempotency-Key', value: '{{$guid}}' }],
    body: { publicToken: '{{publicToken}}' },
    test: `pm.test('ACTIVE and APPROVED', () => {
  pm.expect(pm.response.json().bankAccount.linkStatus).to.eql('ACTIVE');
  pm.expect(pm.response.json().bankAccount.verificationStatus).to.eql('APPROVED');
});
pm.collectionVariables.set('bankId', pm.response.json().bankAccount.id);`,
  },
  {
    name: '14. Buy $25 of ETH (INSTANT)',
    method: 'POST',
    path: '/v1/users/{{userId}}/banks/{{bankId}}/ach',
    headers: [{ key: 'Idempotency-Key', value: '{{$guid}}' }],
    body: { fiatAmount: '25.00', cryptoCurrency: 'ETH', walletId: '{{walletId}}', type: 'INSTANT' },
    test: `pm.test('accepted', () => pm.expect(pm.response.code).to.be.oneOf([201, 202]));
pm.collectionVariables.set('activityId', pm.response.json().activityItem.id);`,
  },
  {
    name: '15. Wait for the webhook, verify its signature',
    method: 'GET',
    path: '/sandbox/webhooks/received?pageSize=50',
    test: `
const cryptoJs = require('crypto-js');
const activityId = pm.collectionVariables.get('activityId');
const done = pm.response.json().items.find((r) => {
  const event = JSON.parse(r.body);
  return event.event === 'ACTIVITY_UPDATED' && event.data.id === activityId && event.data.crypto.status === 'COMPLETED';
});
const attempts = Number(pm.collectionVariables.get('webhookPolls') || 0);
if (!done && attempts < 120) {
  pm.collectionVariables.set('webhookPolls', String(attempts + 1));
  setTimeout(() => {}, 500);
  postman.setNextRequest('15. Wait for the webhook, verify its signature');
} else {
  pm.collectionVariables.set('webhookPolls', '0');
  pm.test('ACTIVITY_UPDATED: the crypto leg COMPLETED', () => pm.expect(done).to.be.an('object'));
  pm.test('ratio-webhook-signature verifies over the raw body', () => {
    const ts = done.headers['ratio-webhook-signature-timestamp'];
    const expected = cryptoJs.HmacSHA512(ts + '.' + done.body, pm.collectionVariables.get('webhookSecret')).toString();
    pm.expect(done.headers['ratio-webhook-signature'].split(',')).to.include(expected);
  });
}`,
  },
  {
    name: '16. Delete the webhook',
    method: 'DELETE',
    path: '/v1/webhooks/{{webhookId}}',
    test: `pm.test('deleted', () => pm.expect(pm.response.code).to.be.oneOf([200, 204]));`,
  },
];

function quickstartItem(step: Step): Json {
  const [pathname, query] = step.path.split('?');
  const request: Json = {
    method: step.method,
    header: [...(step.body ? [{ key: 'Content-Type', value: 'application/json' }] : []), ...(step.headers ?? [])],
    url: {
      raw: `{{baseUrl}}${step.path}`,
      host: ['{{baseUrl}}'],
      path: pathname!.split('/').filter(Boolean),
      ...(query ? { query: query.split('&').map((q) => ({ key: q.split('=')[0], value: q.split('=')[1] })) } : {}),
    },
    ...(step.body ? { body: json(step.body) } : {}),
  };
  return {
    name: step.name,
    event: [...(step.prerequest ? [script('prerequest', step.prerequest)] : []), script('test', step.test)],
    request,
  };
}

/** Each query parameter's example or default in the document, by name (they mean the same everywhere). */
function queryExamples(doc: OpenApiDocument): Map<string, string> {
  const examples = new Map<string, string>();
  for (const methods of Object.values(doc.paths as Record<string, Json>)) {
    for (const op of Object.values(methods) as Json[]) {
      for (const p of (op.parameters as Json[] | undefined) ?? []) {
        const schema = (p.schema ?? {}) as Json;
        const value = p.example ?? (schema.examples as unknown[] | undefined)?.[0] ?? schema.default;
        if (p.in === 'query' && value !== undefined) examples.set(String(p.name), String(value));
      }
    }
  }
  return examples;
}

/**
 * Path variables take the collection's values and query parameters the document's examples (the
 * converter makes up random ones; optional ones without an example are left off); a fresh key per write.
 */
function tidyRequest(request: Json | undefined, examples: Map<string, string>): void {
  const url = request?.url as
    | {
        variable?: Array<{ key: string; value: string }>;
        query?: Array<{ key: string; value: string; disabled?: boolean }>;
      }
    | undefined;
  for (const v of url?.variable ?? []) v.value = `{{${v.key}}}`;
  for (const q of url?.query ?? []) {
    q.value = examples.get(q.key) ?? '';
    q.disabled = q.value === '';
  }
  const headers = request?.header as Array<{ key: string; value: string }> | undefined;
  for (const h of headers ?? []) if (h.key === 'Idempotency-Key') h.value = '{{$guid}}';
}

/** Only success examples, no random ids: the same collection on every run. */
function tidy(node: Json, examples: Map<string, string>): void {
  delete node.id;
  tidyRequest(node.request as Json | undefined, examples);
  if (Array.isArray(node.response)) {
    node.response = (node.response as Json[]).filter((r) => Number(r.code) < 300);
    for (const r of node.response as Json[]) {
      delete r.id;
      tidyRequest(r.originalRequest as Json | undefined, examples);
    }
  }
  for (const child of (node.item as Json[] | undefined) ?? []) tidy(child, examples);
}

async function convert(doc: OpenApiDocument): Promise<Json> {
  const { convertV2 } = (await import('openapi-to-postmanv2')).default as unknown as {
    convertV2: (
      input: { type: 'json'; data: unknown },
      options: Json,
      cb: (err: unknown, result: { result: boolean; reason?: string; output: Array<{ data: Json }> }) => void,
    ) => void;
  };
  return new Promise((resolve, reject) =>
    convertV2(
      { type: 'json', data: structuredClone(doc) },
      {
        folderStrategy: 'Tags',
        parametersResolution: 'Example',
        requestNameSource: 'Fallback',
        alwaysInheritAuthentication: true,
      },
      (err, result) => {
        if (err || !result.result) reject(err ?? new Error(result.reason));
        else resolve(result.output[0]!.data);
      },
    ),
  );
}

export async function generatePostman(doc: OpenApiDocument, dir: string): Promise<void> {
  const collection = await convert(doc);
  tidy(collection, queryExamples(doc));
  const info = collection.info as Json;
  info._postman_id = '6f6e7261-6d70-4000-8000-636f6c6c6563';
  info.description = {
    type: 'text/markdown',
    content: [
      '**Start with the Quickstart folder**: a sandbox purchase with a verified webhook, request by request (Run folder).',
      'Import `onramp-sandbox.postman_environment.json` and set `baseUrl`, `clientId` and `clientSecret` (the demo client `npm start` prints).',
      'The collection scripts send the credentials and the session JWT on every request and keep the JWT each answer carries.',
      '',
      String((info.description as Json | undefined)?.content ?? ''),
    ].join('\n'),
  };
  collection.event = [script('prerequest', COLLECTION_PREREQUEST), script('test', COLLECTION_TEST)];
  const keys = [
    'walletIndex',
    'walletAddress',
    'challenge',
    'signature',
    'phone',
    'phoneId',
    'email',
    'ssn',
    'userId',
    'walletId',
    'linkToken',
    'publicToken',
    'bankId',
    'activityId',
    'webhookId',
    'webhookSecret',
    'index',
    'deliveryId',
    'kycPolls',
    'webhookPolls',
  ];
  collection.variable = [
    { key: 'baseUrl', value: 'http://127.0.0.1:3000' },
    { key: 'sessionJwt', value: '' },
    ...keys.map((key) => ({ key, value: '' })),
  ];
  collection.item = [
    {
      name: 'Quickstart',
      description: 'A sandbox purchase with a verified webhook, start to end: run this folder (docs/quickstart.md).',
      item: QUICKSTART.map(quickstartItem),
    },
    ...(collection.item as Json[]),
  ];
  const environment = {
    id: '6f6e7261-6d70-4000-8000-656e7669726f',
    name: 'onramp sandbox',
    values: [
      { key: 'baseUrl', value: 'http://127.0.0.1:3000', type: 'default', enabled: true },
      { key: 'clientId', value: '', type: 'default', enabled: true },
      { key: 'clientSecret', value: '', type: 'secret', enabled: true },
      { key: 'clientSessionId', value: '', type: 'secret', enabled: true },
    ],
    _postman_variable_scope: 'environment',
  };
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, COLLECTION_FILE), `${JSON.stringify(collection, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, ENVIRONMENT_FILE), `${JSON.stringify(environment, null, 2)}\n`);
}

export const POSTMAN_FILES = [COLLECTION_FILE, ENVIRONMENT_FILE];
