// Operator commands: list failed webhook deliveries (any client) and replay one.
import { UUID_RE } from '../../lib/ids.ts';
import { option, positionalId, UsageError, type OperatorCommand } from '../../operator/commands.ts';
import { replayDelivery } from './deliveries.ts';
import { webhookDelivery } from './index.ts';
import { failedDeliveries } from './repository.ts';

export const webhookCommands: OperatorCommand[] = [
  {
    path: ['webhooks', 'failed'],
    options: { client: { type: 'string' }, limit: { type: 'string' } },
    usage: 'webhooks failed [--client CLIENT_ID] [--limit N]',
    description: 'List webhook deliveries whose retries ran out (newest first)',
    async run(ctx, args) {
      const clientId = option(args, 'client');
      if (clientId !== undefined && !UUID_RE.test(clientId)) throw new UsageError('--client must be a UUID');
      const limitText = option(args, 'limit') ?? '50';
      const limit = Number(limitText);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
        throw new UsageError('--limit must be an integer from 1 to 1000');
      const rows = await failedDeliveries(ctx.db, { ...(clientId ? { clientId: clientId.toLowerCase() } : {}), limit });
      return rows.map((d) => ({
        deliveryId: d.id,
        webhookId: d.webhook_id,
        clientId: d.client_id,
        url: d.url,
        event: d.event_type,
        eventId: d.event_id,
        attempts: d.attempt_count,
        lastStatusCode: d.last_status_code,
        lastError: d.last_error,
        failedAt: d.updated_at.toISOString(),
      }));
    },
  },
  {
    path: ['webhooks', 'replay'],
    usage: 'webhooks replay DELIVERY_ID',
    description: 'Send a webhook delivery again (a new series of attempts, same body and id)',
    async run(ctx, args) {
      const deliveryId = positionalId(args, 0, 'DELIVERY_ID');
      const d = await replayDelivery(ctx, webhookDelivery(ctx), undefined, undefined, deliveryId);
      return { deliveryId: d.id, webhookId: d.webhookId, status: d.status, attempts: d.attemptCount };
    },
  },
];
