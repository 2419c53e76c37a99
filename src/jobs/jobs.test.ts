import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { openTestDatabase } from '../../test/helpers.ts';
import type { DbHandle } from '../db/index.ts';
import { invariant } from '../lib/invariant.ts';
import { Jobs } from './index.ts';

async function waitFor(check: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('jobs', () => {
  let db: DbHandle;
  let jobs: Jobs;
  const seen: string[] = [];
  let failuresLeft = 1;

  before(async () => {
    db = await openTestDatabase();
    jobs = new Jobs(db, { pollingIntervalSeconds: 0.5, log: pino({ level: 'silent' }) });
    jobs.define<{ value: string }>({ name: 'test-echo', handler: async (job) => void seen.push(job.data.value) });
    jobs.define<{ value: string }>({
      name: 'test-flaky',
      retryDelaySeconds: 1,
      retryBackoff: false,
      handler: async (job) => {
        if (failuresLeft-- > 0) throw new Error('transient');
        seen.push(job.data.value);
      },
    });
    await jobs.start({ workers: true });
  });
  after(async () => {
    await jobs.stop();
    await db.close();
  });

  it('runs a job enqueued inside a committed transaction, and none from a rolled-back one', async () => {
    await db.db.transaction().execute(async (trx) => {
      await jobs.send('test-echo', { value: 'committed' }, { trx });
    });
    await assert.rejects(
      db.db.transaction().execute(async (trx) => {
        await jobs.send('test-echo', { value: 'rolled-back' }, { trx });
        throw new Error('abort');
      }),
    );
    await waitFor(() => seen.includes('committed'));
    await new Promise((r) => setTimeout(r, 1500));
    assert.ok(!seen.includes('rolled-back'));
  });

  it('retries a failing job', async () => {
    await jobs.send('test-flaky', { value: 'eventually' });
    await waitFor(() => seen.includes('eventually'));
    assert.equal(failuresLeft, -1);
  });
});

describe('job wake-ups on send', () => {
  let db: DbHandle;
  let jobs: Jobs;
  const seen: string[] = [];

  before(async () => {
    db = await openTestDatabase();
    // Workers that would otherwise poll once an hour: only the NOTIFY sent with the job can wake them.
    jobs = new Jobs(db, { pollingIntervalSeconds: 3600, log: pino({ level: 'silent' }) });
    jobs.define<{ value: string }>({ name: 'test-wake', handler: async (job) => void seen.push(job.data.value) });
    await jobs.start({ workers: true });
  });
  after(async () => {
    await jobs.stop();
    await db.close();
  });

  it('runs a job as soon as the transaction that sent it commits, long before the next poll', async () => {
    // Past the workers' first fetch at start, so what follows can only come from a wake-up.
    await new Promise((r) => setTimeout(r, 500));
    await db.db.transaction().execute(async (trx) => {
      await jobs.send('test-wake', { value: 'first' }, { trx });
    });
    await waitFor(() => seen.includes('first'), 60_000);
    await jobs.sendMany('test-wake', [{ data: { value: 'second' } }, { data: { value: 'third' } }]);
    await waitFor(() => seen.includes('second') && seen.includes('third'), 60_000);
  });
});

describe('a job that breaks an invariant', () => {
  let db: DbHandle;
  let jobs: Jobs;
  const lines: Array<Record<string, unknown>> = [];

  before(async () => {
    db = await openTestDatabase();
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    jobs = new Jobs(db, { pollingIntervalSeconds: 0.5, log });
    jobs.define<{ id: string }>({
      name: 'test-broken',
      retryLimit: 0,
      handler: async (job) => invariant(false, `purchase ${job.data.id} reads a state it cannot be in`),
    });
    await jobs.start({ workers: true });
  });
  after(async () => {
    await jobs.stop();
    await db.close();
  });

  it('is logged at fatal level with its queue and job id', async () => {
    const jobId = await jobs.send('test-broken', { id: 'p-42' });
    await waitFor(() => lines.some((l) => l.level === 60));
    const fatal = lines.find((l) => l.level === 60)!;
    assert.equal(fatal.queue, 'test-broken');
    assert.equal(fatal.jobId, jobId);
    assert.match(String((fatal.err as { message?: string }).message), /p-42 reads a state it cannot be in/);
  });
});
