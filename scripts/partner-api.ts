// What the scripts and tests that act as a partner over HTTP share (scripts/journey.ts,
// scripts/crash-test.ts, test/multi-process.test.ts, bench/scale.ts): a request with the client's
// credentials and the user's session JWT, polling until a state is reached, signing in, and a user
// made ready to buy.
import { randomInt } from 'node:crypto';
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';

export interface PartnerClient {
  base: string;
  id: string;
  secret: string;
}

export interface Answer {
  status: number;
  json: Record<string, any>;
  /** A fresh session JWT from `ratio-authentication-refresh`, when the server sent one. */
  refreshedJwt?: string;
}

/** One API call as a partner makes it: client id + secret, the bearer JWT if any, a JSON body, 30 s timeout. */
export async function partnerRequest(
  client: PartnerClient,
  method: string,
  url: string,
  body?: unknown,
  extra: Record<string, string> = {},
  jwt?: string,
): Promise<Answer> {
  const headers: Record<string, string> = {
    'ratio-client-id': client.id,
    'ratio-client-secret': client.secret,
    ...extra,
  };
  if (jwt) headers.authorization = `Bearer ${jwt}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(client.base + url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  const refreshedJwt = res.headers.get('ratio-authentication-refresh') ?? undefined;
  return { status: res.status, json: text ? JSON.parse(text) : {}, ...(refreshedJwt ? { refreshedJwt } : {}) };
}

/** The answer's body, or an error naming the call, the status and the API's code and message. */
export function expectOk(method: string, url: string, answer: Answer): Record<string, any> {
  if (answer.status >= 300)
    throw new Error(`${method} ${url} → ${answer.status} ${answer.json.code ?? ''}: ${answer.json.message ?? ''}`);
  return answer.json;
}

/** Polls `probe` every `intervalMs` until it returns a value, for at most `timeoutMs`. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 60_000,
  intervalMs = 500,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A partner call that throws unless it succeeded: (session JWT or none, method, url, body, headers). */
export type Call = (
  jwt: string | undefined,
  method: string,
  url: string,
  body?: unknown,
  extra?: Record<string, string>,
) => Promise<Record<string, any>>;

/** Calls `bases` in turn (several API processes behind one partner, as a load balancer would spread them). */
export function roundRobin(bases: string[], client: { id: string; secret: string }): Call {
  let next = 0;
  return async (jwt, method, url, body, extra = {}) => {
    const base = bases[next++ % bases.length]!;
    return expectOk(method, url, await partnerRequest({ base, ...client }, method, url, body, extra, jwt));
  };
}

/** The SMS code sent to `phone`, as the sandbox inbox shows it. */
async function sandboxInboxCode(call: Call, jwt: string, phone: string): Promise<string | undefined> {
  const inbox = await call(jwt, 'GET', `/sandbox/inbox?to=${encodeURIComponent(phone)}`);
  return /\b(\d{6})\b/.exec(inbox.items[0]?.text ?? '')?.[1];
}

/**
 * Wallet sign-in + an SMS code (the calls of scripts/journey.ts); returns the session JWT. The code is
 * read from the sandbox inbox unless `readCode` says where (the rehearsal's Twilio stand-in).
 */
export async function signIn(
  call: Call,
  account: PrivateKeyAccount,
  phone: string,
  readCode: (jwt: string) => Promise<string | undefined> = (jwt) => sandboxInboxCode(call, jwt, phone),
): Promise<string> {
  const wallet = { walletAddress: account.address, walletType: 'EVM' };
  const { challenge } = await call(undefined, 'POST', '/v1/auth/cryptoWallet:start', wallet);
  const signature = await account.signMessage({ message: challenge });
  const jwt = (await call(undefined, 'POST', '/v1/auth/cryptoWallet:authenticate', { ...wallet, signature }))
    .sessionJwt as string;
  const { phoneId } = await call(jwt, 'POST', '/v1/auth/otp/sms:send', { phoneNumber: phone });
  const otp = await readCode(jwt);
  if (!otp) throw new Error(`no SMS code found for ${phone}`);
  return (await call(jwt, 'POST', '/v1/auth/otp/sms:authenticate', { phoneId, otp })).sessionJwt as string;
}

export interface Buyer {
  account: PrivateKeyAccount;
  phone: string;
  jwt: string;
  id: string;
  bankId: string;
  walletId: string;
  address: `0x${string}`;
}

/** A user ready to buy: signed in, created, KYC approved (sandbox SSN rule), a verified Plaid sandbox bank. */
export async function readyBuyer(call: Call, name: string, pollMs = 300): Promise<Buyer> {
  const account = privateKeyToAccount(generatePrivateKey());
  const phone = `+1201555${String(randomInt(0, 10_000)).padStart(4, '0')}`;
  const jwt = await signIn(call, account, phone);
  const user = await call(jwt, 'POST', '/v1/users', {
    firstName: 'Test',
    lastName: name,
    email: `${name.toLowerCase()}.${Date.now()}.${randomInt(0, 1e6)}@gmail.com`,
    country: 'US',
    phone,
    acceptedTerms: true,
  });
  const wallet = (await call(jwt, 'GET', `/v1/users/${user.id}/wallets`)).items[0];
  const ssn = `2${String(randomInt(10, 99))}-${String(randomInt(10, 99))}-${String(randomInt(1000, 9999))}`;
  await call(jwt, 'POST', `/v1/users/${user.id}/kyc`, {
    dateOfBirth: '1990-04-12',
    idType: 'SSN',
    idNumber: ssn,
    line1: '123 Main St',
    city: 'Austin',
    state: 'TX',
    postalCode: '78701',
    nationality: 'US',
    occupation: 'Engineer',
  });
  const kyc = await until(
    'KYC',
    async () => {
      const u = await call(jwt, 'GET', `/v1/users/${user.id}`);
      return ['APPROVED', 'DECLINED', 'IN_REVIEW'].includes(u.kyc.status) ? (u.kyc.status as string) : undefined;
    },
    60_000,
    pollMs,
  );
  if (kyc !== 'APPROVED') throw new Error(`KYC ended ${kyc}`);
  const link = await call(jwt, 'POST', `/v1/users/${user.id}/banks:requestLink`, {});
  const { publicToken } = await call(jwt, 'POST', '/sandbox/link/complete', {
    token: link.linkToken,
    institutionId: 'ins_109511',
    username: 'custom_ratio_good',
    password: 'pass_good',
  });
  const bankId = (await call(jwt, 'POST', `/v1/users/${user.id}/banks:activateLink`, { publicToken })).bankAccount
    .id as string;
  const verified = await until(
    'bank verification',
    async () => {
      const b = await call(jwt, 'GET', `/v1/users/${user.id}/banks/${bankId}`);
      return b.verificationStatus && b.verificationStatus !== 'IN_REVIEW'
        ? (b.verificationStatus as string)
        : undefined;
    },
    60_000,
    pollMs,
  );
  if (verified !== 'APPROVED') throw new Error(`bank ended ${verified}`);
  return { account, phone, jwt, id: user.id, bankId, walletId: wallet.id, address: wallet.address };
}
