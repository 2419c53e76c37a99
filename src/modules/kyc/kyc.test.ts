import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../../../test/helpers.ts';
import { post, walletSignIn, withJwt } from '../../../test/auth.ts';
import { createApiUser, waitForEmail, type ApiUser } from '../../../test/users.ts';
import { ManualClock } from '../../lib/clock.ts';
import { runCommand } from '../../operator/run.ts';
import { ManualKycProvider } from '../../providers/kyc/manual.ts';
import { activeFlags } from '../flags/index.ts';
import { getKycStatus } from './repository.ts';
import { ssnAad } from './submit-kyc.ts';
import { parseSsn } from './validate.ts';

let ssnCounter = 0;
/** A fresh valid SSN starting with `first` (the sandbox outcome digit), unique in this file. */
function ssn(first: string): string {
  const n = 1000 + ssnCounter++;
  return `${first}${String(n % 100).padStart(2, '0')}-${String(10 + (n % 89)).padStart(2, '0')}-${String(n).padStart(4, '0')}`;
}

function kycBody(idNumber: string, overrides: Record<string, unknown> = {}) {
  return {
    dateOfBirth: '1990-04-21',
    idType: 'SSN',
    idNumber,
    line1: '1 Main St',
    line2: 'Apt 2',
    city: 'Springfield',
    state: 'IL',
    postalCode: '62701',
    nationality: 'US',
    occupation: 'Engineer',
    ...overrides,
  };
}

describe('KYC (kyc.md, sandbox-testing.md)', () => {
  let t: TestApp;
  const clock = new ManualClock('2026-05-04T12:00:00Z');
  before(async () => {
    t = await startTestApp({ clock, workers: true, listen: true });
  });
  after(() => t.close());

  const submit = (user: ApiUser, body: object) => post(t, `/v1/users/${user.id}/kyc`, body, user.headers);
  const getUser = (user: ApiUser) =>
    t.app.inject({ method: 'GET', url: `/v1/users/${user.id}`, headers: user.headers });

  async function waitForDecision(user: ApiUser): Promise<Record<string, unknown>> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const res = await getUser(user);
      const kyc = res.json().kyc;
      if (kyc.status !== 'SUBMITTED') return res.json();
      if (Date.now() > deadline) throw new Error('KYC still SUBMITTED after 20 s');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function kycEvents(userId: string) {
    const rows = await t.db.db
      .selectFrom('events')
      .selectAll()
      .where('user_id', '=', userId)
      .where('type', '=', 'KYC_UPDATED')
      .orderBy('created_at')
      .execute();
    return rows.map((r) => r.data as { status: string; idvResult: string });
  }

  it('SSN starting 2-9 is approved: SUBMITTED at once, APPROVED by the provider job, KYC_UPDATED for each, approval email; SSN encrypted at rest', async () => {
    const user = await createApiUser(t);
    const idNumber = ssn('9'); // 9xx is not an issued area, but the sandbox documents it as approved
    const digits = idNumber.replace(/-/g, '');
    const res = await submit(user, kycBody(idNumber));
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.kyc.status, 'SUBMITTED');
    assert.equal(body.kyc.idvResult, 'SUBMITTED');
    assert.equal(body.kyc.idNumberLast4, digits.slice(-4));
    assert.equal(body.nationality, 'US');
    assert.equal(body.occupation, 'Engineer');
    assert.ok(!res.body.includes(digits) && !res.body.includes(idNumber), 'the SSN is never returned');

    // At rest: AES-256-GCM ciphertext with the key id beside it, bound to the user.
    const row = await t.db.db
      .selectFrom('kyc_submissions')
      .selectAll()
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    assert.ok(!JSON.stringify(row).includes(digits), 'no plaintext SSN in the row');
    assert.equal(row.ssn_key_id, t.ctx.secrets.keyring.activeKeyId);
    assert.equal(row.ssn_last4, digits.slice(-4));
    assert.equal(
      t.ctx.secrets.keyring.decrypt({ keyId: row.ssn_key_id, ciphertext: row.ssn_ciphertext }, ssnAad(user.id)),
      digits,
    );
    assert.throws(
      () =>
        t.ctx.secrets.keyring.decrypt(
          { keyId: row.ssn_key_id, ciphertext: row.ssn_ciphertext },
          ssnAad('someone-else'),
        ),
      'bound to its row',
    );

    const decided = await waitForDecision(user);
    assert.deepEqual(
      { ...(decided.kyc as object), createTime: undefined, updateTime: undefined },
      {
        createTime: undefined,
        updateTime: undefined,
        status: 'APPROVED',
        addressResult: 'APPROVED',
        dobResult: 'APPROVED',
        fraudResult: 'APPROVED',
        idvResult: 'APPROVED',
        idNumberLast4: digits.slice(-4),
      },
    );
    assert.deepEqual(
      (await kycEvents(user.id)).map((e) => e.status),
      ['SUBMITTED', 'APPROVED'],
    );
    assert.equal(await getKycStatus(t.db.db, user.id), 'APPROVED');
    const email = await waitForEmail(t, user.email, /approved/);
    assert.match(email.text_body, /Hi Dylan/);

    const again = await submit(user, kycBody(ssn('2')));
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().code, 'ALREADY_EXISTS_USER_KYC');
    assert.equal(again.json().data.status, 'APPROVED');

    const logs = t.logs.text();
    assert.ok(!logs.includes(digits) && !logs.includes(idNumber), 'the SSN never appears in the logs');
  });

  it('SSN starting 0 is declined; a declined KYC cannot be resubmitted (409 ALREADY_EXISTS_USER_KYC)', async () => {
    const user = await createApiUser(t);
    assert.equal((await submit(user, kycBody(ssn('0')))).statusCode, 200);
    const decided = await waitForDecision(user);
    assert.equal((decided.kyc as { status: string }).status, 'DECLINED');
    assert.equal((decided.kyc as { idvResult: string }).idvResult, 'DECLINED');
    assert.deepEqual(
      (await kycEvents(user.id)).map((e) => e.status),
      ['SUBMITTED', 'DECLINED'],
    );
    await waitForEmail(t, user.email, /could not approve/);
    const again = await submit(user, kycBody(ssn('2')));
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().code, 'ALREADY_EXISTS_USER_KYC');
    assert.equal(again.json().data.status, 'DECLINED');
    assert.match(again.json().message, /declined/);
  });

  it('SSN starting 1 goes to review with flag F2001 (writes 403 USER_UNDER_REVIEW) until the operator approves', async () => {
    const user = await createApiUser(t);
    assert.equal((await submit(user, kycBody(ssn('1')))).statusCode, 200);
    const decided = await waitForDecision(user);
    assert.equal((decided.kyc as { status: string }).status, 'IN_REVIEW');
    assert.deepEqual(
      (decided.flags as Array<{ code: string }>).map((f) => f.code),
      ['F2001'],
    );
    await waitForEmail(t, user.email, /reviewing/);
    const blocked = await post(
      t,
      `/v1/users/${user.id}/wallets`,
      { address: '0x000000000000000000000000000000000000dEaD', type: 'EVM' },
      user.headers,
    );
    assert.equal(blocked.statusCode, 403);
    assert.equal(blocked.json().code, 'USER_UNDER_REVIEW');
    assert.equal(blocked.json().data.flag, 'F2001');

    const reviews = await runCommand(t.ctx, ['kyc', 'reviews']);
    assert.ok((reviews.output as Array<{ userId: string }>).some((r) => r.userId === user.id));
    const approved = await runCommand(t.ctx, [
      'kyc',
      'approve',
      user.id,
      '--reason',
      'documents checked',
      '--operator',
      'alice',
    ]);
    assert.equal(approved.exitCode, 0, approved.error);
    assert.equal((approved.output as { kyc: { status: string } }).kyc.status, 'APPROVED');
    const after = (await getUser(user)).json();
    assert.equal(after.kyc.status, 'APPROVED');
    assert.equal(after.kyc.idvResult, 'APPROVED');
    assert.deepEqual(after.flags, []);
    assert.deepEqual(
      (await kycEvents(user.id)).map((e) => e.status),
      ['SUBMITTED', 'IN_REVIEW', 'APPROVED'],
    );
    await waitForEmail(t, user.email, /approved/);
    const audit = await t.db.db
      .selectFrom('audit_log')
      .selectAll()
      .where('user_id', '=', user.id)
      .where('action', '=', 'kyc.review_approved')
      .executeTakeFirstOrThrow();
    assert.equal(audit.actor_type, 'OPERATOR');
    assert.equal(audit.actor_id, 'alice');

    const twice = await runCommand(t.ctx, ['kyc', 'approve', user.id]);
    assert.equal(twice.exitCode, 1);
    assert.match(twice.error!, /ALREADY_EXISTS_USER_KYC.*APPROVED/);
  });

  it('the operator can decline a review (reason required)', async () => {
    const user = await createApiUser(t);
    await submit(user, kycBody(ssn('1')));
    await waitForDecision(user);
    assert.equal((await runCommand(t.ctx, ['kyc', 'decline', user.id])).exitCode, 2, '--reason is required');
    const declined = await runCommand(t.ctx, ['kyc', 'decline', user.id, '--reason', 'identity mismatch']);
    assert.equal(declined.exitCode, 0, declined.error);
    const after = (await getUser(user)).json();
    assert.equal(after.kyc.status, 'DECLINED');
    assert.equal(after.kyc.fraudResult, 'APPROVED', 'checks that had passed keep their result');
    assert.equal(after.kyc.idvResult, 'DECLINED');
    assert.deepEqual(await activeFlags(t.db.db, user.id), []);
    assert.deepEqual(
      (await kycEvents(user.id)).map((e) => e.status),
      ['SUBMITTED', 'IN_REVIEW', 'DECLINED'],
    );
    const shown = await runCommand(t.ctx, ['kyc', 'show', user.id]);
    assert.equal((shown.output as { decisionReason: string }).decisionReason, 'identity mismatch');
    assert.ok(!JSON.stringify(shown.output).includes('ssn_ciphertext'));
  });

  it('a second submission while the result is pending is 409; an SSN used by another user is 409 ALREADY_EXISTS_USER', async () => {
    const user = await createApiUser(t);
    const idNumber = ssn('3');
    const [a, b] = await Promise.all([submit(user, kycBody(idNumber)), submit(user, kycBody(idNumber))]);
    assert.deepEqual([a.statusCode, b.statusCode].sort(), [200, 409]);
    assert.equal((a.statusCode === 409 ? a : b).json().code, 'ALREADY_EXISTS_USER_KYC');
    const other = await createApiUser(t);
    const taken = await submit(other, kycBody(idNumber.replace(/-/g, '')));
    assert.equal(taken.statusCode, 409, taken.body);
    assert.equal(taken.json().code, 'ALREADY_EXISTS_USER');
    assert.equal(taken.json().data.field, 'idNumber');
    assert.equal(await getKycStatus(t.db.db, other.id), 'NOT_STARTED');
  });

  it('rejects each invalid field with its documented code, naming the field and the rule', async () => {
    const user = await createApiUser(t);
    const good = ssn('4');
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ dateOfBirth: undefined }, 'MISSING_DATE_OF_BIRTH', 'dateOfBirth'],
      [{ dateOfBirth: '04/21/1990' }, 'INVALID_DATE_OF_BIRTH', 'dateOfBirth'],
      [{ dateOfBirth: '1990-02-30' }, 'INVALID_DATE_OF_BIRTH', 'dateOfBirth'],
      [{ dateOfBirth: '1899-12-31' }, 'INVALID_DATE_OF_BIRTH', 'dateOfBirth'],
      [{ dateOfBirth: '2027-01-01' }, 'INVALID_DATE_OF_BIRTH', 'dateOfBirth'],
      [{ dateOfBirth: '2008-05-05' }, 'INVALID_AGE', 'dateOfBirth'], // 17 on 2026-05-04
      [{ idType: 'PASSPORT' }, 'INVALID_ID_TYPE', 'idType'],
      [{ idNumber: undefined }, 'MISSING_ID_NUMBER', 'idNumber'],
      [{ idNumber: '12345678' }, 'INVALID_ID_NUMBER', 'idNumber'],
      [{ idNumber: '12-345-6789' }, 'INVALID_ID_NUMBER', 'idNumber'],
      [{ idNumber: '000-12-3456' }, 'INVALID_ID_NUMBER', 'idNumber'],
      [{ idNumber: '666-12-3456' }, 'INVALID_ID_NUMBER', 'idNumber'],
      [{ idNumber: '234-00-3456' }, 'INVALID_ID_NUMBER', 'idNumber'],
      [{ idNumber: '234-56-0000' }, 'INVALID_ID_NUMBER', 'idNumber'],
      [{ line1: undefined }, 'MISSING_LINE_1', 'line1'],
      [{ line1: '   ' }, 'INVALID_LINE_1', 'line1'],
      [{ line2: 'x'.repeat(101) }, 'INVALID_LINE_2', 'line2'],
      [{ city: undefined }, 'MISSING_CITY', 'city'],
      [{ city: '12345' }, 'INVALID_CITY', 'city'],
      [{ state: undefined }, 'MISSING_STATE', 'state'],
      [{ state: 'ZZ' }, 'INVALID_STATE', 'state'],
      [{ state: 'California' }, 'INVALID_STATE', 'state'],
      [{ postalCode: undefined }, 'MISSING_POSTAL_CODE', 'postalCode'],
      [{ postalCode: '1234' }, 'INVALID_POSTAL_CODE', 'postalCode'],
      [{ postalCode: '62701-12' }, 'INVALID_POSTAL_CODE', 'postalCode'],
      [{ nationality: '42' }, 'INVALID_NATIONALITY', 'nationality'],
      [{ occupation: 'x'.repeat(101) }, 'INVALID_OCCUPATION', 'occupation'],
      [{ ssn: '123' }, 'INVALID_BODY', 'ssn'],
    ];
    for (const [override, code, field] of cases) {
      const res = await submit(user, kycBody(good, override));
      assert.equal(res.statusCode, 400, `${JSON.stringify(override)}: ${res.body}`);
      assert.equal(res.json().code, code, JSON.stringify(override));
      assert.equal(res.json().data.field, field, JSON.stringify(override));
      assert.ok(res.json().data.rule, JSON.stringify(override));
      assert.ok(!res.body.includes(good.replace(/-/g, '').slice(0, 5)), 'the SSN is not echoed');
    }
    assert.equal(await getKycStatus(t.db.db, user.id), 'NOT_STARTED');
    // A territory, ZIP+4, dashes-free SSN and an 18th birthday today are fine.
    const ok = await submit(
      user,
      kycBody(good.replace(/-/g, ''), {
        state: 'pr',
        postalCode: '00901-1234',
        dateOfBirth: '2008-05-04',
        line2: undefined,
        nationality: undefined,
        occupation: undefined,
      }),
    );
    assert.equal(ok.statusCode, 200, ok.body);
  });

  it("needs two factors and the user's own session", async () => {
    const user = await createApiUser(t);
    const oneFactor = (await walletSignIn(t, user.account)).json().sessionJwt as string;
    const mfa = await post(t, `/v1/users/${user.id}/kyc`, kycBody(ssn('5')), withJwt(t.clientHeaders, oneFactor));
    assert.equal(mfa.statusCode, 403);
    assert.equal(mfa.json().code, 'MFA_REQUIRED');
    const other = await createApiUser(t);
    const cross = await post(t, `/v1/users/${user.id}/kyc`, kycBody(ssn('5')), other.headers);
    assert.equal(cross.statusCode, 404);
    assert.equal(cross.json().code, 'NOT_FOUND_USER');
  });
});

describe('KYC providers and SSN rules', () => {
  const request = (idNumber: string) => ({
    reference: 'u1',
    firstName: 'A',
    middleName: null,
    lastName: 'B',
    dateOfBirth: '1990-01-01',
    idType: 'SSN' as const,
    idNumber,
    address: { line1: 'x', line2: null, city: 'y', state: 'CA', postalCode: '90001', country: 'US' as const },
    phone: '+12015550100',
    email: 'a@example.com',
  });

  it('manual: every submission waits for an operator (F2001); it refuses the never-issued 9xx areas', async () => {
    const p = new ManualKycProvider(new ManualClock('2026-05-04T12:00:00Z'));
    const state = await p.start(request('212345678'));
    assert.equal(state.decision?.outcome, 'IN_REVIEW');
    assert.equal(state.decision?.reviewFlag, 'F2001');
    assert.equal(p.documents, null, 'no documentary step: operators ask for documents themselves');
    assert.throws(() => parseSsn('912-34-5678', p.ssnAreas), /900-999/);
    assert.equal(parseSsn('912-34-5678', 'ANY_NONZERO'), '912345678');
  });
});
