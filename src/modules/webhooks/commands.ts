// Operator commands: a client's registrations (list, delete), deliveries still to be sent (pending)
// or whose retries ran out (failed), for any client or one, and replaying a delivery.
import { UUID_RE } from '../../lib/ids.ts';
import {
  type CommandArgs,
  option,
  positionalId,
  UsageError,
  type OperatorCommand,
  databaseCommand,
  type DatabaseContext,
} from '../../operator/command-args.ts';
import { replayDelivery } from './deliveries.ts';
import { listClientWebhooks, removeWebhook, webhookDeps } from './registrations.ts';
import { type DeliveryRow, deliveriesWithStatus, deliveryCounts } from './repository.ts';
import type { DeliveryStatus } from './tables.ts';

function clientOption(args: CommandArgs, required: boolean): string | undefined {
  const clientId = option(args, 'client');
  if (clientId === undefined && required) throw new UsageError('--client CLIENT_ID is required');
  if (clientId !== undefined && !UUID_RE.test(clientId)) throw new UsageError('--client must be a UUID');
  return clientId?.toLowerCase();
}

function limitOption(args: CommandArgs): number {
  const limit = Number(option(args, 'limit') ?? '50');
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw new UsageError('--limit must be an integer from 1 to 1000');
  return limit;
}

function deliveryLine(d: DeliveryRow & { client_id: string; url: string }) {
  return {
    deliveryId: d.id,
    webhookId: d.webhook_id,
    clientId: d.client_id,
    url: d.url,
    event: d.event_type,
    eventId: d.event_id,
    status: d.status,
    attempts: d.attempt_count,
    lastStatusCode: d.last_status_code,
    lastError: d.last_error,
    createTime: d.created_at.toISOString(),
    nextAttemptTime: d.next_attempt_at?.toISOString() ?? null,
  };
}

const listOptions = { client: { type: 'string' }, limit: { type: 'string' } } as const;

function deliveriesFor(
  ctx: DatabaseContext,
  args: CommandArgs,
  statuses: DeliveryStatus[],
  order: 'newest' | 'oldest',
) {
  const clientId = clientOption(args, false);
  return deliveriesWithStatus(ctx.db, { statuses, ...(clientId ? { clientId } : {}), limit: limitOption(args), order });
}

export const webhookCommands: OperatorCommand[] = [
  {
    path: ['webhooks', 'list'],
    options: { client: { type: 'string' } },
    usage: 'webhooks list --client CLIENT_ID',
    description: "A client's webhook registrations (never their secrets), with deliveries pending and failed",
    async run(ctx, args) {
      const clientId = clientOption(args, true)!;
      const [{ items }, counts] = await Promise.all([
        listClientWebhooks(webhookDeps(ctx), clientId),
        deliveryCounts(ctx.db, clientId),
      ]);
      return items.map((w) => ({ ...w, deliveries: counts.get(w.id) ?? { pending: 0, failed: 0 } }));
    },
  },
  {
    path: ['webhooks', 'delete'],
    options: { client: { type: 'string' } },
    usage: 'webhooks delete WEBHOOK_ID --client CLIENT_ID',
    description: 'Delete a registration of the client, with its deliveries (nothing more is sent to it)',
    async run(ctx, args) {
      const webhookId = positionalId(args, 0, 'WEBHOOK_ID');
      const clientId = clientOption(args, true)!;
      await removeWebhook(webhookDeps(ctx), clientId, webhookId);
      return { webhookId, clientId, deleted: true };
    },
  },
  databaseCommand({
    path: ['webhooks', 'pending'],
    options: listOptions,
    usage: 'webhooks pending [--client CLIENT_ID] [--limit N]',
    description: 'List webhook deliveries not sent yet (queued, sending, or waiting to retry), oldest first',
    async run(ctx, args) {
      const rows = await deliveriesFor(ctx, args, ['QUEUED', 'SENDING', 'SCHEDULED'], 'oldest');
      return rows.map(deliveryLine);
    },
  }),
  databaseCommand({
    path: ['webhooks', 'failed'],
    options: listOptions,
    usage: 'webhooks failed [--client CLIENT_ID] [--limit N]',
    description: 'List webhook deliveries whose retries ran out (newest first)',
    async run(ctx, args) {
      const rows = await deliveriesFor(ctx, args, ['FAILED'], 'newest');
      return rows.map((d) => ({ ...deliveryLine(d), failedAt: d.updated_at.toISOString() }));
    },
  }),
  {
    path: ['webhooks', 'replay'],
    usage: 'webhooks replay DELIVERY_ID',
    description: 'Send a webhook delivery again (a new series of attempts, same body and id)',
    async run(ctx, args) {
      const deliveryId = positionalId(args, 0, 'DELIVERY_ID');
      const d = await replayDelivery(ctx, ctx.webhooks, undefined, undefined, deliveryId);
      return { deliveryId: d.id, webhookId: d.webhookId, status: d.status, attempts: d.attemptCount };
    },
  },
];
