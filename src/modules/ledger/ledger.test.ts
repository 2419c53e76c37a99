import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openTestDatabase } from '../../../test/helpers.ts';
import type { DbHandle } from '../../db/index.ts';
import { newId } from '../../lib/crypto.ts';
import { runCommand } from '../../operator/run.ts';
import type { AppContext } from '../../context.ts';
import {
  balance,
  balances,
  checkLedger,
  getJournal,
  LedgerError,
  postJournal,
  postPending,
  sumPostings,
  voidPending,
} from './index.ts';

const AT = new Date('2026-03-02T15:00:00Z');

describe('double-entry ledger', () => {
  let h: DbHandle;
  before(async () => {
    h = await openTestDatabase();
  });
  after(() => h.close());

  const purchase = (ref: string, cents: bigint) => [
    { account: `user:${ref}:ach_receivable`, currency: 'USD', amountMinor: cents },
    { account: 'platform:fees', currency: 'USD', amountMinor: -3n },
    { account: 'platform:sales', currency: 'USD', amountMinor: -(cents - 3n) },
  ];

  it('posts a balanced journal and moves the running balances', async () => {
    const ref = newId();
    const j = await h.db
      .transaction()
      .execute((trx) =>
        postJournal(trx, { kind: 'purchase.originated', reference: ref, lines: purchase(ref, 1000n), at: AT }),
      );
    assert.equal(j.status, 'POSTED');
    assert.equal(j.replayed, false);
    assert.equal(await balance(h.db, `user:${ref}:ach_receivable`, 'USD'), 1000n);
    const stored = await getJournal(h.db, { kind: 'purchase.originated', reference: ref });
    assert.equal(stored?.lines.length, 3);
    assert.equal(stored?.created_at.toISOString(), AT.toISOString());
  });

  it('rejects unbalanced, zero, malformed and single-line journals before writing anything', async () => {
    const ref = newId();
    const cases: Array<[Parameters<typeof postJournal>[1]['lines'], string]> = [
      [
        [
          { account: 'a', currency: 'USD', amountMinor: 5n },
          { account: 'b', currency: 'USD', amountMinor: -4n },
        ],
        'UNBALANCED',
      ],
      // Balanced in total but not per currency.
      [
        [
          { account: 'a', currency: 'USD', amountMinor: 5n },
          { account: 'b', currency: 'ETH', amountMinor: -5n },
        ],
        'UNBALANCED',
      ],
      [
        [
          { account: 'a', currency: 'USD', amountMinor: 0n },
          { account: 'b', currency: 'USD', amountMinor: 0n },
        ],
        'INVALID_LINES',
      ],
      [[{ account: 'a', currency: 'USD', amountMinor: 5n }], 'INVALID_LINES'],
      [
        [
          { account: 'has space', currency: 'USD', amountMinor: 5n },
          { account: 'b', currency: 'USD', amountMinor: -5n },
        ],
        'INVALID_LINES',
      ],
      [
        [
          { account: 'a', currency: 'usd', amountMinor: 5n },
          { account: 'b', currency: 'usd', amountMinor: -5n },
        ],
        'INVALID_LINES',
      ],
      // A number, not a bigint: refused rather than silently converted.
      [
        [
          { account: 'a', currency: 'USD', amountMinor: 5 as unknown as bigint },
          { account: 'b', currency: 'USD', amountMinor: -5n },
        ],
        'INVALID_LINES',
      ],
    ];
    for (const [lines, reason] of cases) {
      await assert.rejects(
        h.db.transaction().execute((trx) => postJournal(trx, { at: AT, kind: 'test', reference: ref, lines })),
        (e: unknown) => e instanceof LedgerError && e.reason === reason,
      );
    }
    assert.equal(await getJournal(h.db, { kind: 'test', reference: ref }), undefined);
  });

  it('has the database refuse an unbalanced journal at commit and any change to a posting', async () => {
    const id = newId();
    await assert.rejects(
      h.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('ledger_journals')
          .values({
            id,
            kind: 'raw',
            reference: id,
            status: 'POSTED',
            lines_hash: 'x',
            metadata: '{}',
            created_at: AT,
            updated_at: AT,
          })
          .execute();
        await trx
          .insertInto('ledger_postings')
          .values([
            { journal_id: id, account: 'a', currency: 'USD', amount_minor: 10n, created_at: AT },
            { journal_id: id, account: 'b', currency: 'USD', amount_minor: -9n, created_at: AT },
          ])
          .execute();
      }),
      /does not balance in USD/,
    );
    const ref = newId();
    const j = await h.db
      .transaction()
      .execute((trx) =>
        postJournal(trx, { at: AT, kind: 'purchase.originated', reference: ref, lines: purchase(ref, 500n) }),
      );
    await assert.rejects(
      h.db.updateTable('ledger_postings').set({ amount_minor: 1n }).where('journal_id', '=', j.id).execute(),
      /immutable/,
    );
    await assert.rejects(h.db.deleteFrom('ledger_postings').where('journal_id', '=', j.id).execute(), /immutable/);
  });

  it('is idempotent on (kind, reference): same lines replay, other lines conflict', async () => {
    const ref = newId();
    const first = await h.db
      .transaction()
      .execute((trx) =>
        postJournal(trx, { at: AT, kind: 'purchase.originated', reference: ref, lines: purchase(ref, 2000n) }),
      );
    // The same lines in another order are the same journal.
    const again = await h.db.transaction().execute((trx) =>
      postJournal(trx, {
        at: AT,
        kind: 'purchase.originated',
        reference: ref,
        lines: purchase(ref, 2000n).reverse(),
      }),
    );
    assert.equal(again.id, first.id);
    assert.equal(again.replayed, true);
    assert.equal(await balance(h.db, `user:${ref}:ach_receivable`, 'USD'), 2000n);
    await assert.rejects(
      h.db
        .transaction()
        .execute((trx) =>
          postJournal(trx, { at: AT, kind: 'purchase.originated', reference: ref, lines: purchase(ref, 2001n) }),
        ),
      (e: unknown) => e instanceof LedgerError && e.reason === 'KEY_CONFLICT',
    );
    // Another kind with the same reference is another event.
    const settled = await h.db.transaction().execute((trx) =>
      postJournal(trx, {
        at: AT,
        kind: 'ach.settled',
        reference: ref,
        lines: [
          { account: 'platform:ach_clearing', currency: 'USD', amountMinor: 2000n },
          { account: `user:${ref}:ach_receivable`, currency: 'USD', amountMinor: -2000n },
        ],
      }),
    );
    assert.equal(settled.replayed, false);
    assert.equal(await balance(h.db, `user:${ref}:ach_receivable`, 'USD'), 0n);
  });

  it('moves a pending journal to posted or voided exactly once', async () => {
    const a = newId();
    const b = newId();
    const lines = (ref: string) => [
      { account: `user:${ref}:wallet`, currency: 'ETH', amountMinor: 10n ** 16n },
      { account: 'platform:hot_wallet:ETHEREUM:ETH', currency: 'ETH', amountMinor: -(10n ** 16n) },
    ];
    await h.db.transaction().execute(async (trx) => {
      await postJournal(trx, { at: AT, kind: 'delivery.sent', reference: a, lines: lines(a), status: 'PENDING' });
      await postJournal(trx, { at: AT, kind: 'delivery.sent', reference: b, lines: lines(b), status: 'PENDING' });
    });
    assert.deepEqual(await balances(h.db, `user:${a}:wallet`, 'ETH'), { posted: 0n, pending: 10n ** 16n });

    assert.equal(
      await h.db.transaction().execute((trx) => postPending(trx, { kind: 'delivery.sent', reference: a }, AT)),
      true,
    );
    assert.equal(
      await h.db.transaction().execute((trx) => postPending(trx, { kind: 'delivery.sent', reference: a }, AT)),
      false,
    );
    assert.deepEqual(await balances(h.db, `user:${a}:wallet`, 'ETH'), { posted: 10n ** 16n, pending: 0n });
    await assert.rejects(
      h.db.transaction().execute((trx) => voidPending(trx, { kind: 'delivery.sent', reference: a }, AT)),
      (e: unknown) => e instanceof LedgerError && e.reason === 'NOT_PENDING',
    );

    assert.equal(
      await h.db.transaction().execute((trx) => voidPending(trx, { kind: 'delivery.sent', reference: b }, AT)),
      true,
    );
    assert.deepEqual(await balances(h.db, `user:${b}:wallet`, 'ETH'), { posted: 0n, pending: 0n });
    await assert.rejects(
      h.db.transaction().execute((trx) => postPending(trx, { kind: 'delivery.sent', reference: b }, AT)),
      (e: unknown) => e instanceof LedgerError && e.reason === 'NOT_PENDING',
    );
    await assert.rejects(
      h.db.transaction().execute((trx) => postPending(trx, { kind: 'delivery.sent', reference: newId() }, AT)),
      (e: unknown) => e instanceof LedgerError && e.reason === 'NOT_FOUND',
    );
  });

  it("sums an account's postings in a time window, leaving voided journals out", async () => {
    const user = newId();
    const account = `user:${user}:ach_receivable`;
    const post = (ref: string, cents: bigint, at: string, status: 'POSTED' | 'PENDING' = 'POSTED') =>
      h.db.transaction().execute((trx) =>
        postJournal(trx, {
          kind: 'purchase.originated',
          reference: ref,
          status,
          at: new Date(at),
          lines: [
            { account, currency: 'USD', amountMinor: cents },
            { account: 'platform:sales', currency: 'USD', amountMinor: -cents },
          ],
        }),
      );
    await post(newId(), 100n, '2026-03-01T00:00:00Z');
    await post(newId(), 200n, '2026-03-02T00:00:00Z');
    const voided = newId();
    await post(voided, 400n, '2026-03-02T01:00:00Z', 'PENDING');
    await h.db.transaction().execute((trx) => voidPending(trx, { kind: 'purchase.originated', reference: voided }, AT));
    await post(newId(), 800n, '2026-03-02T02:00:00Z', 'PENDING');
    const window = {
      account,
      currency: 'USD',
      from: new Date('2026-03-01T12:00:00Z'),
      to: new Date('2026-03-03T00:00:00Z'),
    };
    assert.deepEqual(await sumPostings(h.db, window), { totalMinor: 1000n, count: 2 });
    assert.deepEqual(await sumPostings(h.db, { ...window, statuses: ['POSTED'] }), { totalMinor: 200n, count: 1 });
    assert.deepEqual(await sumPostings(h.db, { account, currency: 'USD' }), { totalMinor: 1100n, count: 3 });
    assert.deepEqual(await sumPostings(h.db, { account: 'platform:sales', currency: 'USD', sign: 'debits' }), {
      totalMinor: 0n,
      count: 0,
    });
  });

  it('keeps balances right under concurrent journals on the same accounts', async () => {
    const user = newId();
    const account = `user:${user}:ach_receivable`;
    // Opposite line orders: the fixed lock order is what keeps these from deadlocking on a server.
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        h.db.transaction().execute((trx) => {
          const lines = [
            { account, currency: 'USD', amountMinor: 100n },
            { account: 'platform:ach_clearing', currency: 'USD', amountMinor: -100n },
          ];
          return postJournal(trx, {
            at: AT,
            kind: 'purchase.originated',
            reference: `${user}-${i}`,
            lines: i % 2 ? lines : lines.reverse(),
          });
        }),
      ),
    );
    assert.equal(await balance(h.db, account, 'USD'), 2000n);
  });

  it('ledger check passes on a consistent ledger and reports a tampered balance', async () => {
    const ok = await checkLedger(h.db);
    assert.equal(ok.ok, true, JSON.stringify(ok));
    assert.ok(ok.journals > 5 && ok.postings > 10 && ok.accounts > 3);

    const ctx = { db: h.db, log: { error() {} } } as unknown as AppContext;
    const cli = await runCommand(ctx, ['ledger', 'check']);
    assert.equal(cli.exitCode, 0);
    assert.equal((cli.output as { ok: boolean }).ok, true);

    await sql`update ledger_balances set posted_minor = posted_minor + 1 where account = 'platform:fees' and currency = 'USD'`.execute(
      h.db,
    );
    const bad = await checkLedger(h.db);
    assert.equal(bad.ok, false);
    assert.deepEqual(
      bad.mismatchedBalances.map((m) => m.account),
      ['platform:fees'],
    );
    const failed = await runCommand(ctx, ['ledger', 'check']);
    assert.equal(failed.exitCode, 1);
    assert.match(failed.error ?? '', /ledger check FAILED/);
    await sql`update ledger_balances set posted_minor = posted_minor - 1 where account = 'platform:fees' and currency = 'USD'`.execute(
      h.db,
    );
    assert.equal((await checkLedger(h.db)).ok, true);
  });
});
