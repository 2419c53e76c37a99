// The SDK as a partner gets it: `npm pack` builds and packs sdk/, the tarball installs into a fresh
// project without the network (it has no dependencies), an import type-checks against the shipped
// declarations, and the shipped JavaScript loads in Node.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ROOT } from '../scripts/generate.ts';

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    // The partner's environment: no source condition, no test flags.
    env: { ...process.env, NODE_OPTIONS: '', npm_config_loglevel: 'error' },
  });
  assert.equal(result.status, 0, `${command} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

describe('npm pack of onramp-sdk', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'onramp-sdk-pack-'));
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  it('produces a tarball with types that installs and type-checks in a new project', () => {
    const packed = JSON.parse(
      run(npm, ['pack', '--json', '--pack-destination', work], path.join(ROOT, 'sdk')),
    ) as Array<{
      filename: string;
      files: Array<{ path: string }>;
    }>;
    const files = packed[0]!.files.map((f) => f.path);
    assert.ok(files.includes('dist/index.js') && files.includes('dist/index.d.ts'), files.join(', '));
    assert.ok(!files.some((f) => f.startsWith('src/')), 'sources stay out of the tarball');

    const project = path.join(work, 'partner-app');
    fs.mkdirSync(project);
    fs.writeFileSync(
      path.join(project, 'package.json'),
      JSON.stringify({ name: 'partner-app', private: true, type: 'module' }),
    );
    run(npm, ['install', '--offline', '--no-audit', '--no-fund', path.join(work, packed[0]!.filename)], project);
    fs.writeFileSync(
      path.join(project, 'app.ts'),
      [
        "import { Onramp, OnrampError, verifyWebhook, type User, type WebhookEvent } from 'onramp-sdk';",
        "const onramp = new Onramp({ baseUrl: 'http://127.0.0.1:3000', clientId: 'id', clientSecret: 'secret' });",
        'export async function buy(userId: string, bankId: string, walletId: string): Promise<string | undefined> {',
        "  const { activityItem } = await onramp.api.initiateAchPurchase({ path: { userId, bankId }, body: { fiatAmount: '25.00', cryptoCurrency: 'ETH', walletId, type: 'INSTANT' } });",
        '  return activityItem?.id;',
        '}',
        'export const name = (user: User): string => user.firstName;',
        'export const isError = (e: unknown): e is OnrampError => e instanceof OnrampError;',
        'export const check = (body: string, headers: Headers): Promise<WebhookEvent> => verifyWebhook(body, headers, "whsec_x");',
        '',
      ].join('\n'),
    );
    fs.writeFileSync(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          lib: ['ES2023', 'DOM'],
          types: [],
        },
        files: ['app.ts'],
      }),
    );
    run(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], project);

    // A wrong call is a type error: the types are the API's.
    fs.writeFileSync(
      path.join(project, 'wrong.ts'),
      "import { Onramp } from 'onramp-sdk';\nnew Onramp({ baseUrl: 'x', clientId: 'i', clientSecret: 's' }).api.initiateAchPurchase({ path: { userId: 'u', bankId: 'b' }, body: { fiatAmount: 25 } });\n",
    );
    fs.writeFileSync(
      path.join(project, 'tsconfig.wrong.json'),
      JSON.stringify({ extends: './tsconfig.json', files: ['wrong.ts'] }),
    );
    const wrong = spawnSync(
      process.execPath,
      [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.wrong.json'],
      {
        cwd: project,
        encoding: 'utf8',
      },
    );
    assert.notEqual(wrong.status, 0, 'a number for fiatAmount does not type-check');
    assert.match(wrong.stdout, /wrong\.ts.*Type 'number' is not assignable to type 'string'/);

    const loaded = run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const m = await import('onramp-sdk'); console.log(typeof m.Onramp, typeof m.verifyWebhook, m.SANDBOX.magicOtp)",
      ],
      project,
    );
    assert.equal(loaded.trim(), 'function function 000000');
  });
});
