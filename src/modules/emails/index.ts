// Transactional emails: queued in the transaction that makes them necessary (a row and a job), sent by
// the job after commit through ctx.messaging (SMTP, or the sandbox inbox). A dedupe key makes a
// trigger that fires twice send once; a sent row is never sent again, whatever the job retries.
import type { AppContext } from '../../context.ts';
import type { Executor } from '../../db/index.ts';
import type { Jobs } from '../../jobs/index.ts';
import { newId } from '../../lib/crypto.ts';
import { missingVars, renderEmail, type EmailTemplate } from './templates.ts';
import type { Module } from '../index.ts';

export { EMAIL_TEMPLATES, renderEmail, type EmailTemplate } from './templates.ts';

export const EMAIL_QUEUE = 'email-send';
const MAX_ATTEMPTS = 6;

export interface QueueEmailInput {
  userId: string | null;
  to: string;
  clientId: string | null;
  template: EmailTemplate;
  vars: Record<string, string>;
  /** Same key → one email (e.g. `welcome:<userId>`). */
  dedupeKey?: string;
  now: Date;
}

/** Writes the email and its send job in `trx`. Returns the email id (the existing one for a repeated dedupe key). */
export async function queueEmail(jobs: Jobs, trx: Executor, input: QueueEmailInput): Promise<string> {
  const missing = missingVars(input.template, input.vars);
  if (missing.length > 0) throw new Error(`email template ${input.template} needs ${missing.join(', ')}`);
  const id = newId();
  const inserted = await trx
    .insertInto('emails')
    .values({
      id,
      user_id: input.userId,
      client_id: input.clientId,
      recipient: input.to,
      template: input.template,
      vars: JSON.stringify(input.vars),
      dedupe_key: input.dedupeKey ?? null,
      created_at: input.now,
      sent_at: null,
      provider_message_id: null,
      last_error: null,
    })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) {
    const existing = await trx
      .selectFrom('emails')
      .select('id')
      .where('dedupe_key', '=', input.dedupeKey!)
      .executeTakeFirstOrThrow();
    return existing.id;
  }
  await jobs.send(EMAIL_QUEUE, { emailId: id }, { trx });
  return id;
}

export type SendTemplatedEmailInput = ({ userId: string; to?: undefined } | { to: string; userId?: undefined }) & {
  template: EmailTemplate;
  vars?: Record<string, string>;
  /** Queue inside this transaction (the email goes out only if it commits); else at once. */
  trx?: Executor;
  dedupeKey?: string;
};

/**
 * Renders `template` for a user (their email; `firstName` filled in) or an address and sends it after
 * commit. Never sends inside a transaction. Returns the email id.
 */
export async function sendTemplatedEmail(ctx: AppContext, input: SendTemplatedEmailInput): Promise<string> {
  const db = input.trx ?? ctx.db;
  let to = input.to;
  let clientId: string | null = null;
  const vars: Record<string, string> = { ...(input.vars ?? {}) };
  if (input.userId !== undefined) {
    const user = await db
      .selectFrom('users')
      .select(['email', 'first_name', 'client_id'])
      .where('id', '=', input.userId)
      .executeTakeFirst();
    if (!user) throw new Error(`sendTemplatedEmail: no user ${input.userId}`);
    to = user.email;
    clientId = user.client_id;
    vars.firstName ??= user.first_name;
  }
  const queue = (trx: Executor) =>
    queueEmail(ctx.jobs, trx, {
      userId: input.userId ?? null,
      to: to!,
      clientId,
      template: input.template,
      vars,
      ...(input.dedupeKey ? { dedupeKey: input.dedupeKey } : {}),
      now: ctx.clock.now(),
    });
  return input.trx ? queue(input.trx) : ctx.db.transaction().execute(queue);
}

/** The send job: renders and sends one email, once. */
export async function deliverEmail(ctx: AppContext, emailId: string): Promise<void> {
  const row = await ctx.db.selectFrom('emails').selectAll().where('id', '=', emailId).executeTakeFirst();
  if (row?.status !== 'PENDING') return;
  const rendered = renderEmail(row.template as EmailTemplate, row.vars, ctx.messaging.brandName);
  try {
    const sent = await ctx.messaging.sendEmail({ to: row.recipient, ...rendered, clientId: row.client_id });
    await ctx.db
      .updateTable('emails')
      .set({
        status: 'SENT',
        provider_message_id: sent.id,
        sent_at: ctx.clock.now(),
        attempts: row.attempts + 1,
        last_error: null,
      })
      .where('id', '=', emailId)
      .where('status', '=', 'PENDING')
      .execute();
  } catch (error) {
    const attempts = row.attempts + 1;
    const failed = attempts >= MAX_ATTEMPTS;
    await ctx.db
      .updateTable('emails')
      .set({ attempts, last_error: (error as Error).message.slice(0, 500), ...(failed ? { status: 'FAILED' } : {}) })
      .where('id', '=', emailId)
      .execute();
    ctx.log.warn(
      { emailId, template: row.template, attempts, err: (error as Error).message },
      failed ? 'email failed for good' : 'email send failed; will retry',
    );
    if (!failed) throw error;
  }
}

export function defineEmailJobs(ctx: AppContext): void {
  ctx.jobs.define<{ emailId: string }>({
    name: EMAIL_QUEUE,
    retryLimit: MAX_ATTEMPTS,
    retryDelaySeconds: 10,
    retryBackoff: true,
    handler: async (job) => deliverEmail(ctx, job.data.emailId),
  });
}

export const emailsModule: Module = { name: 'emails', jobs: defineEmailJobs };
