// Onboarding helpers for tests of any module: a user created through the API exactly as a partner
// does it (wallet signature + SMS code + POST /v1/users), and reading the sandbox inbox.
import type { PrivateKeyAccount } from 'viem/accounts';
import type { Headers } from './auth.ts';
import { newAccount, post, smsSignIn, testEmail, testPhone, walletSignIn, withJwt } from './auth.ts';
import type { TestApp } from './helpers.ts';

export interface ApiUser {
  id: string;
  phone: string;
  email: string;
  account: PrivateKeyAccount;
  /** A WALLET + SMS session JWT of the user (lives 5 minutes of test-clock time). */
  jwt: string;
  /** t.clientHeaders with the JWT. */
  headers: Headers;
  body: Record<string, unknown>;
}

/** A session with WALLET + SMS proven and no user yet: what POST /v1/users needs. */
export async function newUserSession(
  t: TestApp,
  opts: { account?: PrivateKeyAccount; phone?: string; headers?: Headers } = {},
) {
  const account = opts.account ?? newAccount();
  const phone = opts.phone ?? testPhone();
  const headers = opts.headers ?? t.clientHeaders;
  const wallet = await walletSignIn(t, account, { headers });
  if (wallet.statusCode !== 200) throw new Error(`wallet sign-in failed: ${wallet.body}`);
  const sms = await smsSignIn(t, phone, { jwt: wallet.json().sessionJwt, headers });
  if (sms.statusCode !== 200) throw new Error(`SMS sign-in failed: ${sms.body}`);
  return { account, phone, jwt: sms.json().sessionJwt as string };
}

export function userBody(phone: string, overrides: Record<string, unknown> = {}) {
  return {
    firstName: 'Dylan',
    lastName: 'Smith',
    email: testEmail(),
    country: 'US',
    phone,
    acceptedTerms: true,
    ...overrides,
  };
}

/** Creates a user through the API; throws unless the API answers 201. */
export async function createApiUser(
  t: TestApp,
  opts: { account?: PrivateKeyAccount; phone?: string; headers?: Headers; body?: Record<string, unknown> } = {},
): Promise<ApiUser> {
  const headers = opts.headers ?? t.clientHeaders;
  const session = await newUserSession(t, { ...opts, headers });
  const body = userBody(session.phone, opts.body);
  const res = await post(t, '/v1/users', body, withJwt(headers, session.jwt));
  if (res.statusCode !== 201) throw new Error(`POST /v1/users failed: ${res.body}`);
  return {
    id: res.json().id,
    phone: session.phone,
    email: String(body.email),
    account: session.account,
    jwt: session.jwt,
    headers: withJwt(headers, session.jwt),
    body: res.json(),
  };
}

/** Polls the sandbox inbox table until a message to `to` matching `subject` arrives (jobs run in the background). */
export async function waitForEmail(
  t: TestApp,
  to: string,
  subject: RegExp,
  timeoutMs = 120_000,
): Promise<{ subject: string | null; text_body: string; html_body: string | null }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await t.db.db
      .selectFrom('sandbox_messages')
      .selectAll()
      .where('recipient', '=', to.toLowerCase())
      .orderBy('created_at', 'desc')
      .execute();
    const hit = rows.find((r) => r.subject !== null && subject.test(r.subject));
    if (hit) return hit as never;
    if (Date.now() > deadline) throw new Error(`no email "${subject}" to ${to} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
