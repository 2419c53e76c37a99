// The outbox. A domain change calls publishEvent() with its own transaction, so the event exists iff
// the change committed; a dispatch job (same transaction) hands it to every registered dispatcher
// (webhook delivery) after commit. Delivery is at-least-once: dispatchers must be idempotent per event id.
import type { Db, Executor } from '../../db/index.ts';
import type { Jobs } from '../../jobs/index.ts';
import { newId } from '../../lib/crypto.ts';

export const EVENT_TYPES = ['ACTIVITY_UPDATED', 'BANK_UPDATED', 'KYC_UPDATED'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const DISPATCH_QUEUE = 'event-dispatch';

export interface PublishedEvent {
  id: string;
  userId: string | null;
  type: EventType;
  /** The API object (ActivityItem, BankAccount, Kyc) as the API returns it at this moment. */
  data: Record<string, unknown>;
  createdAt: Date;
}

export type EventDispatcher = (event: PublishedEvent) => Promise<void>;

export class EventBus {
  private readonly dispatchers: EventDispatcher[] = [];
  constructor(
    private readonly db: Db,
    private readonly jobs: Jobs,
  ) {
    jobs.define<{ eventId: string }>({
      name: DISPATCH_QUEUE,
      retryLimit: 10,
      // Dispatch is short database work (webhook fan-out): take events in batches, concurrently,
      // and keep fetching while there is a backlog instead of one event per poll.
      batchSize: 20,
      parallel: true,
      handler: async (job) => this.dispatch(job.data.eventId),
    });
  }

  /** Registers a consumer of every published event (called once per process at start). */
  subscribe(dispatcher: EventDispatcher): void {
    this.dispatchers.push(dispatcher);
  }

  /** Writes the event in `trx` and schedules its dispatch after commit. Returns the event id. */
  async publish(
    trx: Executor,
    event: { userId: string | null; type: EventType; data: Record<string, unknown> },
  ): Promise<string> {
    const id = newId();
    await trx
      .insertInto('events')
      .values({ id, user_id: event.userId, type: event.type, data: JSON.stringify(event.data) })
      .execute();
    await this.jobs.send(DISPATCH_QUEUE, { eventId: id }, { trx });
    return id;
  }

  async dispatch(eventId: string): Promise<void> {
    const row = await this.db.selectFrom('events').selectAll().where('id', '=', eventId).executeTakeFirst();
    if (!row) return;
    const event: PublishedEvent = {
      id: row.id,
      userId: row.user_id,
      type: row.type as EventType,
      data: row.data,
      createdAt: row.created_at,
    };
    for (const dispatcher of this.dispatchers) await dispatcher(event);
  }
}
