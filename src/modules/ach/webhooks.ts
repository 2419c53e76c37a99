// Plaid's TRANSFER webhooks (verified at /webhooks/plaid by the banks module, handed here by
// webhook_type through ctx.plaid.onWebhook). TRANSFER_EVENTS_UPDATE carries nothing but "there are new
// events": it queues an event sync, which reads them from /transfer/event/sync. A duplicate or
// forged-but-verified repeat costs one more sync, which finds nothing new.
import type { PlaidProvider } from '../../providers/plaid/index.ts';
import type { AchService } from './index.ts';

export function registerTransferWebhooks(ctx: { plaid: PlaidProvider; ach: AchService }): void {
  ctx.plaid.onWebhook('TRANSFER', async (body) => {
    if (body.webhook_code !== 'TRANSFER_EVENTS_UPDATE')
      return `ignored (TRANSFER ${String(body.webhook_code).slice(0, 40)})`;
    await ctx.ach.wake();
    return 'ACH event sync queued';
  });
}
