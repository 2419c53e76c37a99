// Plaid Transfer's endpoints in the built-in sandbox, with Plaid's request fields, response shapes
// (the plaid@47 client's Transfer, TransferAuthorization, TransferEvent, TransferRefund) and error
// objects. State and behaviour live in transfer.ts; this file parses requests and renders answers.
import { createHash } from 'node:crypto';
import { formatUsd, parseUsdCents, type UsdCents } from '../../lib/money.ts';
import { plaidErrors, transferErrors } from './errors.ts';
import {
  type Body,
  obj,
  onlyFields,
  type PlaidApi,
  type PlaidApiExtension,
  requireFields,
  str,
  url,
} from './routes.ts';
import type { PlaidSandbox } from './sandbox.ts';
import type { AuthorizationRow, EventRow, Failure, RefundRow, SandboxTransfers, TransferRow } from './transfer.ts';
import { returnWindows } from './transfer-schedule.ts';

/** Plaid's datetime form, `2006-01-02T15:04:05Z`. */
const plaidTime = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Each Plaid client has one Ledger; its id is stable (a UUID derived from the client id). */
function ledgerId(plaidClientId: string): string {
  const h = createHash('sha256').update(`ledger:${plaidClientId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The ACH trace number Plaid sets once a transfer posts: 15 digits, stable per transfer. */
function traceId(id: string): string {
  return BigInt(`0x${createHash('sha256').update(id).digest('hex').slice(0, 15)}`)
    .toString()
    .padStart(15, '0')
    .slice(-15);
}

function failureOf(code: string | null, description: string | null) {
  if (code === null && description === null) return null;
  return { failure_code: code, ach_return_code: code, description: description ?? '' };
}

function user(row: { user_legal_name: string; user_email: string | null; user_phone: string | null }) {
  return {
    legal_name: row.user_legal_name,
    phone_number: row.user_phone,
    email_address: row.user_email,
    address: null,
  };
}

export function renderAuthorization(a: AuthorizationRow) {
  return {
    id: a.id,
    created: plaidTime(a.created_at),
    decision: a.decision,
    decision_rationale: a.rationale_code
      ? { code: a.rationale_code, description: a.rationale_description ?? '' }
      : null,
    guarantee_decision: null,
    guarantee_decision_rationale: null,
    payment_risk: null,
    proposed_transfer: {
      ach_class: a.ach_class,
      account_id: a.account_id,
      funding_account_id: null,
      ledger_id: ledgerId(a.plaid_client_id),
      type: a.type,
      user: user(a),
      amount: formatUsd(a.amount_cents),
      requested_amount: formatUsd(a.amount_cents),
      network: a.network,
      wire_details: null,
      origination_account_id: '',
      iso_currency_code: 'USD',
      originator_client_id: null,
      credit_funds_source: null,
    },
  };
}

export function renderRefund(r: RefundRow) {
  return {
    id: r.id,
    transfer_id: r.transfer_id,
    amount: formatUsd(r.amount_cents),
    status: r.status,
    failure_reason: failureOf(r.failure_code, r.failure_description),
    ledger_id: ledgerId(r.plaid_client_id),
    created: plaidTime(r.created_at),
    network_trace_id: r.status === 'pending' ? null : traceId(r.id),
  };
}

export function renderTransfer(t: TransferRow, refunds: RefundRow[]) {
  const windows = t.settled_on ? returnWindows(t.settled_on) : null;
  return {
    id: t.id,
    authorization_id: t.authorization_id,
    ach_class: t.ach_class,
    account_id: t.account_id,
    funding_account_id: null,
    ledger_id: ledgerId(t.plaid_client_id),
    type: t.type,
    user: user(t),
    amount: formatUsd(t.amount_cents),
    description: t.description,
    created: plaidTime(t.created_at),
    status: t.status,
    sweep_status: t.sweep_status,
    network: t.network,
    wire_details: null,
    cancellable: t.status === 'pending',
    failure_reason: failureOf(t.failure_code, t.failure_description),
    metadata: t.metadata,
    origination_account_id: '',
    guarantee_decision: null,
    guarantee_decision_rationale: null,
    iso_currency_code: 'USD',
    standard_return_window: windows?.standard ?? null,
    unauthorized_return_window: windows?.unauthorized ?? null,
    expected_settlement_date: t.expected_settlement_date,
    // This sandbox releases a debit's funds when it settles.
    expected_funds_available_date: t.status === 'returned' ? null : t.expected_settlement_date,
    originator_client_id: null,
    refunds: refunds.map(renderRefund),
    recurring_transfer_id: null,
    credit_funds_source: null,
    network_trace_id: t.status === 'pending' || t.status === 'failed' ? null : traceId(t.id),
  };
}

export function renderEvent(e: EventRow) {
  const cents = (v: UsdCents | null) => (v === null ? undefined : formatUsd(v));
  return {
    event_id: Number(e.event_id),
    timestamp: plaidTime(e.created_at),
    event_type: e.event_type,
    account_id: e.account_id ?? undefined,
    funding_account_id: null,
    ledger_id: ledgerId(e.plaid_client_id),
    transfer_id: e.transfer_id,
    origination_account_id: null,
    transfer_type: e.transfer_type ?? undefined,
    transfer_amount: cents(e.transfer_amount_cents),
    failure_reason: failureOf(e.failure_code, e.failure_description),
    sweep_id: e.sweep_id,
    sweep_amount: e.sweep_amount_cents === null ? null : formatUsd(e.sweep_amount_cents),
    event_amount: cents(e.event_amount_cents) ?? null,
    refund_id: e.refund_id,
    originator_client_id: null,
    intent_id: null,
    wire_return_fee: null,
  };
}

function amount(body: Body, field: string, required: true): bigint;
function amount(body: Body, field: string, required: false): bigint | null;
function amount(body: Body, field: string, required: boolean): bigint | null {
  const text = str(body, field);
  if (text === undefined) {
    if (required) throw plaidErrors.missingFields([field]);
    return null;
  }
  const cents = parseUsdCents(text);
  if (cents === undefined || cents <= 0n)
    throw plaidErrors.invalidField(
      `${field} must be a positive decimal string with two digits of precision, e.g. "10.00"`,
    );
  return cents;
}

function int(body: Body, field: string, opts: { min: number; max: number; fallback: number }): number {
  const value = body[field];
  if (value === undefined || value === null) return opts.fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < opts.min || value > opts.max)
    throw plaidErrors.invalidField(`${field} must be an integer from ${opts.min} to ${opts.max}`);
  return value;
}

function date(body: Body, field: string): Date | null {
  const text = str(body, field);
  if (text === undefined) return null;
  const ms = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(ms))
    throw plaidErrors.invalidField(`${field} must be an RFC 3339 datetime such as 2019-12-06T22:35:49Z`);
  return new Date(ms);
}

function failure(body: Body): Failure | null {
  const f = obj(body, 'failure_reason');
  if (!f) return null;
  onlyFields(f, ['failure_code', 'ach_return_code', 'description']);
  const code = str(f, 'failure_code', { max: 10 }) ?? str(f, 'ach_return_code', { max: 10 }) ?? null;
  if (code !== null && !/^[A-Z0-9]{2,10}$/.test(code))
    throw plaidErrors.invalidField('failure_reason.failure_code must be a code such as R01');
  return { code, description: str(f, 'description', { max: 500 }) ?? '' };
}

function noTestClock(body: Body): void {
  if (body.test_clock_id !== undefined && body.test_clock_id !== null)
    throw plaidErrors.invalidField(
      'test_clock_id: this sandbox has no test clocks; it runs on the sandbox clock (POST /sandbox/clock:advance)',
    );
}

function metadata(body: Body): Record<string, string> | null {
  const m = obj(body, 'metadata');
  if (!m) return null;
  const entries = Object.entries(m);
  const ok =
    entries.length <= 50 &&
    entries.every(
      ([k, v]) => typeof v === 'string' && k.length <= 40 && v.length <= 500 && /^[\x20-\x7e]*$/.test(k + v),
    );
  if (!ok)
    throw plaidErrors.invalidField(
      'metadata must map at most 50 ASCII keys (40 characters) to ASCII strings (500 characters)',
    );
  return m as Record<string, string>;
}

const AUTHORIZE_FIELDS = [
  'client_id',
  'secret',
  'access_token',
  'account_id',
  'funding_account_id',
  'ledger_id',
  'type',
  'network',
  'amount',
  'ach_class',
  'user',
  'device',
  'origination_account_id',
  'iso_currency_code',
  'idempotency_key',
  'user_present',
  'with_guarantee',
  'beacon_session_id',
  'test_clock_id',
];

/** Plaid Transfer in the sandbox's /sandbox/plaid scope (Plaid keys and error objects as everywhere there). */
export function transferApiRoutes(sandbox: PlaidSandbox, transfers: SandboxTransfers): PlaidApiExtension {
  return (api) => {
    registerOriginationRoutes(api, sandbox, transfers);
    registerTransferReadRoutes(api, transfers);
    registerTransferEventRoutes(api, transfers);
    registerRefundRoutes(api, transfers);
    registerTransferSimulationRoutes(api, transfers);
  };
}

/** A transfer is authorized (Plaid's risk decision), then created against that authorization. */
function registerOriginationRoutes(
  { route, keys }: PlaidApi,
  sandbox: PlaidSandbox,
  transfers: SandboxTransfers,
): void {
  route('/transfer/authorization/create', async (request, body) => {
    onlyFields(body, AUTHORIZE_FIELDS);
    const plaidClientId = keys(request, body);
    requireFields(body, ['access_token', 'account_id', 'type', 'network', 'amount', 'user']);
    noTestClock(body);
    const u = obj(body, 'user')!;
    onlyFields(u, ['legal_name', 'phone_number', 'email_address', 'address']);
    const legalName = str(u, 'legal_name', { max: 200 });
    if (!legalName) throw plaidErrors.missingFields(['user.legal_name']);
    const currency = str(body, 'iso_currency_code');
    if (currency !== undefined && currency !== 'USD') throw plaidErrors.invalidField('iso_currency_code must be USD');
    const item = await sandbox.item(plaidClientId, str(body, 'access_token')!);
    const accountId = str(body, 'account_id')!;
    if ((await sandbox.accounts(item.item_id, [accountId])).length !== 1) throw transferErrors.invalidAccountId();
    const authorization = await transfers.authorize(plaidClientId, {
      item,
      accountId,
      type: str(body, 'type')!,
      network: str(body, 'network')!,
      achClass: str(body, 'ach_class') ?? null,
      amountCents: amount(body, 'amount', true),
      legalName,
      email: str(u, 'email_address', { max: 200 }) ?? null,
      phone: str(u, 'phone_number', { max: 40 }) ?? null,
      idempotencyKey: str(body, 'idempotency_key', { max: 50 }) ?? null,
    });
    return { authorization: renderAuthorization(authorization) };
  });

  route('/transfer/create', async (request, body) => {
    onlyFields(body, [
      'client_id',
      'secret',
      'idempotency_key',
      'access_token',
      'account_id',
      'authorization_id',
      'type',
      'network',
      'amount',
      'description',
      'ach_class',
      'user',
      'metadata',
      'origination_account_id',
      'iso_currency_code',
      'test_clock_id',
    ]);
    const plaidClientId = keys(request, body);
    requireFields(body, ['access_token', 'account_id', 'authorization_id', 'description']);
    noTestClock(body);
    const description = str(body, 'description')!;
    if (description.length > 10)
      throw plaidErrors.invalidField('description must be at most 10 characters for ACH transfers');
    const item = await sandbox.item(plaidClientId, str(body, 'access_token')!);
    const transfer = await transfers.createTransfer(plaidClientId, {
      item,
      accountId: str(body, 'account_id')!,
      authorizationId: str(body, 'authorization_id')!,
      amountCents: amount(body, 'amount', false),
      description,
      metadata: metadata(body),
    });
    return { transfer: renderTransfer(transfer, []) };
  });
}

function registerTransferReadRoutes({ route, keys }: PlaidApi, transfers: SandboxTransfers): void {
  route('/transfer/get', async (request, body) => {
    onlyFields(body, ['client_id', 'secret', 'transfer_id', 'authorization_id', 'originator_client_id']);
    const plaidClientId = keys(request, body);
    const transferId = str(body, 'transfer_id');
    const authorizationId = str(body, 'authorization_id');
    if ((transferId === undefined) === (authorizationId === undefined))
      throw plaidErrors.invalidField('give exactly one of transfer_id and authorization_id');
    const t = await transfers.transfer(plaidClientId, {
      ...(transferId !== undefined ? { transferId } : {}),
      ...(authorizationId !== undefined ? { authorizationId } : {}),
    });
    return { transfer: renderTransfer(t, (await transfers.refundsOf([t.id])).get(t.id) ?? []) };
  });

  route('/transfer/list', async (request, body) => {
    onlyFields(body, [
      'client_id',
      'secret',
      'start_date',
      'end_date',
      'count',
      'offset',
      'origination_account_id',
      'originator_client_id',
      'funding_account_id',
    ]);
    const plaidClientId = keys(request, body);
    const rows = await transfers.listTransfers(plaidClientId, {
      start: date(body, 'start_date'),
      end: date(body, 'end_date'),
      count: int(body, 'count', { min: 1, max: 25, fallback: 25 }),
      offset: int(body, 'offset', { min: 0, max: 1_000_000, fallback: 0 }),
    });
    const refunds = await transfers.refundsOf(rows.map((r) => r.id));
    return { transfers: rows.map((t) => renderTransfer(t, refunds.get(t.id) ?? [])) };
  });
}

/** The transfer event feed: filtered pages (event/list) and the cursor that webhooks prompt (event/sync). */
function registerTransferEventRoutes({ route, keys }: PlaidApi, transfers: SandboxTransfers): void {
  route('/transfer/event/list', async (request, body) => {
    onlyFields(body, [
      'client_id',
      'secret',
      'start_date',
      'end_date',
      'transfer_id',
      'account_id',
      'transfer_type',
      'event_types',
      'sweep_id',
      'count',
      'offset',
      'origination_account_id',
      'originator_client_id',
      'funding_account_id',
    ]);
    const plaidClientId = keys(request, body);
    const eventTypes = body.event_types ?? [];
    if (!Array.isArray(eventTypes) || eventTypes.some((t) => typeof t !== 'string'))
      throw plaidErrors.invalidField('event_types must be an array of transfer event types');
    const { events, hasMore } = await transfers.listEvents(plaidClientId, {
      start: date(body, 'start_date'),
      end: date(body, 'end_date'),
      transferId: str(body, 'transfer_id') ?? null,
      accountId: str(body, 'account_id') ?? null,
      transferType: str(body, 'transfer_type') ?? null,
      eventTypes: eventTypes as string[],
      sweepId: str(body, 'sweep_id') ?? null,
      count: int(body, 'count', { min: 1, max: 25, fallback: 25 }),
      offset: int(body, 'offset', { min: 0, max: 1_000_000, fallback: 0 }),
    });
    return { transfer_events: events.map(renderEvent), has_more: hasMore };
  });

  route('/transfer/event/sync', async (request, body) => {
    onlyFields(body, ['client_id', 'secret', 'after_id', 'count']);
    const plaidClientId = keys(request, body);
    if (body.after_id === undefined || body.after_id === null) throw plaidErrors.missingFields(['after_id']);
    const afterId = int(body, 'after_id', { min: 0, max: Number.MAX_SAFE_INTEGER, fallback: 0 });
    const count = int(body, 'count', { min: 1, max: 500, fallback: 100 });
    const { events, hasMore } = await transfers.syncEvents(plaidClientId, BigInt(afterId), count);
    return { transfer_events: events.map(renderEvent), has_more: hasMore };
  });
}

function registerRefundRoutes({ route, keys }: PlaidApi, transfers: SandboxTransfers): void {
  route('/transfer/refund/create', async (request, body) => {
    onlyFields(body, ['client_id', 'secret', 'transfer_id', 'amount', 'idempotency_key']);
    const plaidClientId = keys(request, body);
    requireFields(body, ['transfer_id', 'amount', 'idempotency_key']);
    const refund = await transfers.createRefund(plaidClientId, {
      transferId: str(body, 'transfer_id')!,
      amountCents: amount(body, 'amount', true),
      idempotencyKey: str(body, 'idempotency_key', { max: 50 })!,
    });
    return { refund: renderRefund(refund) };
  });

  route('/transfer/refund/get', async (request, body) => {
    onlyFields(body, ['client_id', 'secret', 'refund_id']);
    const plaidClientId = keys(request, body);
    requireFields(body, ['refund_id']);
    return { refund: renderRefund(await transfers.refund(plaidClientId, str(body, 'refund_id')!)) };
  });
}

/** Plaid's /sandbox endpoints for Transfer: move a transfer or refund on, sweep, fire a webhook. */
function registerTransferSimulationRoutes({ route, keys }: PlaidApi, transfers: SandboxTransfers): void {
  // Transfers and refunds are simulated alike: an id, Plaid's event type, a failure, a webhook.
  const simulation = (path: string, idField: 'transfer_id' | 'refund_id', run: SandboxTransfers['simulate']) =>
    route(path, async (request, body) => {
      onlyFields(body, ['client_id', 'secret', idField, 'test_clock_id', 'event_type', 'failure_reason', 'webhook']);
      const plaidClientId = keys(request, body);
      requireFields(body, [idField, 'event_type']);
      noTestClock(body);
      await run(
        plaidClientId,
        str(body, idField)!,
        str(body, 'event_type')!,
        failure(body),
        url(str(body, 'webhook'), 'webhook'),
      );
      return {};
    });
  simulation('/sandbox/transfer/simulate', 'transfer_id', (...args) => transfers.simulate(...args));
  simulation('/sandbox/transfer/refund/simulate', 'refund_id', (...args) => transfers.simulateRefund(...args));

  route('/sandbox/transfer/sweep/simulate', async (request, body) => {
    onlyFields(body, ['client_id', 'secret', 'test_clock_id', 'webhook']);
    const plaidClientId = keys(request, body);
    noTestClock(body);
    const sweep = await transfers.simulateSweep(plaidClientId, url(str(body, 'webhook'), 'webhook'));
    if (!sweep) return {};
    return {
      sweep: {
        id: sweep.id,
        funding_account_id: '',
        ledger_id: ledgerId(plaidClientId),
        created: plaidTime(sweep.created_at),
        amount: formatUsd(sweep.amount_cents),
        iso_currency_code: 'USD',
        settled: sweep.settled_on,
        status: 'settled',
        trigger: 'automatic_aggregate',
      },
    };
  });

  route('/sandbox/transfer/fire_webhook', async (request, body) => {
    onlyFields(body, ['client_id', 'secret', 'webhook']);
    keys(request, body);
    requireFields(body, ['webhook']);
    await transfers.fireWebhook(url(str(body, 'webhook'), 'webhook')!);
    return {};
  });
}
