// Crash safety, with real processes: a child process runs the sender and is SIGKILLed right after the
// signed transactions are stored (nothing broadcast yet), then — restarted on the same database —
// right after one of them was broadcast (its outcome never recorded); a third start finishes. The
// chain must show exactly one transfer per payout, with the hashes signed before the first crash.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseEther } from 'viem';
import { openDatabase, type DbHandle } from '../../db/index.ts';
import { openTestDatabase } from '../../../test/helpers.ts';
import { newAddress } from './test-support.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');

interface ChildResult {
  signal: NodeJS.Signals | null;
  code: number | null;
  lines: Array<Record<string, unknown>>;
  stderr: string;
}

describe('payout crash safety (child processes killed with SIGKILL)', () => {
  let stateDir: string;
  let env: Record<string, string>;
  let pg: DbHandle | undefined;

  before(async () => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onramp-crash-'));
    env = {
      ONRAMP_STATE_DIR: stateDir,
      // A killed sender's lease lapses quickly, so the restart does not wait long for it.
      ONRAMP_DELIVERY_SENDER_LEASE_SECONDS: '5',
    };
    if (process.env.DATABASE_URL) {
      pg = await openTestDatabase();
      env.DATABASE_URL = pg.url!;
    }
  });
  after(async () => {
    await pg?.close();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  function runChild(spec: object): Promise<ChildResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'crash-child.ts')], {
        cwd: root,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, CRASH_SPEC: JSON.stringify(spec) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 400_000);
      child.on('error', reject);
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        const lines = out
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as Record<string, unknown>);
        resolve({ code, signal, lines, stderr: err });
      });
    });
  }

  async function withDb<T>(fn: (db: DbHandle) => Promise<T>): Promise<T> {
    if (pg) return fn(pg);
    const handle = await openDatabase({ dataDir: path.join(stateDir, 'data') });
    try {
      return await fn(handle);
    } finally {
      await handle.close();
    }
  }

  it('sends each payout exactly once across a crash after signing and a crash after broadcasting', async () => {
    const request = [
      {
        id: randomUUID(),
        network: 'ETHEREUM',
        asset: 'ETH',
        toAddress: newAddress(),
        amountMinor: parseEther('1.5').toString(),
      },
      { id: randomUUID(), network: 'ETHEREUM', asset: 'USDC', toAddress: newAddress(), amountMinor: '25000000' },
      { id: randomUUID(), network: 'ETHEREUM', asset: 'ETH', toAddress: newAddress(), amountMinor: '12345' },
    ];
    const ids = request.map((r) => r.id);

    // 1. Killed right after the signed transactions were stored, before any broadcast.
    const first = await runChild({ crashAt: 'after-sign', request });
    assert.equal(first.signal, 'SIGKILL', `child 1 should have been killed: ${first.stderr.slice(-2000)}`);
    assert.deepEqual(first.lines.at(-1), { crashing: 'after-sign' });
    const signed = await withDb((h) =>
      h.db.selectFrom('payouts').selectAll().where('id', 'in', ids).orderBy('nonce').execute(),
    );
    assert.equal(signed.length, 3);
    assert.ok(
      signed.every((r) => r.status === 'SIGNED' && r.raw_tx && r.tx_hash),
      'all three signed and stored',
    );
    assert.deepEqual(
      signed.map((r) => Number(r.nonce)),
      [0, 1, 2],
    );
    const hashes = new Map(signed.map((r) => [r.id, r.tx_hash]));

    // 2. Restarted: reconciliation broadcasts the stored bytes; killed right after the first broadcast.
    const second = await runChild({ crashAt: 'after-broadcast' });
    assert.equal(second.signal, 'SIGKILL', `child 2 should have been killed: ${second.stderr.slice(-2000)}`);
    const afterSecond = await withDb((h) =>
      h.db.selectFrom('payouts').select(['id', 'status', 'tx_hash']).where('id', 'in', ids).execute(),
    );
    assert.ok(
      afterSecond.every((r) => r.tx_hash === hashes.get(r.id)),
      'nothing was signed again',
    );

    // 3. Restarted again: everything finishes.
    const third = await runChild({ waitIds: ids, check: request });
    assert.equal(third.code, 0, third.stderr.slice(-2000));
    const report = third.lines.at(-1) as {
      rows: Array<{ id: string; status: string; txHash: string }>;
      chain: Record<string, { hotWalletNonce: number; balances: Record<string, string> }>;
    };
    for (const row of report.rows) {
      assert.equal(row.status, 'CONFIRMED', JSON.stringify(row));
      assert.equal(row.txHash, hashes.get(row.id), 'confirmed with the hash signed before the first crash');
    }
    // Exactly three transactions ever left the hot wallet, and each recipient got its amount once.
    assert.equal(report.chain.ETHEREUM!.hotWalletNonce, 3);
    for (const r of request) assert.equal(report.chain.ETHEREUM!.balances[r.id], r.amountMinor);
  });
});
