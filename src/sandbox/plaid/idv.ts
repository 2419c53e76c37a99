// Identity Verification in the built-in Plaid sandbox: /identity_verification/create, /get, /list and
// /retry with Plaid's shapes, state in the database, and Plaid's IDENTITY_VERIFICATION webhooks
// (STEP_UPDATED, STATUS_UPDATED, RETRIED) sent to the dashboard webhook receiver. As with Plaid, a
// verification created with the user's data and consent runs its data checks asynchronously: a job
// decides them at once on the sandbox clock (idv-checks.ts holds the rules) and queues the webhooks in
// the same transaction. When the data checks are inconclusive the template falls back to documentary
// verification, done by the tester on the hosted page at the verification's shareable_url.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Db, Executor } from '../../db/index.ts';
import { uniqueViolation } from '../../db/unique-violation.ts';
import type { Jobs } from '../../jobs/index.ts';
import type { Clock } from '../../lib/clock.ts';
import { safeEqual, type KeyRing } from '../../lib/crypto.ts';
import type { DashboardWebhooks } from './dashboard-webhooks.ts';
import { plaidErrors, PlaidSandboxError } from './errors.ts';
import {
  closeSteps,
  dataCheckResult,
  documentaryVerification,
  kycCheckDetails,
  renderVerification,
  riskCheckDetails,
  type DocumentCategory,
  type IdvRow,
  type IdvStatus,
  type IdvSteps,
  type IdvUser,
} from './idv-checks.ts';
import { SANDBOX_IDV_TEMPLATE_ID, SANDBOX_IDV_TEMPLATE_VERSION } from './idv-template.ts';

export const IDV_CHECKS_QUEUE = 'sandbox-plaid-idv-checks';
const LIST_PAGE_SIZE = 50;
const ALPHANUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Plaid verification ids look like `idv_52xR9LKo77r1Np`. */
function verificationId(): string {
  let out = 'idv_';
  for (const b of randomBytes(14)) out += ALPHANUM[b % ALPHANUM.length];
  return out;
}

export type RetryStrategy = 'reset' | 'incomplete' | 'infer' | 'custom';
export interface RetrySteps {
  verify_sms: boolean;
  kyc_check: boolean;
  documentary_verification: boolean;
  selfie_check: boolean;
}

export interface IdvCreateInput {
  plaidClientId: string;
  clientUserId: string;
  templateId: string;
  isShareable: boolean;
  gaveConsent: boolean;
  isIdempotent: boolean;
  user: IdvUser;
}

export interface IdvRetryInput {
  plaidClientId: string;
  clientUserId: string;
  templateId: string;
  strategy: RetryStrategy;
  steps: RetrySteps | null;
  isShareable: boolean | null;
  user: IdvUser | null;
}

/** Which steps a new attempt runs: the data checks or not; documents required, as fallback, or skipped. */
interface Plan {
  consent: boolean;
  kyc: boolean;
  documents: 'required' | 'fallback' | 'skip';
}

type Webhook = 'STEP_UPDATED' | 'STATUS_UPDATED' | 'RETRIED';

export interface IdvSandboxDeps {
  db: Db;
  clock: Clock;
  keyring: KeyRing;
  jobs: Jobs;
  log: Logger;
  webhooks: DashboardWebhooks;
  /** Where the hosted verification page is reached (the shareable_url's origin). */
  pageBase: () => string;
}

const notFound = () =>
  new PlaidSandboxError(
    400,
    'INVALID_REQUEST',
    'INVALID_FIELD',
    'identity_verification_id does not match an identity verification of this client',
  );

export class IdvSandbox {
  constructor(private readonly deps: IdvSandboxDeps) {
    deps.jobs.define<{ id: string }>({
      name: IDV_CHECKS_QUEUE,
      retryLimit: 3,
      retryDelaySeconds: 1,
      burst: true,
      handler: (job) => this.runDataChecks(job.data.id),
    });
  }

  // ---- reading ----

  private shareKey(id: string): string {
    return this.deps.keyring.blindIndex(id, 'sandbox-idv-share');
  }

  userOf(row: IdvRow): IdvUser {
    return JSON.parse(
      this.deps.keyring.decrypt(
        { keyId: row.user_key_id, ciphertext: row.user_ciphertext },
        `sandbox-idv-user:${row.id}`,
      ),
    ) as IdvUser;
  }

  render(row: IdvRow) {
    const url = row.is_shareable ? `${this.deps.pageBase()}/sandbox/idv/${row.id}?key=${this.shareKey(row.id)}` : null;
    return renderVerification(row, this.userOf(row), url);
  }

  async get(plaidClientId: string, id: string): Promise<IdvRow> {
    const row = await this.deps.db
      .selectFrom('sandbox_plaid_identity_verifications')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row || row.plaid_client_id !== plaidClientId) throw notFound();
    return row;
  }

  private latest(db: Executor, plaidClientId: string, clientUserId: string, templateId: string) {
    return db
      .selectFrom('sandbox_plaid_identity_verifications')
      .selectAll()
      .where('plaid_client_id', '=', plaidClientId)
      .where('client_user_id', '=', clientUserId)
      .where('template_id', '=', templateId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  /** /identity_verification/list: a user's attempts for a template, oldest first, pages of 50. */
  async list(
    plaidClientId: string,
    templateId: string,
    clientUserId: string,
    cursor: string | null,
  ): Promise<{ rows: IdvRow[]; nextCursor: string | null }> {
    checkTemplate(templateId);
    let query = this.deps.db
      .selectFrom('sandbox_plaid_identity_verifications')
      .selectAll()
      .where('plaid_client_id', '=', plaidClientId)
      .where('client_user_id', '=', clientUserId)
      .where('template_id', '=', templateId);
    if (cursor !== null) {
      const after = parseCursor(cursor);
      query = query.where((eb) =>
        eb.or([
          eb('created_at', '>', after.createdAt),
          eb.and([eb('created_at', '=', after.createdAt), eb('id', '>', after.id)]),
        ]),
      );
    }
    const rows = await query
      .orderBy('created_at')
      .orderBy('id')
      .limit(LIST_PAGE_SIZE + 1)
      .execute();
    const page = rows.slice(0, LIST_PAGE_SIZE);
    const last = page.at(-1);
    const nextCursor =
      rows.length > LIST_PAGE_SIZE && last
        ? Buffer.from(JSON.stringify({ c: last.created_at.toISOString(), i: last.id })).toString('base64url')
        : null;
    return { rows: page, nextCursor };
  }

  // ---- creating ----

  /** /identity_verification/create: idempotent on (client_user_id, template_id) when asked to be. */
  async create(input: IdvCreateInput): Promise<IdvRow> {
    checkTemplate(input.templateId);
    const existing = await this.latest(this.deps.db, input.plaidClientId, input.clientUserId, input.templateId);
    if (existing) return this.alreadyExists(existing, input.isIdempotent);
    try {
      return await this.insertAttempt(input, { consent: input.gaveConsent, kyc: true, documents: 'fallback' }, null);
    } catch (error) {
      if (uniqueViolation(error) !== 'sandbox_plaid_idv_first') throw error;
      const raced = await this.latest(this.deps.db, input.plaidClientId, input.clientUserId, input.templateId);
      return this.alreadyExists(raced!, input.isIdempotent);
    }
  }

  private alreadyExists(row: IdvRow, idempotent: boolean): IdvRow {
    if (idempotent) return row;
    throw plaidErrors.invalidField(
      'an identity verification already exists for this client_user_id and template_id: set is_idempotent to get it, or use /identity_verification/retry',
    );
  }

  private async insertAttempt(
    input: Omit<IdvCreateInput, 'gaveConsent' | 'isIdempotent'>,
    plan: Plan,
    previous: { id: string; cancel: boolean } | null,
  ): Promise<IdvRow> {
    const now = this.deps.clock.now();
    const id = verificationId();
    const steps = initialSteps(plan);
    const finished = !plan.kyc && plan.documents === 'skip' && plan.consent;
    const sealed = this.deps.keyring.encrypt(JSON.stringify(input.user), `sandbox-idv-user:${id}`);
    const row = await this.deps.db.transaction().execute(async (trx) => {
      if (previous?.cancel) await this.cancel(trx, previous.id, now);
      const inserted = await trx
        .insertInto('sandbox_plaid_identity_verifications')
        .values({
          id,
          plaid_client_id: input.plaidClientId,
          client_user_id: input.clientUserId,
          template_id: input.templateId,
          template_version: SANDBOX_IDV_TEMPLATE_VERSION,
          previous_attempt_id: previous?.id ?? null,
          status: finished ? 'success' : 'active',
          steps: JSON.stringify(steps),
          user_key_id: sealed.keyId,
          user_ciphertext: sealed.ciphertext,
          kyc_check: null,
          documentary_verification: null,
          risk_check: null,
          is_shareable: input.isShareable,
          documents_required: plan.documents === 'required',
          created_at: now,
          updated_at: now,
          completed_at: finished ? now : null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      if (steps.kyc_check === 'active') await this.deps.jobs.send(IDV_CHECKS_QUEUE, { id }, { trx });
      if (previous) await this.webhook(trx, id, 'RETRIED');
      return inserted;
    });
    this.wake();
    return row;
  }

  /** A retry supersedes an attempt still in progress: it is canceled (STATUS_UPDATED). */
  private async cancel(trx: Executor, id: string, now: Date): Promise<void> {
    const row = await trx
      .selectFrom('sandbox_plaid_identity_verifications')
      .selectAll()
      .where('id', '=', id)
      .where('status', '=', 'active')
      .forUpdate()
      .executeTakeFirst();
    if (!row) return;
    await trx
      .updateTable('sandbox_plaid_identity_verifications')
      .set({ status: 'canceled', steps: JSON.stringify(closeSteps(row.steps, 'canceled')), updated_at: now })
      .where('id', '=', id)
      .execute();
    await this.webhook(trx, id, 'STATUS_UPDATED');
  }

  /** /identity_verification/retry: a new attempt for the user's latest one, by strategy. */
  async retry(input: IdvRetryInput): Promise<IdvRow> {
    checkTemplate(input.templateId);
    const latest = await this.latest(this.deps.db, input.plaidClientId, input.clientUserId, input.templateId);
    if (!latest)
      throw plaidErrors.invalidField(
        'no identity verification exists for this client_user_id and template_id: create one first',
      );
    const plan = retryPlan(input, latest);
    return this.insertAttempt(
      {
        plaidClientId: input.plaidClientId,
        clientUserId: input.clientUserId,
        templateId: input.templateId,
        isShareable: input.isShareable ?? latest.is_shareable,
        user: input.user ?? this.userOf(latest),
      },
      plan,
      { id: latest.id, cancel: latest.status === 'active' },
    );
  }

  // ---- the checks ----

  /** Job: the data checks and the risk check of an attempt whose kyc_check is active. */
  async runDataChecks(id: string): Promise<void> {
    const row = await this.deps.db
      .selectFrom('sandbox_plaid_identity_verifications')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (row?.status !== 'active' || row.steps.kyc_check !== 'active') return;
    const user = this.userOf(row);
    const result = dataCheckResult(user);
    const docs = row.steps.documentary_verification;
    const needDocuments = docs !== 'skipped' && (row.documents_required || result === 'inconclusive');
    const steps: IdvSteps = {
      ...row.steps,
      kyc_check: result === 'match' ? 'success' : 'failed',
      risk_check: row.steps.risk_check === 'skipped' ? 'skipped' : 'success',
      documentary_verification: needDocuments ? 'active' : docs === 'skipped' ? 'skipped' : 'not_applicable',
    };
    const status: IdvStatus = needDocuments ? 'active' : result === 'match' ? 'success' : 'failed';
    const now = this.deps.clock.now();
    await this.update(row, status, steps, {
      kyc_check: JSON.stringify(kycCheckDetails(user, result)),
      ...(steps.risk_check === 'success' ? { risk_check: JSON.stringify(riskCheckDetails()) } : {}),
      ...(status === 'active' ? {} : { completed_at: now }),
    });
  }

  /** Moves `row` on iff it is still as read; queues STEP_UPDATED (and STATUS_UPDATED on a new status). */
  private async update(
    row: IdvRow,
    status: IdvStatus,
    steps: IdvSteps,
    more: { kyc_check?: string; risk_check?: string; documentary_verification?: string; completed_at?: Date },
    also?: (trx: Executor) => Promise<unknown>,
  ): Promise<boolean> {
    const changed = await this.deps.db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('sandbox_plaid_identity_verifications')
        .set({ status, steps: JSON.stringify(steps), updated_at: this.deps.clock.now(), ...more })
        .where('id', '=', row.id)
        .where('status', '=', row.status)
        .where(sql<boolean>`steps = ${JSON.stringify(row.steps)}::jsonb`)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) return false;
      await also?.(trx);
      await this.webhook(trx, row.id, 'STEP_UPDATED');
      if (status !== row.status) await this.webhook(trx, row.id, 'STATUS_UPDATED');
      return true;
    });
    if (changed) this.wake();
    return changed;
  }

  private webhook(trx: Executor, id: string, code: Webhook): Promise<void> {
    return this.deps.webhooks.send(trx, {
      webhook_type: 'IDENTITY_VERIFICATION',
      webhook_code: code,
      identity_verification_id: id,
      environment: 'sandbox',
    });
  }

  private wake(): void {
    this.deps.jobs.wake(IDV_CHECKS_QUEUE);
    this.deps.webhooks.wake();
  }

  // ---- the hosted page ----

  /** The verification behind a shareable link, or INVALID_FIELD for a wrong id or key. */
  async byShareKey(id: string, key: string): Promise<IdvRow> {
    const row = /^idv_[A-Za-z0-9]{1,40}$/.test(id)
      ? await this.deps.db
          .selectFrom('sandbox_plaid_identity_verifications')
          .selectAll()
          .where('id', '=', id)
          .executeTakeFirst()
      : undefined;
    if (!row?.is_shareable || !safeEqual(key, this.shareKey(id)))
      throw new PlaidSandboxError(
        400,
        'INVALID_REQUEST',
        'INVALID_FIELD',
        'the identity verification id or key of this link is not valid',
        'This verification link is not valid. Ask the app for a new one.',
      );
    return row;
  }

  /** The user agrees to the terms (a verification created with gave_consent: false): the checks start. */
  async acceptTerms(id: string, key: string): Promise<IdvRow> {
    const row = await this.byShareKey(id, key);
    if (row.steps.accept_tos !== 'active') return row;
    const kyc = row.steps.kyc_check === 'waiting_for_prerequisite';
    const steps: IdvSteps = {
      ...row.steps,
      accept_tos: 'success',
      ...(kyc ? { kyc_check: 'active' } : {}),
      ...(!kyc && row.steps.documentary_verification === 'waiting_for_prerequisite'
        ? { documentary_verification: 'active' }
        : {}),
    };
    await this.update(row, 'active', steps, {}, (trx) =>
      kyc ? this.deps.jobs.send(IDV_CHECKS_QUEUE, { id }, { trx }) : Promise.resolve(),
    );
    return this.byShareKey(id, key);
  }

  /** The tester uploaded a pretend document and chose whether it passes. */
  async submitDocument(id: string, key: string, category: DocumentCategory, passed: boolean): Promise<IdvRow> {
    const row = await this.byShareKey(id, key);
    if (row.status !== 'active' || row.steps.documentary_verification !== 'active')
      throw new PlaidSandboxError(
        400,
        'INVALID_REQUEST',
        'INVALID_FIELD',
        `this verification does not ask for a document (it is ${row.status})`,
        'This verification does not need a document any more. Return to the app.',
      );
    const now = this.deps.clock.now();
    const steps: IdvSteps = { ...row.steps, documentary_verification: passed ? 'success' : 'failed' };
    const documents = documentaryVerification(this.userOf(row), category, passed, now);
    await this.update(row, passed ? 'success' : 'failed', steps, {
      documentary_verification: JSON.stringify(documents),
      completed_at: now,
    });
    return this.byShareKey(id, key);
  }
}

function checkTemplate(templateId: string): void {
  if (templateId !== SANDBOX_IDV_TEMPLATE_ID)
    throw plaidErrors.invalidField(
      `template_id ${templateId.slice(0, 64)} is not a template of this client: the built-in sandbox has ${SANDBOX_IDV_TEMPLATE_ID}`,
    );
}

function parseCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { c?: unknown; i?: unknown };
    const createdAt = new Date(String(parsed.c));
    if (typeof parsed.i === 'string' && !Number.isNaN(createdAt.getTime())) return { createdAt, id: parsed.i };
  } catch {
    // below
  }
  throw plaidErrors.invalidField('cursor is not a cursor this endpoint returned');
}

function initialSteps(plan: Plan): IdvSteps {
  const waitOr = (run: boolean, now: boolean) => (run ? (now ? 'active' : 'waiting_for_prerequisite') : 'skipped');
  const documentsNow = plan.consent && !plan.kyc && plan.documents !== 'skip';
  return {
    accept_tos: plan.consent ? 'skipped' : 'active',
    verify_sms: 'not_applicable',
    kyc_check: waitOr(plan.kyc, plan.consent),
    documentary_verification:
      plan.documents === 'skip' ? 'skipped' : documentsNow ? 'active' : 'waiting_for_prerequisite',
    selfie_check: 'not_applicable',
    watchlist_screening: 'not_applicable',
    risk_check: plan.kyc ? 'waiting_for_prerequisite' : 'skipped',
  };
}

const passed = (s: string) => s === 'success' || s === 'manually_approved';

/** Plaid's retry strategies (its Strategy docs), applied to the user's latest attempt. */
function retryPlan(input: IdvRetryInput, latest: IdvRow): Plan {
  if ((input.strategy === 'custom') !== (input.steps !== null))
    throw plaidErrors.invalidField('steps must be provided with the custom strategy and omitted otherwise');
  let strategy = input.strategy;
  if (strategy === 'infer') {
    if (latest.status === 'active')
      throw plaidErrors.invalidField('the infer strategy cannot be applied while the latest session is still active');
    strategy = latest.status === 'failed' || latest.status === 'expired' ? 'incomplete' : 'reset';
  }
  switch (strategy) {
    case 'reset':
      return { consent: true, kyc: true, documents: 'fallback' };
    case 'incomplete': {
      const docs = latest.steps.documentary_verification;
      return {
        consent: true,
        kyc: !passed(latest.steps.kyc_check),
        documents: passed(docs) ? 'skip' : passed(latest.steps.kyc_check) ? 'required' : 'fallback',
      };
    }
    case 'custom':
      // verify_sms and selfie_check do not run in this sandbox (Plaid's sandbox skips selfies too).
      return {
        consent: true,
        kyc: input.steps!.kyc_check,
        documents: input.steps!.documentary_verification ? 'required' : 'skip',
      };
    default: {
      const never: never = strategy;
      throw new Error(`unknown strategy ${String(never)}`);
    }
  }
}
