// The ACH originator on Plaid Transfer, through the official `plaid` client (ctx.plaid): the same code
// against production.plaid.com, sandbox.plaid.com or the built-in sandbox (/sandbox/plaid). Each call
// has the client's timeout and is not retried here: the caller retries with the same idempotency key.
// Types only: `plaid` itself loads on the first Plaid call (test/lazy-loading.test.ts), so its enums
// are spelled here as the strings they stand for.
import type { ACHClass, PlaidApi, TransferEvent, TransferNetwork, TransferType } from 'plaid';
import type { Logger } from 'pino';
import { formatUsd, parseUsdCents, type UsdCents, usdCents } from '../../lib/money.ts';
import type { AchNetwork } from '../../modules/ach/config.ts';
import {
  describePlaidFailure,
  plaidErrorOf,
  plaidStatusOf,
  PlaidUnavailableError,
  type PlaidProvider,
} from '../plaid/index.ts';
import {
  type AchAuthorization,
  type AchAuthorizationRequest,
  type AchEvent,
  type AchProvider,
  AchProviderError,
  type AchRefundRequest,
  type AchTransfer,
  type AchTransferRequest,
} from './types.ts';

const NETWORKS: Record<AchNetwork, TransferNetwork> = {
  ach: 'ach' as TransferNetwork.Ach,
  'same-day-ach': 'same-day-ach' as TransferNetwork.SameDayAch,
};
const CLASSES: Record<string, ACHClass> = {
  web: 'web' as ACHClass.Web,
  ppd: 'ppd' as ACHClass.Ppd,
  tel: 'tel' as ACHClass.Tel,
  ccd: 'ccd' as ACHClass.Ccd,
};
const DEBIT = 'debit' as TransferType.Debit;

function cents(amount: string | null | undefined): UsdCents | null {
  if (amount === null || amount === undefined) return null;
  const negative = amount.startsWith('-');
  const value = parseUsdCents(negative ? amount.slice(1) : amount);
  if (value === undefined) return null;
  return negative ? usdCents(-value) : value;
}

function toEvent(e: TransferEvent): AchEvent {
  return {
    eventId: BigInt(e.event_id),
    type: e.event_type,
    transferId: e.transfer_id,
    refundId: e.refund_id ?? null,
    sweepId: e.sweep_id ?? null,
    at: new Date(e.timestamp),
    amountCents: cents(e.transfer_amount),
    failureCode: e.failure_reason?.failure_code ?? e.failure_reason?.ach_return_code ?? null,
    failureDescription: e.failure_reason?.description ?? null,
    raw: e as unknown as Record<string, unknown>,
  };
}

export class PlaidTransferProvider implements AchProvider {
  readonly name = 'plaid';

  constructor(
    private readonly plaid: PlaidProvider,
    private readonly log: Logger,
  ) {}

  /** Runs a Plaid call; every failure becomes an AchProviderError that says whether to retry. */
  private async call<T>(operation: string, run: (api: PlaidApi) => Promise<{ data: T }>): Promise<T> {
    try {
      return (await run(this.plaid.api())).data;
    } catch (error) {
      if (error instanceof PlaidUnavailableError) throw new AchProviderError('UNAVAILABLE', null, error.message);
      const plaid = plaidErrorOf(error);
      const status = plaidStatusOf(error);
      this.log.warn({ operation, ...describePlaidFailure(error) }, 'Plaid Transfer call failed');
      // Plaid: a transfer may still have been created when a 500 comes back; only 4xx means "not done".
      if (plaid && status !== undefined && status >= 400 && status < 500 && status !== 429)
        throw new AchProviderError('REFUSED', plaid.error_code, `${plaid.error_code}: ${plaid.error_message}`);
      throw new AchProviderError(
        'UNAVAILABLE',
        plaid?.error_code ?? null,
        `Plaid ${operation} did not answer in time or could not be reached${plaid ? ` (${plaid.error_code})` : ''}`,
      );
    }
  }

  async authorize(request: AchAuthorizationRequest): Promise<AchAuthorization> {
    const data = await this.call('transfer/authorization/create', (api) =>
      api.transferAuthorizationCreate({
        access_token: request.accessToken,
        account_id: request.accountId,
        type: DEBIT,
        network: NETWORKS[request.network],
        amount: formatUsd(request.amountCents),
        ach_class: CLASSES[request.achClass]!,
        user: {
          legal_name: request.legalName,
          ...(request.email ? { email_address: request.email } : {}),
          ...(request.phone ? { phone_number: request.phone } : {}),
        },
        idempotency_key: request.idempotencyKey,
        user_present: true,
      }),
    );
    const a = data.authorization;
    return {
      authorizationId: a.id,
      decision: a.decision,
      rationale: a.decision_rationale
        ? { code: String(a.decision_rationale.code), description: a.decision_rationale.description }
        : null,
    };
  }

  async createTransfer(request: AchTransferRequest): Promise<AchTransfer> {
    const data = await this.call('transfer/create', (api) =>
      api.transferCreate({
        authorization_id: request.authorizationId,
        access_token: request.accessToken,
        account_id: request.accountId,
        amount: formatUsd(request.amountCents),
        description: request.description,
        metadata: request.metadata,
      }),
    );
    return this.toTransfer(data.transfer);
  }

  async getTransfer(transferId: string): Promise<AchTransfer> {
    const data = await this.call('transfer/get', (api) => api.transferGet({ transfer_id: transferId }));
    return this.toTransfer(data.transfer);
  }

  private toTransfer(t: {
    id: string;
    status: string;
    network: string;
    expected_settlement_date: string | null;
    metadata: Record<string, string> | null;
  }): AchTransfer {
    return {
      transferId: t.id,
      status: t.status,
      network: t.network === 'same-day-ach' ? 'same-day-ach' : 'ach',
      expectedSettlementDate: t.expected_settlement_date ?? null,
      metadata: t.metadata,
    };
  }

  async events(afterId: bigint, count: number): Promise<{ events: AchEvent[]; hasMore: boolean }> {
    const data = await this.call('transfer/event/sync', (api) =>
      api.transferEventSync({ after_id: Number(afterId), count }),
    );
    return { events: data.transfer_events.map(toEvent), hasMore: data.has_more };
  }

  async refund(request: AchRefundRequest): Promise<{ refundId: string; status: string }> {
    const data = await this.call('transfer/refund/create', (api) =>
      api.transferRefundCreate({
        transfer_id: request.transferId,
        amount: formatUsd(request.amountCents),
        idempotency_key: request.idempotencyKey,
      }),
    );
    return { refundId: data.refund.id, status: data.refund.status };
  }

  async ping(): Promise<void> {
    await this.call('transfer/event/list', (api) => api.transferEventList({ count: 1 }));
  }
}
