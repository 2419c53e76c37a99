// Delivery outcomes for other modules (purchase): SUBMITTED with the hash, then CONFIRMED or FAILED.
// Each change enqueues an update job in the transaction that makes it, so a subscriber hears of a
// transition iff it committed; the job calls every handler registered for this app (at least once).
import type { AppContext } from '../../context.ts';
import type { Executor } from '../../db/index.ts';

export interface DeliveryUpdate {
  id: string;
  status: 'SUBMITTED' | 'CONFIRMED' | 'FAILED';
  transactionHash?: string;
  failureReason?: { code: string; message: string };
}

export type DeliveryUpdateHandler = (update: DeliveryUpdate) => Promise<void>;

export const UPDATE_QUEUE = 'delivery-update';

// Per app: a process can hold several apps (tests, restarts), and each has its own subscribers.
const handlers = new WeakMap<AppContext, DeliveryUpdateHandler[]>();

/**
 * Subscribes to delivery outcomes; call it from a module's `jobs(ctx)` hook. The handler runs in a
 * job, may open its own transaction, must be idempotent per (id, status), and is retried (bounded)
 * when it throws.
 */
export function onDeliveryUpdate(ctx: AppContext, handler: DeliveryUpdateHandler): void {
  const list = handlers.get(ctx) ?? [];
  list.push(handler);
  handlers.set(ctx, list);
}

export async function enqueueUpdate(ctx: AppContext, trx: Executor, update: DeliveryUpdate): Promise<void> {
  await ctx.jobs.send(UPDATE_QUEUE, update, { trx });
}

export async function dispatchUpdate(ctx: AppContext, update: DeliveryUpdate): Promise<void> {
  for (const handler of handlers.get(ctx) ?? []) await handler(update);
}
