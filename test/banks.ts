// Bank helpers for tests of any module: a user's KYC decided as the KYC module records it (with its
// KYC_UPDATED event), and a bank linked through the API with the built-in Plaid sandbox, as a
// partner's script does it (requestLink → /sandbox/public_token/create → activateLink).
import { randomInt } from 'node:crypto';
import { post } from './auth.ts';
import { toKyc } from '../src/modules/kyc/view.ts';
import type { TestApp } from './helpers.ts';
import type { ApiUser } from './users.ts';

export type KycDecision = 'APPROVED' | 'DECLINED' | 'IN_REVIEW' | 'SUBMITTED';

/**
 * Records a KYC submission in `status` for the user and publishes KYC_UPDATED in the same
 * transaction (what the KYC module does on a decision).
 */
export async function setKycStatus(t: TestApp, userId: string, status: KycDecision): Promise<void> {
  const now = t.ctx.clock.now();
  const ssn = `${status === 'APPROVED' ? 5 : status === 'DECLINED' ? 0 : 1}${String(randomInt(0, 1e8)).padStart(8, '0')}`;
  const secret = t.ctx.secrets.keyring.encrypt(ssn, `kyc:${userId}:ssn`);
  const result = status === 'SUBMITTED' ? 'SUBMITTED' : status;
  await t.db.db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('kyc_submissions')
      .values({
        user_id: userId,
        status,
        address_result: result,
        dob_result: result,
        fraud_result: result,
        idv_result: result,
        date_of_birth: '1990-01-01',
        id_type: 'SSN',
        ssn_ciphertext: secret.ciphertext,
        ssn_key_id: secret.keyId,
        ssn_last4: ssn.slice(-4),
        ssn_index: t.ctx.secrets.keyring.blindIndex(ssn, 'ssn'),
        line1: '1 Main St',
        line2: null,
        city: 'Springfield',
        state: 'IL',
        postal_code: '62701',
        provider: 'test',
        provider_reference: null,
        decided_by: null,
        decision_reason: null,
        submitted_at: now,
        decided_at: status === 'APPROVED' || status === 'DECLINED' ? now : null,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc.column('user_id').doUpdateSet({
          status,
          address_result: result,
          dob_result: result,
          fraud_result: result,
          idv_result: result,
          updated_at: now,
        }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    // The Kyc as the API shows it now, as the KYC module publishes it.
    await t.ctx.events.publish(trx, { userId, type: 'KYC_UPDATED', data: toKyc(row) });
  });
}

/** POSTs JSON to the built-in Plaid sandbox (no Plaid keys: /sandbox/public_token/create accepts that). */
export async function sandboxPlaid(
  base: string,
  path: string,
  body: Record<string, unknown>,
  keys?: { clientId: string; secret: string },
) {
  const res = await fetch(`${base}/sandbox/plaid${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(keys ? { 'plaid-client-id': keys.clientId, 'plaid-secret': keys.secret } : {}),
    },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export interface LinkOptions {
  institutionId?: string;
  username?: string;
  password?: string;
}

/** A public token for the user's latest link token (the sandbox names custom_ratio_good's owner after it). */
export async function sandboxPublicToken(base: string, userId: string, opts: LinkOptions = {}): Promise<string> {
  const res = await sandboxPlaid(base, '/sandbox/public_token/create', {
    institution_id: opts.institutionId ?? 'ins_109511',
    initial_products: ['auth', 'identity'],
    options: {
      override_username: opts.username ?? 'custom_ratio_good',
      override_password: opts.password ?? 'pass_good',
    },
    user_id: userId,
  });
  if (res.status !== 200) throw new Error(`sandbox public_token/create failed: ${JSON.stringify(res.body)}`);
  return res.body.public_token as string;
}

/** requestLink → sandbox public token → activateLink; returns the activateLink response. */
export async function linkBank(t: TestApp, base: string, user: ApiUser, opts: LinkOptions = {}) {
  const requested = await post(t, `/v1/users/${user.id}/banks:requestLink`, {}, user.headers);
  if (requested.statusCode !== 200) throw new Error(`requestLink failed: ${requested.body}`);
  const publicToken = await sandboxPublicToken(base, user.id, opts);
  return post(t, `/v1/users/${user.id}/banks:activateLink`, { publicToken }, user.headers);
}
