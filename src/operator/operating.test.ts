// The operator commands for running the service day to day, through the CLI's command path
// (runCommand, what `npm run cli -- …` runs): a client's webhook registrations and their backlog,
// deliveries pending and failed, and finding a user by id, email or phone.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { insertUser } from '../../test/auth.ts';
import { startTestApp, type TestApp } from '../../test/helpers.ts';
import { WebhookReceiver } from '../../test/webhook-receiver.ts';
import { newPartner, publish, register } from '../../test/webhooks.ts';
import { runCommand } from './run.ts';

let t: TestApp;
let receiver: WebhookReceiver;
before(async () => {
  t = await startTestApp({ workers: true });
  receiver = await new WebhookReceiver().start();
});
after(async () => {
  await receiver?.stop();
  await t?.close();
});

async function run(...argv: string[]) {
  const outcome = await runCommand(t.ctx, argv);
  assert.equal(outcome.exitCode, 0, outcome.error);
  return outcome.output as never;
}

async function waitFor<T>(what: string, read: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('operator commands for webhooks', () => {
  it("lists a client's registrations with their backlog, shows pending deliveries, and deletes one", async () => {
    receiver.respond = () => ({ status: 500, body: 'down for maintenance' });
    const partner = await newPartner(t, 'Ops partner');
    const other = await newPartner(t, 'Someone else');
    const hook = await register(t, partner, { url: `${receiver.url}/hooks`, events: ['KYC_UPDATED'], name: 'main' });
    await register(t, other, { url: `${receiver.url}/other`, events: ['KYC_UPDATED'] });
    const user = await insertUser(t, { clientId: partner.clientId });
    await publish(t, user.id, 'KYC_UPDATED', { status: 'APPROVED' });

    type Pending = Array<{
      deliveryId: string;
      webhookId: string;
      status: string;
      attempts: number;
      lastError: string;
    }>;
    const pending = await waitFor('a delivery waiting to retry', async () => {
      const rows: Pending = await run('webhooks', 'pending', '--client', partner.clientId);
      return rows.find((r) => r.status === 'SCHEDULED' && r.attempts >= 1) ? rows : undefined;
    });
    assert.equal(pending.length, 1);
    assert.equal(pending[0]!.webhookId, hook.id);
    assert.match(pending[0]!.lastError, /HTTP 500/);
    const everyone: Pending = await run('webhooks', 'pending');
    assert.ok(everyone.some((r) => r.deliveryId === pending[0]!.deliveryId));

    const listed: Array<{ id: string; name: string; url: string; deliveries: { pending: number; failed: number } }> =
      await run('webhooks', 'list', '--client', partner.clientId);
    assert.deepEqual(
      listed.map((w) => [w.id, w.name, w.deliveries]),
      [[hook.id, 'main', { pending: 1, failed: 0 }]],
    );
    assert.ok(!JSON.stringify(listed).includes(hook.secret), 'the signing secret is never shown');

    // Another client's registration is not this client's to delete.
    const wrong = await runCommand(t.ctx, ['webhooks', 'delete', hook.id, '--client', other.clientId]);
    assert.equal(wrong.exitCode, 1);
    assert.match(wrong.error!, /NOT_FOUND_WEBHOOK/);
    assert.deepEqual(await run('webhooks', 'delete', hook.id, '--client', partner.clientId), {
      webhookId: hook.id,
      clientId: partner.clientId,
      deleted: true,
    });
    assert.deepEqual(await run('webhooks', 'list', '--client', partner.clientId), []);
    assert.deepEqual(await run('webhooks', 'pending', '--client', partner.clientId), []);
  });

  it('refuses a list or delete without the client, with the usage', async () => {
    for (const argv of [
      ['webhooks', 'list'],
      ['webhooks', 'delete', '00000000-0000-4000-8000-000000000000'],
      ['webhooks', 'pending', '--client', 'acme'],
    ]) {
      const outcome = await runCommand(t.ctx, argv);
      assert.equal(outcome.exitCode, 2, argv.join(' '));
      assert.match(outcome.error!, /--client/);
    }
  });
});

describe('users find', () => {
  it('finds a user by id, by email in any case, and by phone, with the full phone, client and wallets', async () => {
    const user = await insertUser(t, { email: 'Dana.Support@Example.com' });
    type Found = {
      found: boolean;
      user: { id: string; phone: string; kyc: unknown };
      clientId: string;
      wallets: unknown[];
    };
    for (const query of [user.id, user.id.toUpperCase(), 'dana.support@example.COM', user.phone]) {
      const found: Found = await run('users', 'find', query);
      assert.equal(found.found, true, query);
      assert.equal(found.user.id, user.id);
      assert.equal(found.user.phone, user.phone);
      assert.equal(found.clientId, t.client.id);
      assert.ok(found.user.kyc);
      assert.ok(Array.isArray(found.wallets));
    }
    assert.deepEqual(await run('users', 'find', 'nobody@example.com'), { found: false, query: 'nobody@example.com' });
    assert.deepEqual(await run('users', 'find', '+12025550199'), { found: false, query: '+12025550199' });
    const bad = await runCommand(t.ctx, ['users', 'find', 'dana']);
    assert.equal(bad.exitCode, 2);
    assert.match(bad.error!, /not a user id \(UUID\), an email address or an E\.164 phone number/);
  });
});

describe('clients show and update', () => {
  it("shows a client's settings and secret hints, never the secret", async () => {
    const created: { clientId: string; clientSecret: string } = await run(
      'clients',
      'create',
      '--name',
      'Acme',
      '--redirect-uri',
      'https://acme.example/plaid',
      '--allowed-origin',
      'https://app.acme.example',
    );
    const shown: {
      name: string;
      status: string;
      redirectUris: string[];
      allowedOrigins: string[];
      secrets: Array<{ hint: string }>;
    } = await run('clients', 'show', created.clientId);
    assert.equal(shown.name, 'Acme');
    assert.equal(shown.status, 'ACTIVE');
    assert.deepEqual(shown.redirectUris, ['https://acme.example/plaid']);
    assert.deepEqual(shown.allowedOrigins, ['https://app.acme.example']);
    assert.equal(shown.secrets.length, 1);
    assert.ok(created.clientSecret.endsWith(shown.secrets[0]!.hint.slice(1)));
    assert.ok(!JSON.stringify(shown).includes(created.clientSecret));
    const missing = await runCommand(t.ctx, ['clients', 'show', '00000000-0000-4000-8000-000000000000']);
    assert.equal(missing.exitCode, 1);
    assert.match(missing.error!, /NOT_FOUND_CLIENT/);
  });

  it('replaces the lists given, keeps the others, clears on request, audits, and refuses bad URLs', async () => {
    const { clientId, clientSecret }: { clientId: string; clientSecret: string } = await run(
      'clients',
      'create',
      '--name',
      'Beta',
    );
    // Cached by the authenticator, as every partner call does.
    assert.deepEqual((await t.ctx.clientAuth.authenticateSecret(clientId, clientSecret)).redirectUris, []);
    const updated: { redirectUris: string[]; allowedOrigins: string[]; androidPackageNames: string[] } = await run(
      'clients',
      'update',
      clientId,
      '--redirect-uri',
      'https://beta.example/a',
      '--redirect-uri',
      'https://beta.example/b',
      '--allowed-origin',
      'https://beta.example',
      '--android-package',
      'com.beta.wallet',
    );
    assert.deepEqual(updated.redirectUris, ['https://beta.example/a', 'https://beta.example/b']);
    assert.deepEqual(updated.allowedOrigins, ['https://beta.example']);
    assert.deepEqual(updated.androidPackageNames, ['com.beta.wallet']);

    // What the partner's requests see (Plaid Link's redirect check reads it) changes at once.
    const principal = await t.ctx.clientAuth.authenticateSecret(clientId, clientSecret);
    assert.deepEqual(principal.redirectUris, ['https://beta.example/a', 'https://beta.example/b']);

    const renamed: { name: string; redirectUris: string[]; allowedOrigins: string[] } = await run(
      'clients',
      'update',
      clientId,
      '--name',
      'Beta Wallet',
      '--clear-allowed-origins',
    );
    assert.equal(renamed.name, 'Beta Wallet');
    assert.deepEqual(renamed.redirectUris, ['https://beta.example/a', 'https://beta.example/b']);
    assert.deepEqual(renamed.allowedOrigins, []);

    const audit = await t.db.db
      .selectFrom('audit_log')
      .select(['action', 'actor_type'])
      .where('subject_id', '=', clientId)
      .execute();
    assert.deepEqual(audit, [
      { action: 'client.update', actor_type: 'OPERATOR' },
      { action: 'client.update', actor_type: 'OPERATOR' },
    ]);

    for (const [argv, pattern] of [
      [['--redirect-uri', 'ftp://beta.example/x'], /must use https/],
      [['--allowed-origin', 'https://beta.example/path'], /origins only/],
      [['--redirect-uri', 'https://user:pw@beta.example/'], /credentials/],
      [['--android-package', 'not a package'], /package names/],
    ] as const) {
      const outcome = await runCommand(t.ctx, ['clients', 'update', clientId, ...argv]);
      assert.equal(outcome.exitCode, 1, argv.join(' '));
      assert.match(outcome.error!, pattern);
    }
    assert.equal((await runCommand(t.ctx, ['clients', 'update', clientId])).exitCode, 2);
    assert.equal(
      (
        await runCommand(t.ctx, [
          'clients',
          'update',
          clientId,
          '--clear-redirect-uris',
          '--redirect-uri',
          'https://x.example/',
        ])
      ).exitCode,
      2,
    );
  });
});
