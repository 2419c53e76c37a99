// KYC on Plaid Identity Verification end to end, as a partner sees it: POST /kyc creates a verification
// through the official client (against the built-in sandbox), Plaid's IDENTITY_VERIFICATION webhooks
// arrive at /webhooks/plaid and move the KYC; POST /idv hands out the documentary link of a review,
// the hosted page passes or fails the document, and KYC follows through the same webhook path. Also:
// duplicate and forged webhooks, a lost webhook recovered by the fallback poll, and restarts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateKeyPair, SignJWT } from 'jose';
import { post, walletSignIn, withJwt } from '../../../test/auth.ts';
import { baseUrl, startTestApp, type TestApp } from '../../../test/helpers.ts';
import {
  kycBody,
  kycEventStatuses,
  queueIdle,
  requestIdv,
  sandboxSsn,
  submitSandboxDocument,
  until,
  waitForKycStatus,
} from '../../../test/kyc.ts';
import { createApiUser, waitForEmail, type ApiUser } from '../../../test/users.ts';
import { sha256 } from '../../lib/crypto.ts';
import { runCommand } from '../../operator/run.ts';
import { signWebhook } from '../../sandbox/plaid/sandbox.ts';
import { activeFlags } from '../flags/index.ts';
import { KYC_SYNC_QUEUE } from './check-kyc.ts';
import { latestVerification, userVerifications } from './verifications.ts';

const submit = (t: TestApp, user: ApiUser, ssn: string) =>
  post(t, `/v1/users/${user.id}/kyc`, kycBody(ssn), user.headers);
const flagCodes = async (t: TestApp, userId: string) => (await activeFlags(t.db.db, userId)).map((f) => f.code);
const auditActions = async (t: TestApp, userId: string) =>
  (
    await t.db.db
      .selectFrom('audit_log')
      .select('action')
      .where('user_id', '=', userId)
      .where('subject_type', '=', 'KYC')
      .orderBy('at')
      .execute()
  ).map((r) => r.action);

describe('KYC through Plaid Identity Verification', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ listen: true, workers: true });
  });
  after(() => t.close());

  /** A user whose KYC went IN_REVIEW (SSN starting with 1) with its documentary link from POST /idv. */
  const inReview = async () => {
    const user = await createApiUser(t);
    assert.equal((await submit(t, user, sandboxSsn('1'))).statusCode, 200);
    const review = await waitForKycStatus(t, user, 'IN_REVIEW');
    assert.deepEqual(
      review.flags.map((f) => f.code),
      ['F2001'],
    );
    const idv = await requestIdv(t, user);
    assert.equal(idv.statusCode, 200, idv.body);
    return { user, idv: idv.json() as { status: string; url: string } };
  };

  it('approved: the verification the kyc-check job created passes its data checks; the webhook moves KYC to APPROVED', async () => {
    const user = await createApiUser(t);
    assert.equal((await submit(t, user, sandboxSsn('2'))).statusCode, 200);
    const approved = await waitForKycStatus(t, user, 'APPROVED');
    assert.deepEqual(
      { ...approved.kyc, createTime: undefined, updateTime: undefined, idNumberLast4: undefined },
      {
        status: 'APPROVED',
        addressResult: 'APPROVED',
        dobResult: 'APPROVED',
        fraudResult: 'APPROVED',
        idvResult: 'APPROVED',
        createTime: undefined,
        updateTime: undefined,
        idNumberLast4: undefined,
      },
    );
    const verification = (await latestVerification(t.db.db, user.id))!;
    assert.match(verification.id, /^idv_/);
    assert.equal(verification.status, 'success');
    const row = await t.db.db
      .selectFrom('kyc_submissions')
      .selectAll()
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.provider, 'plaid');
    assert.equal(row.provider_reference, verification.id);
    assert.equal(row.decided_by, 'SYSTEM:kyc:plaid');
    const idv = await requestIdv(t, user);
    assert.deepEqual(idv.json(), { status: 'APPROVED' }, 'no review: nothing to do, no link');
  });

  it('in review → documents passed on the hosted page → APPROVED, review flags cleared, approval email', async () => {
    const { user, idv } = await inReview();
    assert.equal(idv.status, 'IN_REVIEW');
    assert.match(idv.url, new RegExp(`^${baseUrl(t)}/sandbox/idv/idv_[A-Za-z0-9]+\\?key=`));
    const writes = await post(
      t,
      `/v1/users/${user.id}/wallets`,
      { address: '0x000000000000000000000000000000000000dEaD', type: 'EVM' },
      user.headers,
    );
    assert.equal(writes.json().code, 'USER_UNDER_REVIEW', 'other writes stay blocked by F2001');
    assert.deepEqual((await requestIdv(t, user)).json(), idv, 'asking again gives the same link');

    assert.equal((await submitSandboxDocument(idv.url, 'pass')).status, 200);
    const approved = await waitForKycStatus(t, user, 'APPROVED');
    assert.equal(approved.kyc.idvResult, 'APPROVED');
    assert.deepEqual(approved.flags, []);
    assert.deepEqual(await kycEventStatuses(t.db.db, user.id), ['SUBMITTED', 'IN_REVIEW', 'APPROVED']);
    await waitForEmail(t, user.email, /approved/);
    assert.deepEqual((await requestIdv(t, user)).json(), { status: 'APPROVED' });
  });

  it('in review → documents failed → DECLINED with the review flags cleared', async () => {
    const { user, idv } = await inReview();
    assert.equal((await submitSandboxDocument(idv.url, 'fail')).status, 200);
    const declined = await waitForKycStatus(t, user, 'DECLINED');
    assert.equal(declined.kyc.idvResult, 'DECLINED');
    assert.equal(declined.kyc.fraudResult, 'APPROVED', 'the risk check had passed');
    assert.deepEqual(await flagCodes(t, user.id), []);
    assert.deepEqual(await kycEventStatuses(t.db.db, user.id), ['SUBMITTED', 'IN_REVIEW', 'DECLINED']);
    await waitForEmail(t, user.email, /could not approve/);
    assert.deepEqual((await requestIdv(t, user)).json(), { status: 'DECLINED' });
  });

  it('declined (SSN starting with 0): the verification fails its data checks, no documents asked', async () => {
    const user = await createApiUser(t);
    await submit(t, user, sandboxSsn('0'));
    const declined = await waitForKycStatus(t, user, 'DECLINED');
    assert.equal(declined.kyc.addressResult, 'DECLINED');
    assert.equal((await latestVerification(t.db.db, user.id))!.status, 'failed');
  });

  it('POST /idv: 422 before KYC, two factors and the own session required', async () => {
    const user = await createApiUser(t);
    const early = await requestIdv(t, user);
    assert.equal(early.statusCode, 422);
    assert.equal(early.json().code, 'USER_KYC_INCOMPLETE');
    assert.match(early.json().message, /POST \/v1\/users\/\{userId\}\/kyc/);
    const oneFactor = (await walletSignIn(t, user.account)).json().sessionJwt as string;
    const mfa = await post(t, `/v1/users/${user.id}/idv`, {}, withJwt(t.clientHeaders, oneFactor));
    assert.equal(mfa.json().code, 'MFA_REQUIRED');
    const other = await createApiUser(t);
    assert.equal((await post(t, `/v1/users/${user.id}/idv`, {}, other.headers)).statusCode, 404);
    const noBody = await t.app.inject({ method: 'POST', url: `/v1/users/${user.id}/idv`, headers: user.headers });
    assert.equal(noBody.json().code, 'USER_KYC_INCOMPLETE', 'no body is fine');
    const fields = await post(t, `/v1/users/${user.id}/idv`, { url: 'x' }, user.headers);
    assert.equal(fields.statusCode, 400);
  });

  it('a review flag the operator sets on an approved user asks for documents: /idv retries for documents; passing clears it', async () => {
    const user = await createApiUser(t);
    await submit(t, user, sandboxSsn('5'));
    await waitForKycStatus(t, user, 'APPROVED');
    const set = await runCommand(t.ctx, ['flags', 'set', user.id, 'F2000', '--reason', 'proof of address needed']);
    assert.equal(set.exitCode, 0, set.error);
    const idv = await requestIdv(t, user);
    assert.equal(idv.statusCode, 200, idv.body);
    assert.equal(idv.json().status, 'IN_REVIEW');
    const [retried, first] = await userVerifications(t.db.db, user.id);
    assert.equal(retried!.previous_id, first!.id, 'a new attempt chained to the approved one');
    assert.equal(retried!.documentary_status, 'active');

    assert.equal((await submitSandboxDocument(idv.json().url, 'pass')).status, 200);
    await until('F2000 cleared', async () => ((await flagCodes(t, user.id)).length === 0 ? true : undefined));
    assert.deepEqual(await kycEventStatuses(t.db.db, user.id), ['SUBMITTED', 'APPROVED'], 'KYC itself did not change');
    assert.ok((await auditActions(t, user.id)).includes('kyc.documents_verified'));
  });

  it('retries are bounded: after ONRAMP_KYC_MAX_ATTEMPTS (3) attempts /idv answers 422 IDV_ATTEMPTS_EXHAUSTED', async () => {
    const user = await createApiUser(t);
    await submit(t, user, sandboxSsn('6'));
    await waitForKycStatus(t, user, 'APPROVED');
    await runCommand(t.ctx, ['flags', 'set', user.id, 'F2001', '--reason', 'confirm identity']);
    for (let attempt = 2; attempt <= 3; attempt++) {
      const idv = await requestIdv(t, user);
      assert.equal(idv.statusCode, 200, idv.body);
      assert.equal((await submitSandboxDocument(idv.json().url, 'fail')).status, 200);
      await until(`attempt ${attempt} failed`, async () =>
        (await latestVerification(t.db.db, user.id))?.status === 'failed' ? true : undefined,
      );
      assert.equal((await userVerifications(t.db.db, user.id)).length, attempt);
    }
    const exhausted = await requestIdv(t, user);
    assert.equal(exhausted.statusCode, 422);
    assert.equal(exhausted.json().code, 'IDV_ATTEMPTS_EXHAUSTED');
    assert.deepEqual(await flagCodes(t, user.id), ['F2001'], 'failed documents leave the flag to the operator');
    assert.ok((await auditActions(t, user.id)).includes('kyc.documents_not_verified'));
  });

  it('a duplicate or replayed webhook changes nothing; a forged one is refused; an unknown verification is ignored', async () => {
    const user = await createApiUser(t);
    await submit(t, user, sandboxSsn('1'));
    await waitForKycStatus(t, user, 'IN_REVIEW');
    await queueIdle(t.db.db, KYC_SYNC_QUEUE);
    const id = (await latestVerification(t.db.db, user.id))!.id;
    const events = await kycEventStatuses(t.db.db, user.id);
    const audits = await auditActions(t, user.id);
    const deps = { db: t.db.db, keyring: t.ctx.secrets.keyring, clock: t.ctx.clock };
    const deliver = (body: string, jwt: string) =>
      fetch(`${baseUrl(t)}/webhooks/plaid`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'plaid-verification': jwt },
        body,
      });
    const payload = (code: string, verification = id) => ({
      webhook_type: 'IDENTITY_VERIFICATION',
      webhook_code: code,
      identity_verification_id: verification,
      environment: 'sandbox',
    });
    const genuine = await signWebhook(deps, payload('STEP_UPDATED'));
    for (let i = 0; i < 3; i++) assert.equal((await deliver(genuine.body, genuine.jwt)).status, 200);
    const status = await signWebhook(deps, payload('STATUS_UPDATED'));
    assert.equal((await deliver(status.body, status.jwt)).status, 200);
    const unknown = await signWebhook(deps, payload('STATUS_UPDATED', 'idv_notoursatall01'));
    assert.equal((await deliver(unknown.body, unknown.jwt)).status, 200);
    await queueIdle(t.db.db, KYC_SYNC_QUEUE);
    assert.deepEqual(await kycEventStatuses(t.db.db, user.id), events, 'no new KYC_UPDATED');
    assert.deepEqual(await auditActions(t, user.id), audits);
    assert.deepEqual(await flagCodes(t, user.id), ['F2001']);

    const kid = JSON.parse(Buffer.from(genuine.jwt.split('.')[0]!, 'base64url').toString()).kid as string;
    const { privateKey } = await generateKeyPair('ES256');
    const forgedBody = JSON.stringify(payload('STATUS_UPDATED'), null, 2);
    const forged = await new SignJWT({ request_body_sha256: sha256(forgedBody).toString('hex') })
      .setProtectedHeader({ alg: 'ES256', kid })
      .setIssuedAt(Math.floor(t.ctx.clock.now().getTime() / 1000))
      .sign(privateKey);
    const refused = await deliver(forgedBody, forged);
    assert.equal(refused.status, 401);
    assert.equal(((await refused.json()) as { code: string }).code, 'INVALID_SIGNATURE');
  });

  it('the manual provider has no documentary step: /idv is 501 NOT_IMPLEMENTED for its reviews', async () => {
    const manual = await startTestApp({ listen: true, workers: true, env: { ONRAMP_KYC_PROVIDER: 'manual' } });
    try {
      const user = await createApiUser(manual);
      await submit(manual, user, sandboxSsn('2'));
      await waitForKycStatus(manual, user, 'IN_REVIEW');
      const idv = await requestIdv(manual, user);
      assert.equal(idv.statusCode, 501);
      assert.match(idv.json().message, /ONRAMP_KYC_PROVIDER=plaid/);
    } finally {
      await manual.close();
    }
  });
});

describe('KYC when Plaid webhooks are lost', () => {
  let t: TestApp;
  before(async () => {
    // The "dashboard" points at a receiver that answers 200 and drops everything.
    t = await startTestApp({
      listen: true,
      workers: true,
      env: { ONRAMP_KYC_POLL_SECONDS: '1' },
      routes: (app) => app.post('/dropped', { config: { auth: 'public' }, schema: { hide: true } }, async () => ({})),
    });
    t.config.plaid.sandboxWebhookUrl = `${baseUrl(t)}/dropped`;
  });
  after(() => t.close());

  it('the bounded fallback poll reads the verification and decides the KYC: review, then documents passed', async () => {
    const user = await createApiUser(t);
    await submit(t, user, sandboxSsn('1'));
    await waitForKycStatus(t, user, 'IN_REVIEW');
    const idv = (await requestIdv(t, user)).json();
    assert.equal((await submitSandboxDocument(idv.url, 'pass')).status, 200);
    await waitForKycStatus(t, user, 'APPROVED');
    const verification = (await latestVerification(t.db.db, user.id))!;
    assert.ok(verification.polls >= 1, `decided by a poll (${verification.polls})`);
  });
});

describe('KYC across a restart', () => {
  const reopen = (first: TestApp) => startTestApp({ listen: true, workers: true, build: { dbHandle: first.db } });
  const stop = async (first: TestApp, second?: TestApp) => {
    await second?.close();
    await first.db.close();
  };

  it('a submission accepted by a process that stopped before its check ran is checked by the next one', async () => {
    const first = await startTestApp({ listen: true, workers: false });
    const user = await createApiUser(first);
    assert.equal((await submit(first, user, sandboxSsn('3'))).statusCode, 200);
    await first.app.close();
    const second = await reopen(first);
    try {
      await waitForKycStatus(second, user, 'APPROVED');
      assert.deepEqual(await kycEventStatuses(first.db.db, user.id), ['SUBMITTED', 'APPROVED']);
    } finally {
      await stop(first, second);
    }
  });

  it("Plaid decided while the receiver was down: the sandbox's queued webhook reaches the next process, which applies it once", async () => {
    // Port 9 (discard) refuses connections here: every delivery fails and stays queued.
    const first = await startTestApp({
      listen: true,
      workers: true,
      env: { ONRAMP_SANDBOX_PLAID_WEBHOOK_URL: 'http://127.0.0.1:9/plaid' },
    });
    const user = await createApiUser(first);
    await submit(first, user, sandboxSsn('4'));
    await until('the sandbox decided', async () => {
      const v = await first.db.db
        .selectFrom('sandbox_plaid_identity_verifications')
        .select('status')
        .where('client_user_id', '=', user.id)
        .executeTakeFirst();
      return v?.status === 'success' ? true : undefined;
    });
    const kyc = await first.db.db
      .selectFrom('kyc_submissions')
      .select('status')
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    assert.equal(kyc.status, 'SUBMITTED', 'no webhook arrived');
    await first.app.close();
    const second = await reopen(first);
    try {
      await waitForKycStatus(second, user, 'APPROVED');
      await queueIdle(first.db.db, KYC_SYNC_QUEUE);
      assert.deepEqual(await kycEventStatuses(first.db.db, user.id), ['SUBMITTED', 'APPROVED']);
    } finally {
      await stop(first, second);
    }
  });
});
