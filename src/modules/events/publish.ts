// The outbox. A domain change calls publishEvent() with its own transaction, so the event exists iff
// the change committed; a dispatch job (same transaction, one for all the events that transaction
// publishes) hands them to every registered dispatcher (webhook delivery) after commit. Delivery is at-least-once: dispatchers must be idempotent per event id.
//
// The outbox is typed by event: `data` is the API object of its type (EventData), so a publisher
// cannot send the wrong object and a dispatcher narrows on `type`. The modules' types are imported
// as types only: no module is loaded by this one, so no import cycle.
import type { Db, Executor } from '../../db/index.ts';
import type { Jobs } from '../../jobs/index.ts';
import { newId } from '../../lib/crypto.ts';
import { invariant } from '../../lib/invariant.ts';
import type { ActivityItem } from '../activity/repository.ts';
import type { Kyc } from '../kyc/view.ts';
import type { BankAccount } from '../users/bank-accounts-reader.ts';

export const EVENT_TYPES = ['ACTIVITY_UPDATED', 'BANK_UPDATED', 'KYC_UPDATED'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Each event's `data`: the API object as the API returns it at that moment (one entry per type). */
export interface EventData extends Record<EventType, object> {
  ACTIVITY_UPDATED: ActivityItem;
  BANK_UPDATED: BankAccount;
  KYC_UPDATED: Kyc;
}

export const DISPATCH_QUEUE = 'event-dispatch';

/** What a publisher hands the outbox. */
export interface NewEvent<T extends EventType> {
  userId: string | null;
  type: T;
  data: EventData[T];
}

/** An event as dispatchers receive it: a union discriminated by `type`. */
export type PublishedEvent = {
  [T in EventType]: { id: string; userId: string | null; type: T; data: EventData[T]; createdAt: Date };
}[EventType];

export type EventDispatcher = (event: PublishedEvent) => Promise<void>;
/** A dispatcher that takes a batch of events at once (one fetched batch of dispatch jobs). */
export type BatchDispatcher = (events: PublishedEvent[]) => Promise<void>;

/** A dispatch job: its transaction's first event, and the batch of every event that transaction published. */
interface DispatchJobData {
  eventId: string;
  batch?: string;
}

export class EventBus {
  /**
   * The dispatch batch of each open transaction that has published (state only publish() reads): one
   * job per transaction, not per event. Keyed by the Transaction object, so a publish outside a
   * transaction, or in another one, gets a job of its own.
   */
  private readonly batches = new WeakMap<Executor, string>();
  private readonly dispatchers: Array<{ one?: EventDispatcher; many?: BatchDispatcher }> = [];
  constructor(
    private readonly db: Db,
    private readonly jobs: Jobs,
  ) {
    jobs.define<DispatchJobData>({
      name: DISPATCH_QUEUE,
      retryLimit: 10,
      // Dispatch is short database work (webhook fan-out): take events in batches, handed to batch
      // dispatchers at once, and keep fetching while there is a backlog instead of one event per poll.
      batchSize: 100,
      handler: async (job) => this.dispatchMany([job.data.eventId], job.data.batch ? [job.data.batch] : []),
      batchHandler: async (jobs) =>
        this.dispatchMany(
          jobs.map((j) => j.data.eventId),
          jobs.flatMap((j) => (j.data.batch ? [j.data.batch] : [])),
        ),
    });
  }

  /** Registers a consumer of every published event (called once per process at start). */
  subscribe(dispatcher: EventDispatcher): void {
    this.dispatchers.push({ one: dispatcher });
  }

  /** Like subscribe(), for a consumer that handles a batch of events at once (webhook fan-out). */
  subscribeBatch(dispatcher: BatchDispatcher): void {
    this.dispatchers.push({ many: dispatcher });
  }

  /** Writes the event in `trx` and schedules its dispatch after commit. Returns the event id. */
  async publish<T extends EventType>(trx: Executor, event: NewEvent<T>): Promise<string> {
    const id = newId();
    const known = trx.isTransaction ? this.batches.get(trx) : undefined;
    const batch = known ?? newId();
    await trx
      .insertInto('events')
      .values({ id, user_id: event.userId, type: event.type, data: JSON.stringify(event.data), dispatch_batch: batch })
      .execute();
    if (known === undefined) {
      await this.jobs.send<DispatchJobData>(DISPATCH_QUEUE, { eventId: id, batch }, { trx });
      if (trx.isTransaction) this.batches.set(trx, batch);
    }
    return id;
  }

  async dispatch(eventId: string): Promise<void> {
    await this.dispatchMany([eventId]);
  }

  /** Hands events to every dispatcher, in the order they subscribed (each event to each once). */
  async dispatchMany(eventIds: string[], batches: string[] = []): Promise<void> {
    if (eventIds.length === 0 && batches.length === 0) return;
    const rows = await this.db
      .selectFrom('events')
      .selectAll()
      .where((eb) =>
        eb.or([
          ...(eventIds.length > 0 ? [eb('id', 'in', [...new Set(eventIds)])] : []),
          ...(batches.length > 0 ? [eb('dispatch_batch', 'in', [...new Set(batches)])] : []),
        ]),
      )
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    const events = rows.map((row) => {
      const type = row.type as EventType;
      invariant(EVENT_TYPES.includes(type), () => `event ${row.id} has an unknown type ${row.type}`);
      // The row is what publish() wrote: a type and the API object of that type, read back as JSON.
      const data: object = row.data;
      return { id: row.id, userId: row.user_id, type, data, createdAt: row.created_at } as PublishedEvent;
    });
    if (events.length === 0) return;
    for (const d of this.dispatchers) {
      if (d.many) await d.many(events);
      else for (const event of events) await d.one!(event);
    }
  }
}
