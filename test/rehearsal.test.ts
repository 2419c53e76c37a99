// Production, proven end to end: `npm run rehearsal` (docs/rehearsal.md) — onramp in production mode on
// the PostgreSQL server of DATABASE_URL, with a sandbox onramp playing Plaid and the chains and TLS
// stand-ins for Twilio, SMTP and Coinbase — must walk from sign-in to a refund with a clean ledger.
// Needs a PostgreSQL server: skipped on the embedded database.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const server = process.env.DATABASE_URL;

describe('the production rehearsal', () => {
  it('walks sign-in, KYC, bank, INSTANT and STANDARD payouts, a return and a refund in production mode', {
    skip: server ? false : 'needs a PostgreSQL server (DATABASE_URL)',
    timeout: 600_000,
  }, async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'rehearsal.ts')], {
      cwd: root,
      env: { ...process.env, REHEARSAL_DATABASE_URL: server },
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    const summary = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
    assert.equal(code, 0, out);
    assert.equal(summary.ok, true, out);
    assert.equal(summary.returnCode, 'R01');
    assert.equal(summary.refund, 'COMPLETED');
    assert.equal(summary.ledger, true);
    assert.match(String(summary.instantTx), /^0x[0-9a-f]{64}$/);
    assert.match(String(summary.standardTx), /^0x[0-9a-f]{64}$/);
  });
});
