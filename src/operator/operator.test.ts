import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { baseUrl, startTestApp, type TestApp } from '../../test/helpers.ts';
import { COMMANDS } from './commands.ts';
import { COMMAND_GROUPS } from './groups.ts';
import { runCommand } from './run.ts';

describe('operator commands', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ listen: true, build: { operatorToken: 'op_test_token' } });
  });
  after(() => t.close());

  it('creates a client whose credentials work, lists it without secrets, rotates and disables it', async () => {
    const created = await runCommand(t.ctx, [
      'clients',
      'create',
      '--name',
      'Acme',
      '--redirect-uri',
      'https://acme.example/cb',
    ]);
    assert.equal(created.exitCode, 0, created.error);
    const { clientId, clientSecret } = created.output as { clientId: string; clientSecret: string };
    const headers = { 'ratio-client-id': clientId, 'ratio-client-secret': clientSecret };
    assert.equal((await t.app.inject({ method: 'GET', url: '/v1/config', headers })).statusCode, 200);

    const listed = await runCommand(t.ctx, ['clients', 'list']);
    assert.ok(JSON.stringify(listed.output).includes('Acme'));
    assert.ok(!JSON.stringify(listed.output).includes(clientSecret));

    const rotated = await runCommand(t.ctx, ['clients', 'rotate-secret', clientId, '--overlap-seconds', '0']);
    assert.equal(rotated.exitCode, 0, rotated.error);
    assert.equal((await t.app.inject({ method: 'GET', url: '/v1/config', headers })).statusCode, 401);

    const disabled = await runCommand(t.ctx, ['clients', 'disable', clientId]);
    assert.deepEqual(disabled.output, { clientId, status: 'DISABLED' });
    const newHeaders = {
      'ratio-client-id': clientId,
      'ratio-client-secret': (rotated.output as { clientSecret: string }).clientSecret,
    };
    assert.equal(
      (await t.app.inject({ method: 'GET', url: '/v1/config', headers: newHeaders })).json().code,
      'CLIENT_DISABLED',
    );
  });

  it('answers usage errors with exit code 2 and the help text', async () => {
    assert.equal((await runCommand(t.ctx, ['clients', 'create'])).exitCode, 2);
    assert.equal((await runCommand(t.ctx, ['clients', 'disable', 'nope'])).exitCode, 2);
    assert.equal((await runCommand(t.ctx, ['clients', 'create', '--name', 'x', '--bogus'])).exitCode, 2);
    const unknown = await runCommand(t.ctx, ['frobnicate']);
    assert.equal(unknown.exitCode, 2);
    assert.match(unknown.error!, /usage: npm run cli -- <command>/);
    const missing = await runCommand(t.ctx, ['clients', 'disable', '00000000-0000-4000-8000-000000000000']);
    assert.equal(missing.exitCode, 1);
    assert.match(missing.error!, /NOT_FOUND_CLIENT/);
  });

  it('runs commands sent by the local CLI only with the operator token', async () => {
    const post = (token: string) =>
      fetch(`${baseUrl(t)}/operator/commands`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-onramp-operator-token': token },
        body: JSON.stringify({ argv: ['clients', 'list'] }),
      });
    const ok = await post('op_test_token');
    assert.equal(ok.status, 200);
    assert.equal(((await ok.json()) as { exitCode: number }).exitCode, 0);
    const wrong = await post('op_wrong');
    assert.equal(wrong.status, 404);
  });

  it('has every command in the group of its first word, and no other (COMMAND_GROUPS, for the CLI)', async () => {
    const grouped: unknown[] = [];
    for (const [word, load] of Object.entries(COMMAND_GROUPS)) {
      const group = await load();
      assert.ok(group.length > 0, word);
      for (const command of group) assert.equal(command.path[0], word, command.usage);
      grouped.push(...group);
    }
    assert.deepEqual(new Set(grouped), new Set(COMMANDS));
    assert.equal(grouped.length, COMMANDS.length);
  });
});
