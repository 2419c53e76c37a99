// The double-entry ledger: every movement of money is a journal of postings that sums to zero per
// currency, written in the caller's transaction together with the business change it records.
//
// Accounts are named by string, by convention `<owner>:<id>:<purpose>` or `platform:<purpose>[:…]`
// (`user:<id>:ach_receivable`, `platform:fees`, `platform:hot_wallet:ETHEREUM:ETH`). Amounts are bigint
// minor units (USD cents, wei, USDC micro-units) with the currency beside them; debits are positive,
// credits negative. A journal is idempotent on (kind, reference): posting the same key again with the
// same lines returns the first journal (`replayed: true`); with other lines it throws.
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Executor, Tx } from '../../db/index.ts';
import { newId } from '../../lib/crypto.ts';
import type { JournalStatus } from './tables.ts';

export type { JournalStatus } from './tables.ts';

export interface JournalLine {
  account: string;
  currency: string;
  /** Signed minor units: debits positive, credits negative; never zero. */
  amountMinor: bigint;
}

export interface PostJournalInput {
  id?: string;
  /** What happened, e.g. `purchase.originated`, `ach.settled`, `delivery.sent` (lower case, ≤ 64). */
  kind: string;
  /** The business object it happened to (an activity id…); unique per kind. */
  reference: string;
  lines: JournalLine[];
  /** POSTED (default) counts in the posted balance; PENDING until postPending() or voidPending(). */
  status?: 'POSTED' | 'PENDING';
  /** When it happened: ctx.clock.now(), so the sandbox clock applies. */
  at: Date;
  metadata?: Record<string, unknown>;
}

export interface PostedJournal {
  id: string;
  kind: string;
  reference: string;
  status: JournalStatus;
  /** true when (kind, reference) had already been posted with the same lines: nothing was written. */
  replayed: boolean;
}

export type LedgerErrorReason = 'INVALID_LINES' | 'UNBALANCED' | 'KEY_CONFLICT' | 'NOT_FOUND' | 'NOT_PENDING';

/** A programming error or a broken invariant: never caused by partner input, so never mapped to 4xx. */
export class LedgerError extends Error {
  constructor(
    readonly reason: LedgerErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'LedgerError';
  }
}

const ACCOUNT_RE = /^[A-Za-z0-9_.:@-]{1,200}$/;
const CURRENCY_RE = /^[A-Z0-9_]{1,32}$/;
const KIND_RE = /^[a-z0-9_.:-]{1,64}$/;

/** Checks the lines and returns them merged per (account, currency), in the fixed lock order. */
export function validateLines(lines: JournalLine[]): JournalLine[] {
  if (!Array.isArray(lines) || lines.length < 2)
    throw new LedgerError('INVALID_LINES', 'a journal needs at least two lines');
  const merged = new Map<string, JournalLine>();
  const totals = new Map<string, bigint>();
  for (const line of lines) {
    if (!ACCOUNT_RE.test(line.account))
      throw new LedgerError('INVALID_LINES', `invalid account name "${line.account}"`);
    if (!CURRENCY_RE.test(line.currency)) throw new LedgerError('INVALID_LINES', `invalid currency "${line.currency}"`);
    if (typeof line.amountMinor !== 'bigint' || line.amountMinor === 0n) {
      throw new LedgerError('INVALID_LINES', `amountMinor of ${line.account} must be a non-zero bigint`);
    }
    totals.set(line.currency, (totals.get(line.currency) ?? 0n) + line.amountMinor);
    const key = `${line.account}\u0000${line.currency}`;
    const prior = merged.get(key);
    merged.set(key, {
      account: line.account,
      currency: line.currency,
      amountMinor: (prior?.amountMinor ?? 0n) + line.amountMinor,
    });
  }
  for (const [currency, total] of totals) {
    if (total !== 0n)
      throw new LedgerError('UNBALANCED', `journal does not balance in ${currency}: debits minus credits = ${total}`);
  }
  const effective = [...merged.values()].filter((l) => l.amountMinor !== 0n).sort(compareAccounts);
  // Lines that cancel out on one account move nothing: such a journal records nothing that happened.
  if (effective.length < 2)
    throw new LedgerError('INVALID_LINES', 'a journal must move an amount between at least two accounts');
  return effective;
}

function compareAccounts(a: { account: string; currency: string }, b: { account: string; currency: string }): number {
  if (a.account !== b.account) return a.account < b.account ? -1 : 1;
  return a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0;
}

function linesHash(lines: JournalLine[]): string {
  const canonical = [...lines]
    .sort(
      (a, b) => compareAccounts(a, b) || (a.amountMinor < b.amountMinor ? -1 : a.amountMinor > b.amountMinor ? 1 : 0),
    )
    .map((l) => `${l.account}|${l.currency}|${l.amountMinor}`)
    .join('\n');
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * Posts a journal inside `trx` (the caller's transaction: the journal commits with the change it
 * records). Rejects unbalanced or malformed lines; idempotent on (kind, reference).
 */
export async function postJournal(trx: Tx | Executor, input: PostJournalInput): Promise<PostedJournal> {
  if (!KIND_RE.test(input.kind)) throw new LedgerError('INVALID_LINES', `invalid journal kind "${input.kind}"`);
  if (!input.reference || input.reference.length > 200)
    throw new LedgerError('INVALID_LINES', 'reference must be 1 to 200 characters');
  validateLines(input.lines);
  const status = input.status ?? 'POSTED';
  const at = input.at;
  const hash = linesHash(input.lines);
  const id = input.id ?? newId();

  const inserted = await trx
    .insertInto('ledger_journals')
    .values({
      id,
      kind: input.kind,
      reference: input.reference,
      status,
      lines_hash: hash,
      metadata: JSON.stringify(input.metadata ?? {}),
      created_at: at,
      updated_at: at,
    })
    .onConflict((oc) => oc.columns(['kind', 'reference']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) {
    const existing = await trx
      .selectFrom('ledger_journals')
      .select(['id', 'status', 'lines_hash'])
      .where('kind', '=', input.kind)
      .where('reference', '=', input.reference)
      .executeTakeFirstOrThrow();
    if (existing.lines_hash !== hash) {
      throw new LedgerError(
        'KEY_CONFLICT',
        `journal ${input.kind}/${input.reference} was already posted with different lines`,
      );
    }
    return { id: existing.id, kind: input.kind, reference: input.reference, status: existing.status, replayed: true };
  }

  await trx
    .insertInto('ledger_postings')
    .values(
      input.lines.map((l) => ({
        journal_id: id,
        account: l.account,
        currency: l.currency,
        amount_minor: l.amountMinor,
        created_at: at,
      })),
    )
    .execute();
  await applyToBalances(trx, input.lines, status === 'POSTED' ? 'posted' : 'pending', at);
  return { id, kind: input.kind, reference: input.reference, status, replayed: false };
}

/**
 * Adds amounts to the running balances: one upsert, rows in the fixed (account, currency) order so
 * two journals touching the same accounts lock them in the same order and cannot deadlock.
 */
async function applyToBalances(
  trx: Executor,
  lines: JournalLine[],
  column: 'posted' | 'pending',
  at: Date,
  sign = 1n,
): Promise<void> {
  const merged = validateLinesLoose(lines);
  if (merged.length === 0) return;
  const values = merged.map((l) => ({
    account: l.account,
    currency: l.currency,
    posted_minor: column === 'posted' ? l.amountMinor * sign : 0n,
    pending_minor: column === 'pending' ? l.amountMinor * sign : 0n,
    updated_at: at,
  }));
  await trx
    .insertInto('ledger_balances')
    .values(values)
    .onConflict((oc) =>
      oc.columns(['account', 'currency']).doUpdateSet({
        posted_minor: sql`ledger_balances.posted_minor + excluded.posted_minor`,
        pending_minor: sql`ledger_balances.pending_minor + excluded.pending_minor`,
        updated_at: sql`excluded.updated_at`,
      }),
    )
    .execute();
}

/** Merges lines per (account, currency) in lock order, without the balance check (moves between columns). */
function validateLinesLoose(lines: JournalLine[]): JournalLine[] {
  const merged = new Map<string, JournalLine>();
  for (const l of lines) {
    const key = `${l.account}\u0000${l.currency}`;
    merged.set(key, {
      account: l.account,
      currency: l.currency,
      amountMinor: (merged.get(key)?.amountMinor ?? 0n) + l.amountMinor,
    });
  }
  return [...merged.values()].filter((l) => l.amountMinor !== 0n).sort(compareAccounts);
}

export interface JournalKey {
  kind: string;
  reference: string;
}

/** PENDING → POSTED, exactly once. Returns false when it was already posted; throws when voided or absent. */
export async function postPending(trx: Tx | Executor, key: JournalKey, at: Date): Promise<boolean> {
  return settlePending(trx, key, 'POSTED', at);
}

/** PENDING → VOIDED, exactly once: its amounts leave the pending balances. Returns false when already voided. */
export async function voidPending(trx: Tx | Executor, key: JournalKey, at: Date): Promise<boolean> {
  return settlePending(trx, key, 'VOIDED', at);
}

async function settlePending(trx: Executor, key: JournalKey, to: 'POSTED' | 'VOIDED', at: Date): Promise<boolean> {
  const updated = await trx
    .updateTable('ledger_journals')
    .set({ status: to, updated_at: at })
    .where('kind', '=', key.kind)
    .where('reference', '=', key.reference)
    .where('status', '=', 'PENDING')
    .returning('id')
    .executeTakeFirst();
  if (!updated) {
    const existing = await trx
      .selectFrom('ledger_journals')
      .select('status')
      .where('kind', '=', key.kind)
      .where('reference', '=', key.reference)
      .executeTakeFirst();
    if (!existing) throw new LedgerError('NOT_FOUND', `no journal ${key.kind}/${key.reference}`);
    if (existing.status === to) return false;
    throw new LedgerError(
      'NOT_PENDING',
      `journal ${key.kind}/${key.reference} is ${existing.status}, cannot become ${to}`,
    );
  }
  const postings = await trx
    .selectFrom('ledger_postings')
    .select(['account', 'currency', 'amount_minor'])
    .where('journal_id', '=', updated.id)
    .execute();
  const lines = postings.map((p) => ({ account: p.account, currency: p.currency, amountMinor: p.amount_minor }));
  await applyToBalances(trx, lines, 'pending', at, -1n);
  if (to === 'POSTED') await applyToBalances(trx, lines, 'posted', at);
  return true;
}

/** The posted balance of an account in one currency (0 for an account never used). */
export async function balance(db: Executor, account: string, currency: string): Promise<bigint> {
  return (await balances(db, account, currency)).posted;
}

/** Posted and pending (not yet posted or voided) balances of an account. */
export async function balances(
  db: Executor,
  account: string,
  currency: string,
): Promise<{ posted: bigint; pending: bigint }> {
  const row = await db
    .selectFrom('ledger_balances')
    .select(['posted_minor', 'pending_minor'])
    .where('account', '=', account)
    .where('currency', '=', currency)
    .executeTakeFirst();
  return { posted: row?.posted_minor ?? 0n, pending: row?.pending_minor ?? 0n };
}

/**
 * Sum of an account's postings in a time window, over journals in the given statuses (default:
 * pending and posted, i.e. everything not voided). Limits use it: "used" comes from the ledger.
 */
export async function sumPostings(
  db: Executor,
  q: {
    account: string;
    currency: string;
    from?: Date;
    to?: Date;
    statuses?: JournalStatus[];
    sign?: 'debits' | 'credits';
  },
): Promise<{ totalMinor: bigint; count: number }> {
  let query = db
    .selectFrom('ledger_postings as p')
    .innerJoin('ledger_journals as j', 'j.id', 'p.journal_id')
    .select([sql<string>`coalesce(sum(p.amount_minor), 0)::text`.as('total'), sql<string>`count(*)::text`.as('count')])
    .where('p.account', '=', q.account)
    .where('p.currency', '=', q.currency)
    .where('j.status', 'in', q.statuses ?? ['PENDING', 'POSTED']);
  if (q.from) query = query.where('p.created_at', '>=', q.from);
  if (q.to) query = query.where('p.created_at', '<', q.to);
  if (q.sign === 'debits') query = query.where('p.amount_minor', '>', 0n);
  if (q.sign === 'credits') query = query.where('p.amount_minor', '<', 0n);
  const row = await query.executeTakeFirstOrThrow();
  return { totalMinor: BigInt(row.total), count: Number(row.count) };
}

/** A journal and its postings, for tests, support and the operator. */
export async function getJournal(db: Executor, key: JournalKey) {
  const journal = await db
    .selectFrom('ledger_journals')
    .selectAll()
    .where('kind', '=', key.kind)
    .where('reference', '=', key.reference)
    .executeTakeFirst();
  if (!journal) return undefined;
  const postings = await db
    .selectFrom('ledger_postings')
    .select(['account', 'currency', 'amount_minor'])
    .where('journal_id', '=', journal.id)
    .orderBy('id')
    .execute();
  return {
    ...journal,
    lines: postings.map((p) => ({ account: p.account, currency: p.currency, amountMinor: p.amount_minor })),
  };
}

export { checkLedger, type LedgerCheckReport } from './check.ts';
