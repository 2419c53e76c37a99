import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../../../test/helpers.ts';
import { emailSignIn, newAccount, post, smsSignIn, walletSignIn } from '../../../test/auth.ts';
import { createApiUser, type ApiUser } from '../../../test/users.ts';
import type { AppError } from '../../errors/app-error.ts';
import { ManualClock } from '../../lib/clock.ts';
import { runCommand } from '../../operator/run.ts';
import { activeFlags, assertFlagsAllow, setFlag } from './index.ts';

describe('account flags (user-support-reference/user-account-flags)', () => {
  let t: TestApp;
  const clock = new ManualClock('2026-05-04T12:00:00Z');
  before(async () => {
    t = await startTestApp({ clock });
  });
  after(() => t.close());

  const req = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, user: ApiUser, payload?: object) =>
    t.app.inject({ method, url, headers: user.headers, ...(payload ? { payload } : {}) });
  const cli = (...argv: string[]) => runCommand(t.ctx, argv);

  async function writes(user: ApiUser) {
    const walletId =
      (await req('GET', `/v1/users/${user.id}/wallets`, user)).json().items?.[0]?.id ??
      '00000000-0000-4000-8000-000000000000';
    return [
      await req('POST', `/v1/users/${user.id}/wallets`, user, { address: newAccount().address, type: 'EVM' }),
      await req('PATCH', `/v1/users/${user.id}/wallets/${walletId}`, user, { name: 'x' }),
      await req('POST', `/v1/users/${user.id}/wallets/${walletId}`, user, { name: 'x' }),
      await req('DELETE', `/v1/users/${user.id}/wallets/${walletId}`, user),
      await req('POST', `/v1/users/${user.id}/kyc`, user, {
        dateOfBirth: '1990-01-01',
        idType: 'SSN',
        idNumber: '234-56-7890',
        line1: '1 Main St',
        city: 'Springfield',
        state: 'IL',
        postalCode: '62701',
      }),
    ];
  }

  it('F1000 set by the operator blocks every write with 403 USER_BLOCKED and the flag in data; reads still work; clearing restores access', async () => {
    const user = await createApiUser(t);
    const set = await cli(
      'flags',
      'set',
      user.id,
      'F1000',
      '--reason',
      'instant ACH returned R01',
      '--operator',
      'bob',
    );
    assert.equal(set.exitCode, 0, set.error);
    assert.equal((set.output as { result: string }).result, 'SET');

    for (const res of await writes(user)) {
      assert.equal(res.statusCode, 403, res.body);
      assert.equal(res.json().code, 'USER_BLOCKED');
      assert.equal(res.json().data.flag, 'F1000');
      assert.deepEqual(res.json().data.flags, ['F1000']);
    }
    const got = await req('GET', `/v1/users/${user.id}`, user);
    assert.equal(got.statusCode, 200, 'the user keeps access to their personal information');
    assert.deepEqual(
      got.json().flags.map((f: { code: string }) => f.code),
      ['F1000'],
    );
    assert.match(got.json().flags[0].description, /Non-payment/);
    assert.ok(!got.body.includes('R01'), "the operator's reason is not shown to partners");
    assert.equal((await req('GET', `/v1/users/${user.id}/wallets`, user)).statusCode, 200);
    await assert.rejects(
      assertFlagsAllow(t.db.db, user.id, 'BUY'),
      (e: AppError) => e.code === 'USER_BLOCKED' && e.status === 403,
    );
    await assert.rejects(assertFlagsAllow(t.db.db, user.id, 'LINK_BANK'), (e: AppError) => e.code === 'USER_BLOCKED');
    await assertFlagsAllow(t.db.db, user.id, 'READ');

    assert.equal(
      ((await cli('flags', 'set', user.id, 'f1000', '--reason', 'again')).output as { result: string }).result,
      'ALREADY_ACTIVE',
    );
    const cleared = await cli('flags', 'clear', user.id, 'F1000', '--reason', 'repaid', '--operator', 'bob');
    assert.equal((cleared.output as { result: string }).result, 'CLEARED');
    assert.equal(
      ((await cli('flags', 'clear', user.id, 'F1000', '--reason', 'again')).output as { result: string }).result,
      'NOT_ACTIVE',
    );
    assert.equal(
      (await req('POST', `/v1/users/${user.id}/wallets`, user, { address: newAccount().address, type: 'EVM' }))
        .statusCode,
      201,
    );

    const history = (await cli('flags', 'list', user.id, '--all')).output as Array<Record<string, string>>;
    assert.equal(history.length, 1);
    assert.equal(history[0]!.setBy, 'OPERATOR:bob');
    assert.equal(history[0]!.reason, 'instant ACH returned R01');
    assert.equal(history[0]!.clearedReason, 'repaid');
    const audit = await t.db.db
      .selectFrom('audit_log')
      .select(['action', 'actor_type', 'actor_id'])
      .where('user_id', '=', user.id)
      .where('subject_type', '=', 'USER_FLAG')
      .orderBy('at')
      .execute();
    assert.deepEqual(
      audit.map((a) => [a.action, a.actor_type, a.actor_id]),
      [
        ['flag.set', 'OPERATOR', 'OPERATOR:bob'],
        ['flag.clear', 'OPERATOR', 'OPERATOR:bob'],
      ],
    );
  });

  it('F0000 (suspended) also hides the user from GETs: 403 USER_BLOCKED', async () => {
    const user = await createApiUser(t);
    await cli('flags', 'set', user.id, 'F0000', '--reason', 'bot');
    for (const url of [`/v1/users/${user.id}`, `/v1/users/${user.id}/wallets`]) {
      const res = await req('GET', url, user);
      assert.equal(res.statusCode, 403, url);
      assert.equal(res.json().code, 'USER_BLOCKED');
      assert.equal(res.json().data.flag, 'F0000');
    }
  });

  it('F0000 (suspended) refuses signing in: a wallet, an SMS code or an email code of the user is 403 USER_BLOCKED', async () => {
    const user = await createApiUser(t);
    await cli('flags', 'set', user.id, 'F0000', '--reason', 'bot');
    clock.advance(60_000); // the resend interval for the phone used at sign-up
    const attempts = {
      wallet: await walletSignIn(t, user.account),
      sms: await smsSignIn(t, user.phone),
      email: await emailSignIn(t, user.email),
    };
    for (const [factor, res] of Object.entries(attempts)) {
      assert.equal(res.statusCode, 403, `${factor}: ${res.body}`);
      assert.equal(res.json().code, 'USER_BLOCKED', factor);
      assert.equal(res.json().data.flag, 'F0000', factor);
      assert.equal(res.json().sessionJwt, undefined, factor);
    }
    // Clearing the flag restores sign-in.
    await cli('flags', 'clear', user.id, 'F0000', '--reason', 'false positive');
    assert.equal((await walletSignIn(t, user.account)).json().userMask.id, user.id);
    clock.advance(60_000);
    assert.equal((await emailSignIn(t, user.email)).json().userMask.id, user.id);
  });

  it('risk and KYC-review flags answer USER_UNDER_REVIEW; flags set by the system show who set them', async () => {
    for (const code of ['F0001', 'F2000', 'F2002', 'F2003'] as const) {
      const user = await createApiUser(t);
      await t.db.db.transaction().execute((trx) =>
        setFlag(trx, {
          userId: user.id,
          code,
          reason: 'risk score 97',
          actor: 'SYSTEM:risk',
          now: t.ctx.clock.now(),
        }),
      );
      const [connect] = await writes(user);
      assert.equal(connect!.statusCode, 403);
      assert.equal(connect!.json().code, 'USER_UNDER_REVIEW', code);
      assert.equal(connect!.json().data.flag, code);
      const listed = (await cli('flags', 'list', user.id)).output as Array<{ setBy: string }>;
      assert.equal(listed[0]!.setBy, 'SYSTEM:risk');
      assert.equal((await activeFlags(t.db.db, user.id))[0]!.code, code);
    }
    for (const code of ['F1001', 'F1002', 'F1004'] as const) {
      const user = await createApiUser(t);
      await cli('flags', 'set', user.id, code, '--reason', 'payments');
      const res = await post(
        t,
        `/v1/users/${user.id}/wallets`,
        { address: newAccount().address, type: 'EVM' },
        user.headers,
      );
      assert.equal(res.json().code, 'USER_BLOCKED', code);
    }
  });

  it('refuses bad commands: unknown code, missing reason, unknown user', async () => {
    const user = await createApiUser(t);
    assert.equal((await cli('flags', 'set', user.id, 'F9999', '--reason', 'x')).exitCode, 2);
    assert.equal((await cli('flags', 'set', user.id, 'F1000')).exitCode, 2);
    assert.equal((await cli('flags', 'set', user.id)).exitCode, 2);
    const missing = await cli('flags', 'set', '00000000-0000-4000-8000-000000000000', 'F1000', '--reason', 'x');
    assert.equal(missing.exitCode, 1);
    assert.match(missing.error!, /NOT_FOUND_USER/);
    assert.deepEqual((await cli('flags', 'list', user.id)).output, []);
  });
});
