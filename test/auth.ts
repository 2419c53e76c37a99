// Sign-in helpers for tests of any module: real wallet signatures (viem accounts), real codes read
// from the sandbox inbox, and user rows inserted directly (until the Users module creates them).
import { randomBytes, randomUUID } from 'node:crypto';
import type { PrivateKeyAccount } from 'viem/accounts';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import type { TestApp } from './helpers.ts';

export type Headers = Record<string, string>;

export function newAccount(): PrivateKeyAccount {
  return privateKeyToAccount(generatePrivateKey());
}

// US area codes (NANP also covers Canada and the Caribbean, which onramp refuses).
const US_AREA_CODES = [
  201, 202, 203, 205, 206, 207, 208, 209, 210, 212, 213, 214, 215, 216, 217, 218, 219, 224, 225, 228, 229, 231, 234,
  239, 240, 248, 251, 252, 253, 254,
];
let phoneCounter = 0;
/** A fresh sandbox test number (+1 NXX 555-01XX), different on every call within a test file. */
export function testPhone(): string {
  const n = (process.pid + phoneCounter++) % (US_AREA_CODES.length * 100);
  return `+1${US_AREA_CODES[Math.floor(n / 100)]}55501${String(n % 100).padStart(2, '0')}`;
}

export function testEmail(): string {
  return `user+${randomBytes(4).toString('hex')}@example.com`;
}

export function withJwt(headers: Headers, jwt?: string): Headers {
  return jwt ? { ...headers, authorization: `Bearer ${jwt}` } : headers;
}

export async function post(t: TestApp, url: string, payload: unknown, headers: Headers = t.clientHeaders) {
  return t.app.inject({ method: 'POST', url, payload: payload as object, headers });
}

/** cryptoWallet:start + personal_sign + :authenticate. Returns the authenticate response. */
export async function walletSignIn(
  t: TestApp,
  account: PrivateKeyAccount,
  opts: { jwt?: string; headers?: Headers } = {},
) {
  const headers = withJwt(opts.headers ?? t.clientHeaders, opts.jwt);
  const start = await post(
    t,
    '/v1/auth/cryptoWallet:start',
    { walletAddress: account.address, walletType: 'EVM' },
    headers,
  );
  if (start.statusCode !== 200) throw new Error(`start failed: ${start.body}`);
  const signature = await account.signMessage({ message: start.json().challenge });
  return post(
    t,
    '/v1/auth/cryptoWallet:authenticate',
    { walletAddress: account.address, walletType: 'EVM', signature },
    headers,
  );
}

/** The six-digit code in the newest sandbox inbox message to `to` (whichever client sent it). */
export async function latestCode(t: TestApp, to: string): Promise<string> {
  const message = await t.db.db
    .selectFrom('sandbox_messages')
    .select('text_body')
    .where('recipient', '=', to.toLowerCase())
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  const code = message ? /\b(\d{6})\b/.exec(message.text_body)?.[1] : undefined;
  if (!code) throw new Error(`no code in the sandbox inbox for ${to}`);
  return code;
}

/** sms:send + the real code from the sandbox inbox + sms:authenticate. */
export async function smsSignIn(t: TestApp, phone: string, opts: { jwt?: string; headers?: Headers } = {}) {
  const headers = withJwt(opts.headers ?? t.clientHeaders, opts.jwt);
  const sent = await post(t, '/v1/auth/otp/sms:send', { phoneNumber: phone }, headers);
  if (sent.statusCode !== 200) throw new Error(`sms:send failed: ${sent.body}`);
  const otp = await latestCode(t, phone);
  return post(t, '/v1/auth/otp/sms:authenticate', { phoneId: sent.json().phoneId, otp }, headers);
}

export async function emailSignIn(t: TestApp, email: string, opts: { jwt?: string; headers?: Headers } = {}) {
  const headers = withJwt(opts.headers ?? t.clientHeaders, opts.jwt);
  const sent = await post(t, '/v1/auth/otp/email:send', { email }, headers);
  if (sent.statusCode !== 200) throw new Error(`email:send failed: ${sent.body}`);
  const otp = await latestCode(t, email);
  return post(t, '/v1/auth/otp/email:authenticate', { emailId: sent.json().emailId, otp }, headers);
}

export interface TestUser {
  id: string;
  phone: string;
  email: string;
  account: PrivateKeyAccount;
}

/**
 * A user row (as the Users module will create it), active on `clientId`, with `account` as its
 * signing wallet. Inserted with SQL so auth tests do not depend on POST /v1/users.
 */
export async function insertUser(
  t: TestApp,
  opts: { clientId?: string; phone?: string; email?: string; account?: PrivateKeyAccount } = {},
): Promise<TestUser> {
  const user = {
    id: randomUUID(),
    phone: opts.phone ?? testPhone(),
    email: opts.email ?? testEmail(),
    account: opts.account ?? newAccount(),
  };
  const clientId = opts.clientId ?? t.client.id;
  await t.db.db
    .insertInto('users')
    .values({
      id: user.id,
      client_id: clientId,
      first_name: 'Test',
      last_name: 'User',
      email: user.email,
      email_normalized: user.email.toLowerCase(),
      phone: user.phone,
      country: 'US',
    })
    .execute();
  await t.db.db.insertInto('user_clients').values({ user_id: user.id, client_id: clientId }).execute();
  await t.db.db
    .insertInto('signing_wallets')
    .values({
      id: randomUUID(),
      user_id: user.id,
      wallet_type: 'EVM',
      address: user.account.address,
      added_by_client_id: clientId,
    })
    .execute();
  return user;
}

/** A session JWT with WALLET + SMS proven for `user`: what writes need. */
export async function twoFactorJwt(t: TestApp, user: TestUser, headers: Headers = t.clientHeaders): Promise<string> {
  const wallet = await walletSignIn(t, user.account, { headers });
  if (wallet.statusCode !== 200) throw new Error(`wallet sign-in failed: ${wallet.body}`);
  const sms = await smsSignIn(t, user.phone, { jwt: wallet.json().sessionJwt, headers });
  if (sms.statusCode !== 200) throw new Error(`SMS sign-in failed: ${sms.body}`);
  return sms.json().sessionJwt as string;
}
