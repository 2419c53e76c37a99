// Plaid's TRANSFER webhooks (verified at /webhooks/plaid by the banks module, dispatched here by
// webhook_type). TRANSFER_EVENTS_UPDATE carries nothing but "there are new events": it queues an event
// sync, which reads them from /transfer/event/sync. A duplicate or forged-but-verified repeat costs one
// more sync, which finds nothing new.
import type { AppContext } from '../../context.ts';
import { registerPlaidWebhookHandler } from '../banks/plaid-webhooks.ts';

export function registerTransferWebhooks(): void {
  registerPlaidWebhookHandler('TRANSFER', async (ctx: AppContext, body) => {
    if (body.webhook_code !== 'TRANSFER_EVENTS_UPDATE')
      return `ignored (TRANSFER ${String(body.webhook_code).slice(0, 40)})`;
    await ctx.ach.wake();
    return 'ACH event sync queued';
  });
}
