// The built-in Plaid sandbox's Identity Verification through the official `plaid` client, as any Plaid
// integration calls it: create / get / list / retry with Plaid's shapes and errors, the documented
// onramp SSN rule decided asynchronously, the hosted page's documentary step, and IDENTITY_VERIFICATION
// webhooks signed like item webhooks, received here by a partner-style receiver and verified with
// /webhook_verification_key/get.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { Configuration, PlaidApi, Strategy, type IdentityVerificationCreateRequest } from 'plaid';
import { baseUrl, startTestApp, type TestApp } from '../../../test/helpers.ts';
import { sandboxSsn, submitSandboxDocument, until } from '../../../test/kyc.ts';
import { verifyPlaidWebhook } from '../../modules/banks/plaid-webhooks.ts';
import { plaidErrorOf } from '../../providers/plaid/index.ts';
import { SANDBOX_IDV_TEMPLATE_ID } from './idv-template.ts';

interface Received {
  body: Record<string, unknown>;
  raw: string;
  jwt: string;
}

describe('Identity Verification in the built-in Plaid sandbox', () => {
  let t: TestApp;
  let plaid: PlaidApi;
  const received: Received[] = [];
  const receiver = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      received.push({ body: JSON.parse(raw), raw, jwt: String(req.headers['plaid-verification']) });
      res.writeHead(200).end('{}');
    });
  });

  before(async () => {
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const port = (receiver.address() as { port: number }).port;
    t = await startTestApp({
      listen: true,
      workers: true,
      env: { ONRAMP_SANDBOX_PLAID_WEBHOOK_URL: `http://127.0.0.1:${port}/plaid` },
    });
    const keys = t.ctx.plaid.sandboxCredentials!;
    plaid = new PlaidApi(
      new Configuration({
        basePath: `${baseUrl(t)}/sandbox/plaid`,
        baseOptions: { headers: { 'PLAID-CLIENT-ID': keys.clientId, 'PLAID-SECRET': keys.secret } },
      }),
    );
  });
  after(async () => {
    await t?.close();
    await new Promise((r) => receiver.close(r));
  });

  let n = 0;
  const request = (ssn: string | null, more: Partial<IdentityVerificationCreateRequest> = {}) =>
    ({
      client_user_id: `user-${process.pid}-${n++}`,
      template_id: SANDBOX_IDV_TEMPLATE_ID,
      is_shareable: true,
      gave_consent: true,
      is_idempotent: true,
      user: {
        email_address: 'leslie@example.com',
        phone_number: '+12345678909',
        date_of_birth: '1975-01-18',
        name: { given_name: 'Leslie', family_name: 'Knope' },
        address: { street: '123 Main St.', city: 'Pawnee', region: 'IN', postal_code: '46001', country: 'US' },
        ...(ssn ? { id_number: { value: ssn, type: 'us_ssn' } } : {}),
      },
      ...more,
    }) as IdentityVerificationCreateRequest;

  const webhooksFor = (id: string) => received.filter((r) => r.body.identity_verification_id === id);
  const codesFor = (id: string) => webhooksFor(id).map((r) => r.body.webhook_code);
  const settled = async (id: string, status: string) =>
    until(`${id} ${status}`, async () => {
      const v = (await plaid.identityVerificationGet({ identity_verification_id: id })).data;
      return v.status === status ? v : undefined;
    });
  const plaidError = async (call: Promise<unknown>) => {
    try {
      await call;
    } catch (error) {
      const body = plaidErrorOf(error);
      if (body) return body;
      throw error;
    }
    throw new Error('expected a Plaid error');
  };

  it('SSN 2–9: the data checks pass asynchronously → success, with STEP_UPDATED and STATUS_UPDATED signed like item webhooks', async () => {
    const created = (await plaid.identityVerificationCreate(request(sandboxSsn('7')))).data;
    assert.match(created.id, /^idv_[A-Za-z0-9]{14}$/);
    assert.equal(created.status, 'active');
    assert.equal(created.steps.accept_tos, 'skipped', 'gave_consent skips the terms');
    assert.equal(created.steps.kyc_check, 'active');
    assert.equal(created.kyc_check, null);
    assert.match(created.request_id, /^[A-Za-z0-9]{15}$/);
    assert.deepEqual(created.template, { id: SANDBOX_IDV_TEMPLATE_ID, version: 1 });
    assert.match(created.shareable_url!, new RegExp(`^${baseUrl(t)}/sandbox/idv/${created.id}\\?key=`));

    const done = await settled(created.id, 'success');
    assert.equal(done.steps.kyc_check, 'success');
    assert.equal(done.steps.risk_check, 'success');
    assert.equal(done.steps.documentary_verification, 'not_applicable');
    assert.equal(done.kyc_check?.address.summary, 'match');
    assert.equal(done.kyc_check?.id_number.summary, 'match');
    assert.equal(done.risk_check?.status, 'success');
    assert.ok(done.completed_at);
    assert.equal(done.user.name?.family_name, 'Knope');

    await until('webhooks', async () => (webhooksFor(created.id).length >= 2 ? true : undefined));
    assert.deepEqual(codesFor(created.id), ['STEP_UPDATED', 'STATUS_UPDATED']);
    for (const hook of webhooksFor(created.id)) {
      assert.equal(hook.body.webhook_type, 'IDENTITY_VERIFICATION');
      assert.equal(hook.body.environment, 'sandbox');
      await verifyPlaidWebhook(t.ctx, hook.raw, hook.jwt); // throws when the signature is wrong
    }
  });

  it('SSN 0: nothing matches → failed; SSN 1: inconclusive → documentary verification on the hosted page', async () => {
    const declined = (await plaid.identityVerificationCreate(request(sandboxSsn('0')))).data;
    const failed = await settled(declined.id, 'failed');
    assert.equal(failed.kyc_check?.name.summary, 'no_match');
    assert.equal(failed.steps.documentary_verification, 'not_applicable');

    const review = (await plaid.identityVerificationCreate(request(sandboxSsn('1')))).data;
    const waiting = await until('documents asked', async () => {
      const v = (await plaid.identityVerificationGet({ identity_verification_id: review.id })).data;
      return v.steps.documentary_verification === 'active' ? v : undefined;
    });
    assert.equal(waiting.status, 'active');
    assert.equal(waiting.steps.kyc_check, 'failed');
    assert.equal(waiting.kyc_check?.date_of_birth.summary, 'partial_match');
    const passed = await submitSandboxDocument(waiting.shareable_url!, 'pass');
    assert.equal(passed.status, 200, await passed.clone().text());
    const verified = await settled(review.id, 'success');
    assert.equal(verified.documentary_verification?.status, 'success');
    assert.equal(verified.documentary_verification?.documents[0]?.extracted_data?.category, 'drivers_license');
    await until('webhooks', async () => (codesFor(review.id).length >= 3 ? true : undefined));
    assert.deepEqual(codesFor(review.id), ['STEP_UPDATED', 'STEP_UPDATED', 'STATUS_UPDATED']);

    const again = await submitSandboxDocument(waiting.shareable_url!, 'fail');
    assert.equal(again.status, 400, 'a finished verification takes no more documents');
    const wrongKey = await submitSandboxDocument(waiting.shareable_url!.replace(/key=.*/, 'key=forged'), 'pass');
    assert.equal(((await wrongKey.json()) as { error_code: string }).error_code, 'INVALID_FIELD');
  });

  it('create is idempotent on (client_user_id, template_id) when asked; otherwise a second one is refused', async () => {
    const body = request(sandboxSsn('3'));
    const first = (await plaid.identityVerificationCreate(body)).data;
    const again = (await plaid.identityVerificationCreate(body)).data;
    assert.equal(again.id, first.id);
    const refused = await plaidError(plaid.identityVerificationCreate({ ...body, is_idempotent: false }));
    assert.equal(refused.error_code, 'INVALID_FIELD');
    assert.match(refused.error_message, /already exists/);
    const listed = (
      await plaid.identityVerificationList({
        template_id: SANDBOX_IDV_TEMPLATE_ID,
        client_user_id: body.client_user_id!,
      })
    ).data;
    assert.deepEqual(
      listed.identity_verifications.map((v) => v.id),
      [first.id],
    );
    assert.equal(listed.next_cursor, null);
  });

  it("refuses bad requests with Plaid's error objects", async () => {
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ template_id: 'idvtmp_someoneelses1' }, 'INVALID_FIELD', /template_id/],
      [{ is_shareable: undefined }, 'MISSING_FIELDS', /is_shareable/],
      [{ gave_consent: 'yes' }, 'INVALID_FIELD', /gave_consent must be a boolean/],
      [{ colour: 'blue' }, 'UNKNOWN_FIELDS', /colour/],
      [{ user: { id_number: { value: '12-345', type: 'us_ssn' } } }, 'INVALID_FIELD', /us_ssn/],
      [{ user: { phone_number: '555-0100' } }, 'INVALID_FIELD', /E\.164/],
      [{ user: { date_of_birth: '1975-02-30' } }, 'INVALID_FIELD', /YYYY-MM-DD/],
      [{ user: { address: { street: '1 Main', country: 'US' } } }, 'MISSING_FIELDS', /user\.address\.city/],
      [{ user: { name: { given_name: 'Leslie' } } }, 'MISSING_FIELDS', /family_name/],
      [{ user_id: 'usr_1' }, 'INVALID_FIELD', /client_user_id/],
    ];
    for (const [override, code, message] of cases) {
      const body = { ...request(sandboxSsn('4')), ...override } as IdentityVerificationCreateRequest;
      const error = await plaidError(plaid.identityVerificationCreate(body));
      assert.equal(error.error_code, code, JSON.stringify(override));
      assert.match(error.error_message, message, JSON.stringify(override));
      assert.equal(error.error_type, 'INVALID_REQUEST');
    }
    const unknown = await plaidError(
      plaid.identityVerificationGet({ identity_verification_id: 'idv_nosuchthing0001' }),
    );
    assert.equal(unknown.error_code, 'INVALID_FIELD');
    const wrongKeys = new PlaidApi(
      new Configuration({
        basePath: `${baseUrl(t)}/sandbox/plaid`,
        baseOptions: { headers: { 'PLAID-CLIENT-ID': 'nobody', 'PLAID-SECRET': 'wrong' } },
      }),
    );
    assert.equal(
      (await plaidError(wrongKeys.identityVerificationGet({ identity_verification_id: 'idv_x' }))).error_code,
      'INVALID_API_KEYS',
    );
  });

  it('retry: a new attempt chained to the last (RETRIED); custom steps ask for documents only; an active attempt is canceled', async () => {
    const body = request(sandboxSsn('6'));
    const first = (await plaid.identityVerificationCreate(body)).data;
    await settled(first.id, 'success');
    const retry = { client_user_id: body.client_user_id!, template_id: SANDBOX_IDV_TEMPLATE_ID };
    const missingSteps = await plaidError(plaid.identityVerificationRetry({ ...retry, strategy: Strategy.Custom }));
    assert.match(missingSteps.error_message, /steps must be provided with the custom strategy/);

    const documentsOnly = { verify_sms: false, kyc_check: false, documentary_verification: true, selfie_check: false };
    const second = (
      await plaid.identityVerificationRetry({
        ...retry,
        strategy: Strategy.Custom,
        steps: documentsOnly,
        is_shareable: true,
      })
    ).data;
    assert.equal(second.previous_attempt_id, first.id);
    assert.equal(second.status, 'active');
    assert.equal(second.steps.kyc_check, 'skipped');
    assert.equal(second.steps.documentary_verification, 'active', 'documents at once: nothing runs before them');
    assert.notEqual(second.shareable_url, first.shareable_url);
    await until('RETRIED', async () => (codesFor(second.id).includes('RETRIED') ? true : undefined));

    const infer = await plaidError(plaid.identityVerificationRetry({ ...retry, strategy: Strategy.Infer }));
    assert.match(infer.error_message, /infer strategy cannot be applied/);
    const third = (await plaid.identityVerificationRetry({ ...retry, strategy: Strategy.Reset })).data;
    assert.equal(third.previous_attempt_id, second.id);
    assert.equal(
      (await plaid.identityVerificationGet({ identity_verification_id: second.id })).data.status,
      'canceled',
    );
    await settled(third.id, 'success');
    const all = (await plaid.identityVerificationList({ ...retry })).data.identity_verifications;
    assert.deepEqual(
      all.map((v) => v.id),
      [first.id, second.id, third.id],
    );
    const noone = await plaidError(
      plaid.identityVerificationRetry({ ...retry, client_user_id: 'nobody', strategy: Strategy.Reset }),
    );
    assert.match(noone.error_message, /no identity verification exists/);
  });

  it('without gave_consent the hosted page asks for consent first, then the checks run', async () => {
    const created = (await plaid.identityVerificationCreate(request(sandboxSsn('8'), { gave_consent: false }))).data;
    assert.equal(created.steps.accept_tos, 'active');
    assert.equal(created.steps.kyc_check, 'waiting_for_prerequisite');
    const url = new URL(created.shareable_url!);
    const consent = await fetch(`${url.origin}${url.pathname}/consent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: url.searchParams.get('key') }),
    });
    assert.equal(consent.status, 200);
    const done = await settled(created.id, 'success');
    assert.equal(done.steps.accept_tos, 'success');
  });
});
