// ACH limits: "used" comes from the ledger over rolling windows; a purchase that does not fit is
// refused with the documented code; the endpoint answers 422 until the user can buy.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { post } from '../../../test/auth.ts';
import { startTestApp, type TestApp } from '../../../test/helpers.ts';
import { createApiUser, type ApiUser } from '../../../test/users.ts';
import { loadConfig } from '../../config.ts';
import { AppError } from '../../errors/app-error.ts';
import { usdCents } from '../../lib/money.ts';
import { journalInitiated, voidInitiated } from './journals.ts';
import { achUsage, assertFits, limitsView } from './limits.ts';
import type { AchType } from './tables.ts';

let t: TestApp;
let user: ApiUser;

before(async () => {
  t = await startTestApp();
  user = await createApiUser(t);
});
after(async () => t?.close());

const HOUR = 3600_000;
const limits = loadConfig({ ONRAMP_STATE_DIR: '/tmp/unused' }).product.limits;

async function purchaseAt(userId: string, type: AchType, cents: bigint, at: Date): Promise<string> {
  const id = randomUUID();
  await t.db.db.transaction().execute((trx) => journalInitiated(trx, { id, userId, type, amountCents: cents }, at));
  return id;
}

function codeOf(fn: () => void): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    assert.ok(e instanceof AppError, String(e));
    return e.code;
  }
}

describe('limits from the ledger', () => {
  test('defaults: $3,000 instant and $5,000 per rolling 24 hours, weekly from config, 4 purchases a day', () => {
    assert.equal(limits.instantDailyCents, 300_000n);
    assert.equal(limits.dailyCents, 500_000n);
    assert.equal(limits.transactionsPerDay, 4);
    assert.equal(limits.weeklyCents, 1_500_000n);
  });

  test('used sums purchases in the rolling windows; voided purchases do not count', async () => {
    const userId = randomUUID();
    await t.db.db
      .insertInto('users')
      .values({
        id: userId,
        client_id: t.client.id,
        first_name: 'A',
        last_name: 'B',
        email: `${userId}@example.com`,
        email_normalized: `${userId}@example.com`,
        phone: `+1${Date.now() % 1e10}`,
        country: 'US',
      })
      .execute();
    const now = new Date('2026-11-10T12:00:00Z');
    await purchaseAt(userId, 'INSTANT', 100_00n, new Date(now.getTime() - 1 * HOUR));
    await purchaseAt(userId, 'STANDARD', 250_00n, new Date(now.getTime() - 23 * HOUR));
    await purchaseAt(userId, 'INSTANT', 400_00n, new Date(now.getTime() - 25 * HOUR)); // outside the day, inside the week
    await purchaseAt(userId, 'STANDARD', 1000_00n, new Date(now.getTime() - 8 * 24 * HOUR)); // outside both
    const rejected = await purchaseAt(userId, 'INSTANT', 123_45n, new Date(now.getTime() - 2 * HOUR));
    await t.db.db.transaction().execute((trx) => voidInitiated(trx, rejected, now));

    const usage = await achUsage(t.db.db, userId, now);
    assert.deepEqual(usage, { instantDayCents: 100_00n, dayCents: 350_00n, weekCents: 750_00n, dayCount: 2 });
    assert.deepEqual(limitsView(limits, usage), {
      instant: { currency: 'USD', limit: '3000.00', used: '100.00', remaining: '2900.00' },
      daily: { currency: 'USD', limit: '5000.00', used: '350.00', remaining: '4650.00' },
      weekly: { currency: 'USD', limit: '15000.00', used: '750.00', remaining: '14250.00' },
    });
    // A day later the first two have left the daily window.
    const later = await achUsage(t.db.db, userId, new Date(now.getTime() + 24 * HOUR));
    assert.deepEqual(later, { instantDayCents: 0n, dayCents: 0n, weekCents: 750_00n, dayCount: 0 });
  });

  test('a purchase must fit every limit that applies to it, and the daily count', () => {
    const usage = {
      instantDayCents: usdCents(2900_00n),
      dayCents: usdCents(4900_00n),
      weekCents: usdCents(4900_00n),
      dayCount: 3,
    };
    assert.equal(
      codeOf(() => assertFits(limits, usage, 'INSTANT', usdCents(100_00n))),
      undefined,
    );
    assert.equal(
      codeOf(() => assertFits(limits, usage, 'INSTANT', usdCents(100_01n))),
      'EXCEEDS_LIMIT_ACH',
    );
    assert.equal(
      codeOf(() => assertFits(limits, usage, 'STANDARD', usdCents(100_00n))),
      undefined,
    );
    assert.equal(
      codeOf(() => assertFits(limits, usage, 'STANDARD', usdCents(100_01n))),
      'EXCEEDS_LIMIT_ACH',
    );
    assert.equal(
      codeOf(() => assertFits(limits, { ...usage, weekCents: usdCents(14_990_00n) }, 'STANDARD', usdCents(20_00n))),
      'EXCEEDS_LIMIT_ACH',
    );
    assert.equal(
      codeOf(() => assertFits(limits, { ...usage, dayCount: 4 }, 'STANDARD', usdCents(1_00n))),
      'EXCEEDS_LIMIT_TRANSACTIONS',
    );
  });
});

describe('POST /v1/users/{userId}:calculateAchLimits', () => {
  const url = () => `/v1/users/${user.id}:calculateAchLimits`;

  test('422 USER_KYC_INCOMPLETE until KYC is approved', async () => {
    const res = await post(t, url(), undefined, user.headers);
    assert.equal(res.statusCode, 422, res.body);
    assert.equal(res.json().code, 'USER_KYC_INCOMPLETE');
  });

  test('422 BANK_VERIFICATION_INCOMPLETE until a bank account is linked and verified', async () => {
    // KYC decided by the sandbox rule would need POST /kyc; the row it writes is what matters here.
    await t.db.db
      .insertInto('kyc_submissions')
      .values({
        user_id: user.id,
        status: 'APPROVED',
        address_result: 'APPROVED',
        dob_result: 'APPROVED',
        fraud_result: 'APPROVED',
        idv_result: 'APPROVED',
        date_of_birth: '1990-01-01',
        id_type: 'SSN',
        ssn_ciphertext: 'x',
        ssn_key_id: 'k',
        ssn_last4: '6789',
        ssn_index: randomUUID(),
        line1: '1 Main St',
        line2: null,
        city: 'Austin',
        state: 'TX',
        postal_code: '78701',
        provider: 'sandbox',
        provider_reference: null,
        decided_by: null,
        decision_reason: null,
        submitted_at: new Date(),
        decided_at: new Date(),
      })
      .execute();
    const res = await post(t, url(), undefined, user.headers);
    assert.equal(res.statusCode, 422, res.body);
    assert.equal(res.json().code, 'BANK_VERIFICATION_INCOMPLETE');
  });

  test("another user's limits are not visible; a bad user id is INVALID_USER_ID", async () => {
    const res = await post(t, `/v1/users/${randomUUID()}:calculateAchLimits`, undefined, user.headers);
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().code, 'NOT_FOUND_USER');
    const bad = await post(t, '/v1/users/nope:calculateAchLimits', undefined, user.headers);
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().code, 'INVALID_USER_ID');
  });
});
