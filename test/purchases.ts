// Purchase helpers for tests and benches: a user ready to buy, made the way a partner makes one
// (wallet + SMS sign-in, POST /v1/users, KYC, a bank through the built-in Plaid sandbox), and waits
// on activity items.
import { randomInt } from 'node:crypto';
import { post, smsSignIn, walletSignIn, withJwt, type Headers } from './auth.ts';
import { linkBank, setKycStatus } from './banks.ts';
import type { TestApp } from './helpers.ts';
import { createApiUser, type ApiUser } from './users.ts';

export interface BuyerUser extends ApiUser {
  bankId: string;
  walletId: string;
  walletAddress: `0x${string}`;
}

/** A sandbox SSN the KYC sandbox approves (first digit 2–9), unique enough per call. */
/** A valid SSN the sandbox approves (area 5xx); the group and serial are never all zeros. */
export function approvedSsn(): string {
  const digits = (from: number, below: number, width: number) => String(randomInt(from, below)).padStart(width, '0');
  return `5${digits(0, 100, 2)}${digits(1, 100, 2)}${digits(1, 10_000, 4)}`;
}

export async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A user who can buy. `kyc: 'api'` submits KYC through POST /kyc and waits for the sandbox decision
 * (workers must run); `kyc: 'direct'` records the approval as the KYC module would (faster).
 */
export async function readyBuyer(t: TestApp, base: string, opts: { kyc?: 'api' | 'direct' } = {}): Promise<BuyerUser> {
  const user = await createApiUser(t);
  if (opts.kyc === 'api') {
    const kyc = await post(
      t,
      `/v1/users/${user.id}/kyc`,
      {
        dateOfBirth: '1990-04-21',
        idType: 'SSN',
        idNumber: approvedSsn(),
        line1: '1 Main St',
        city: 'Springfield',
        state: 'IL',
        postalCode: '62701',
      },
      user.headers,
    );
    if (kyc.statusCode !== 200) throw new Error(`KYC failed: ${kyc.body}`);
    await until('KYC APPROVED', async () => {
      const res = await t.app.inject({ method: 'GET', url: `/v1/users/${user.id}`, headers: user.headers });
      return res.json().kyc?.status === 'APPROVED' ? true : undefined;
    });
  } else {
    await setKycStatus(t, user.id, 'APPROVED');
  }
  const linked = await linkBank(t, base, user);
  if (linked.statusCode !== 200) throw new Error(`activateLink failed: ${linked.body}`);
  const bankId = linked.json().bankAccount.id as string;
  await until('bank APPROVED', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/v1/users/${user.id}/banks/${bankId}`,
      headers: user.headers,
    });
    return res.json().verificationStatus === 'APPROVED' ? true : undefined;
  });
  const wallets = await t.app.inject({ method: 'GET', url: `/v1/users/${user.id}/wallets`, headers: user.headers });
  const wallet = wallets.json().items[0];
  return { ...user, bankId, walletId: wallet.id, walletAddress: wallet.address };
}

export function buy(t: TestApp, user: BuyerUser, body: Record<string, unknown>, headers: Headers = user.headers) {
  return post(t, `/v1/users/${user.id}/banks/${user.bankId}/ach`, { walletId: user.walletId, ...body }, headers);
}

/** A fresh WALLET + SMS session for the user (after the sandbox clock moved past the old one). */
export async function signInAgain(t: TestApp, user: ApiUser): Promise<Headers> {
  const wallet = await walletSignIn(t, user.account);
  if (wallet.statusCode !== 200) throw new Error(`wallet sign-in failed: ${wallet.body}`);
  const sms = await smsSignIn(t, user.phone, { jwt: wallet.json().sessionJwt });
  if (sms.statusCode !== 200) throw new Error(`SMS sign-in failed: ${sms.body}`);
  user.jwt = sms.json().sessionJwt;
  user.headers = withJwt(t.clientHeaders, user.jwt);
  return user.headers;
}

export interface ActivityView {
  id: string;
  fiat: { status: string; amount: string; fundingMethod: string; bankAccount?: { id?: string } };
  crypto: { status: string; amount: string; currency: string; transactionHash?: string; price: string; fee: string };
  metadata: Record<string, unknown>;
}

/** Polls GET …/activity/{id} until `pred` holds. */
export async function waitForActivity(
  t: TestApp,
  user: ApiUser,
  id: string,
  pred: (a: ActivityView) => boolean,
  timeoutMs = 120_000,
): Promise<ActivityView> {
  let last: unknown;
  try {
    return await until(
      `activity ${id}`,
      async () => {
        const res = await t.app.inject({
          method: 'GET',
          url: `/v1/users/${user.id}/activity/${id}`,
          headers: user.headers,
        });
        last = res.json();
        if (res.statusCode === 401) await signInAgain(t, user);
        return res.statusCode === 200 && pred(res.json()) ? (res.json() as ActivityView) : undefined;
      },
      timeoutMs,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; last seen ${JSON.stringify(last)}`);
  }
}
